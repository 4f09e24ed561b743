package io.vmta.smtp.relay.transport;

import io.vertx.core.Vertx;
import io.vmta.smtp.relay.client.SmtpClientSession;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps connections that finished a transaction open for a short while, so that the next
 * message to the same host does not pay for a new connection, greeting, EHLO and TLS handshake.
 * An idle connection is closed with QUIT after {@code idleMillis}. Not thread-safe: used on the
 * relay's context.
 */
final class ConnectionPool {

  private record Idle(SmtpClientSession session, long timer) {
  }

  private final Vertx vertx;
  private final long idleMillis;
  private final int maxIdlePerPeer;
  private final Map<String, Deque<Idle>> idle = new HashMap<>();

  ConnectionPool(Vertx vertx, long idleMillis, int maxIdlePerPeer) {
    this.vertx = vertx;
    this.idleMillis = idleMillis;
    this.maxIdlePerPeer = maxIdlePerPeer;
  }

  /** A usable idle connection to {@code peer}, or null. */
  SmtpClientSession take(String peer) {
    Deque<Idle> queue = idle.get(peer);
    while (queue != null && !queue.isEmpty()) {
      Idle i = queue.poll();
      vertx.cancelTimer(i.timer());
      if (i.session().isUsable()) {
        return i.session();
      }
      i.session().close();
    }
    return null;
  }

  /** Keeps {@code session} for reuse, or says goodbye when it cannot be kept. */
  void give(String peer, SmtpClientSession session) {
    Deque<Idle> queue = idle.computeIfAbsent(peer, p -> new ArrayDeque<>());
    if (idleMillis <= 0 || !session.isUsable() || queue.size() >= maxIdlePerPeer) {
      session.quit();
      return;
    }
    queue.add(new Idle(session, vertx.setTimer(idleMillis, id -> expire(peer, session))));
  }

  private void expire(String peer, SmtpClientSession session) {
    Deque<Idle> queue = idle.get(peer);
    if (queue != null && queue.removeIf(i -> i.session() == session)) {
      session.quit();
      if (queue.isEmpty()) {
        idle.remove(peer);
      }
    }
  }

  /** Closes every idle connection (QUIT). */
  void closeAll() {
    idle.values().forEach(q -> q.forEach(i -> {
      vertx.cancelTimer(i.timer());
      i.session().quit();
    }));
    idle.clear();
  }
}
