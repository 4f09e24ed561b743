package io.vmta.smtp.server.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vmta.smtp.core.queue.QueueAddresses;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster as the hand-off to the queue sees it: this node's id, the nodes that are members
 * now, and the members with a queue. Read through {@link VertxInternals} (Vert.x 5 has no public
 * API for it).
 */
public final class QueueNodes {

  private final Vertx vertx;
  private final String self;

  private QueueNodes(Vertx vertx, String self) {
    this.vertx = vertx;
    this.self = self;
  }

  /** The view of {@code vertx}'s cluster; empty when {@code vertx} is not clustered. */
  public static Optional<QueueNodes> of(Vertx vertx) {
    return VertxInternals.nodeId(vertx).map(self -> new QueueNodes(vertx, self));
  }

  /** This node's id in the cluster. */
  public String self() {
    return self;
  }

  /**
   * The ids of the nodes in the cluster now, as this node's cluster manager knows them (a local
   * read, no network; it may be briefly behind a node that has just left or joined).
   */
  public Set<String> members() {
    return VertxInternals.members(vertx);
  }

  /**
   * The members that have a queue: a consumer of {@link QueueAddresses#SUBMIT} open to the
   * cluster (a local-only consumer does not count), sorted, each once. Completes on the caller's
   * context.
   */
  public Future<List<String>> withQueue() {
    return VertxInternals.clusteredConsumers(vertx, QueueAddresses.SUBMIT).map(found -> {
      Set<String> members = members();
      return found.stream()
          .filter(members::contains)
          .distinct()
          .sorted()
          .toList();
    });
  }
}
