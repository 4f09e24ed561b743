package io.vmta.smtp.server.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueuedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Hands an accepted message to the queue and yields its queue id, or fails (the client then
 * hears 451 and nothing is kept here). Without a cluster it is one request to
 * {@code mta.queue.submit}. In a cluster it chooses the queue node itself (this node's queue
 * first, else round robin over the members with a queue) and sends to that node's own address,
 * {@link QueueAddresses#submitOn}: the clustered event bus does not fail a request whose
 * receiver leaves the cluster (it waits for the send timeout), so this client watches the
 * membership while requests are pending and fails those whose node has left. With no member
 * that has a queue it fails at once (NO_HANDLERS), unless this node has a local-only one.
 * One instance per server verticle; used on its event loop only.
 */
final class QueueClient {

  /** How often the membership is read while requests to other nodes are pending (a local read). */
  static final long MEMBERSHIP_CHECK_MS = 250;

  private static final Logger log = LoggerFactory.getLogger(QueueClient.class);

  private final Vertx vertx;
  private final Optional<QueueNodes> cluster;
  private final List<Pending> pending = new ArrayList<>();
  private long watch = -1;
  private int next;

  QueueClient(Vertx vertx) {
    this.vertx = vertx;
    this.cluster = QueueNodes.of(vertx);
  }

  /** Submits {@code message}; the queue must answer within {@code timeoutMs}. */
  Future<String> submit(QueuedMessage message, long timeoutMs) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeoutMs)
        .addHeader(QueueAddresses.TIMEOUT_HEADER, Long.toString(timeoutMs));
    if (cluster.isEmpty()) {
      return request(QueueAddresses.SUBMIT, message, delivery);
    }
    QueueNodes nodes = cluster.get();
    return nodes.withQueue().compose(withQueue -> {
      String node = choose(nodes.self(), withQueue);
      if (node == null) {
        // No member has a queue: only a local-only consumer here can take it, else NO_HANDLERS at
        // once. Not the clustered address: a queue node killed outright leaves its registration
        // behind for a moment after its member is gone, and a request the event bus routes there
        // fails to connect but waits for its timeout (QueueClientTest, ClusterCrashTest).
        return request(QueueAddresses.SUBMIT, message, new DeliveryOptions(delivery).setLocalOnly(true));
      }
      return tracked(node, request(QueueAddresses.submitOn(node), message, delivery))
          .recover(e -> noHandlers(e)
              // A queue that consumes only mta.queue.submit (an embedder's), or one just stopping.
              ? request(QueueAddresses.SUBMIT, message, delivery)
              : Future.failedFuture(e));
    });
  }

  private Future<String> request(String address, QueuedMessage message, DeliveryOptions delivery) {
    return vertx.eventBus().<String>request(address, message, delivery).map(Message::body);
  }

  private String choose(String self, List<String> withQueue) {
    if (withQueue.isEmpty()) {
      return null;
    }
    if (withQueue.contains(self)) {
      return self;
    }
    next = (next + 1) % withQueue.size();
    return withQueue.get(next);
  }

  /** {@code reply}, or a failure as soon as {@code node} is no longer a member. */
  private Future<String> tracked(String node, Future<String> reply) {
    if (node.equals(cluster.get().self())) {
      return reply;
    }
    Pending p = new Pending(node, Promise.promise());
    pending.add(p);
    if (watch == -1) {
      watch = vertx.setPeriodic(MEMBERSHIP_CHECK_MS, id -> checkMembers());
    }
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        p.result.tryComplete(ar.result());
      } else {
        p.result.tryFail(ar.cause());
      }
      forget(p);
    });
    return p.result.future();
  }

  private void checkMembers() {
    Set<String> members;
    try {
      members = cluster.get().members();
    } catch (RuntimeException e) {
      // This node's own cluster manager is stopping: leave the requests to their timeout.
      log.debug("cluster membership not readable: {}", e.toString());
      return;
    }
    for (Pending p : List.copyOf(pending)) {
      if (!members.contains(p.node)) {
        p.result.tryFail(new ReplyException(ReplyFailure.ERROR,
            "queue node " + p.node + " left the cluster before answering"));
        forget(p);
      }
    }
  }

  private void forget(Pending p) {
    pending.remove(p);
    if (pending.isEmpty() && watch != -1) {
      vertx.cancelTimer(watch);
      watch = -1;
    }
  }

  private static boolean noHandlers(Throwable e) {
    return e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
  }

  private record Pending(String node, Promise<String> result) {
  }
}
