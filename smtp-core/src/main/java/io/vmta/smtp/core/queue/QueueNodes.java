package io.vmta.smtp.core.queue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster as the hand-off to the queue sees it: this node's id, the nodes that are members
 * now, and the members with a queue. Vert.x 5 has no public API for this, so it reads the cluster
 * manager SPI through {@code VertxInternal} (the same calls the clustered event bus makes).
 */
public final class QueueNodes {

  private final ClusterManager cluster;

  private QueueNodes(ClusterManager cluster) {
    this.cluster = cluster;
  }

  /** The view of {@code vertx}'s cluster; empty when {@code vertx} is not clustered. */
  public static Optional<QueueNodes> of(Vertx vertx) {
    if (!vertx.isClustered() || !(vertx instanceof VertxInternal internal) || internal.clusterManager() == null) {
      return Optional.empty();
    }
    return Optional.of(new QueueNodes(internal.clusterManager()));
  }

  /** This node's id in the cluster. */
  public String self() {
    return cluster.getNodeId();
  }

  /**
   * The ids of the nodes in the cluster now, as this node's cluster manager knows them (a local
   * read, no network; it may be briefly behind a node that has just left or joined).
   */
  public Set<String> members() {
    return new HashSet<>(cluster.getNodes());
  }

  /**
   * The members that have a queue: a consumer of {@link QueueAddresses#SUBMIT} open to the
   * cluster (a local-only consumer does not count), sorted, each once. Completes on the caller's
   * context.
   */
  public Future<List<String>> withQueue() {
    ContextInternal context = (ContextInternal) Vertx.currentContext();
    Promise<List<RegistrationInfo>> registrations = context == null ? Promise.promise() : context.promise();
    cluster.getRegistrations(QueueAddresses.SUBMIT, registrations);
    return registrations.future().map(found -> {
      if (found == null) {
        // What a cluster manager may answer for an address nobody has ever consumed.
        return List.of();
      }
      Set<String> members = members();
      return found.stream()
          .filter(r -> !r.localOnly() && members.contains(r.nodeId()))
          .map(RegistrationInfo::nodeId)
          .distinct()
          .sorted()
          .toList();
    });
  }
}
