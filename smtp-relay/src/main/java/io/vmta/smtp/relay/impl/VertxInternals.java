package io.vmta.smtp.relay.impl;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.Optional;

/**
 * The only class of smtp-relay that uses Vert.x internals, a workaround for a gap in Vert.x
 * 5.0.7: it has no public API for this node's id in the cluster, which the queue needs for its
 * node's own address ({@code QueueAddresses.submitOn}); the id is only on the cluster manager SPI,
 * reached through {@code VertxInternal.clusterManager()}. VertxInternalsTest fails when Vert.x
 * gains a public way or this one stops working (check on every upgrade of the BOM).
 */
public final class VertxInternals {

  private VertxInternals() {
  }

  /** This node's id in {@code vertx}'s cluster; empty when {@code vertx} is not clustered. */
  public static Optional<String> nodeId(Vertx vertx) {
    if (!vertx.isClustered() || !(vertx instanceof VertxInternal internal)) {
      return Optional.empty();
    }
    return Optional.ofNullable(internal.clusterManager()).map(ClusterManager::getNodeId);
  }
}
