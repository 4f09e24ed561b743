package io.vmta.smtp.server.impl;

import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The time limits of one connection, with one timer at a time: no input for the idle timeout
 * (RFC 5321 4.5.3.2.7: at least 5 minutes); a message transfer (DATA or the BDAT chunks) longer
 * than the data timeout, so that a client dripping bytes cannot hold a connection forever; and the
 * connection's whole lifetime, so that one that keeps sending commands cannot either. While the
 * server itself is busy (the queue has not answered yet) no limit applies: its answer, 250
 * included, is never cut off.
 */
final class SessionDeadlines {

  /** Which limit passed. */
  enum Limit { IDLE, MESSAGE, LIFETIME }

  /** How soon a limit that passed while the server was busy is looked at again. */
  private static final long BUSY_RECHECK_MS = 1000;

  private final Vertx vertx;
  private final long idleMs;
  private final long dataMs;
  private final long lifetimeMs;
  private final BooleanSupplier inMessage;
  private final BooleanSupplier busy;
  private final Consumer<Limit> expired;
  private final long started = System.nanoTime();
  private long lastInput = started;
  private long messageStart;
  private long timer = -1;

  SessionDeadlines(Vertx vertx, long idleMs, long dataMs, long lifetimeMs, BooleanSupplier inMessage,
                   BooleanSupplier busy, Consumer<Limit> expired) {
    this.vertx = vertx;
    this.idleMs = Math.max(1, idleMs);
    this.dataMs = Math.max(1, dataMs);
    this.lifetimeMs = Math.max(1, lifetimeMs);
    this.inMessage = inMessage;
    this.busy = busy;
    this.expired = expired;
  }

  void start() {
    timer = vertx.setTimer(Math.min(idleMs, lifetimeMs), id -> check());
  }

  /** The client sent something. */
  void input() {
    lastInput = System.nanoTime();
  }

  /** A message transfer begins now. */
  void messageStarted() {
    messageStart = System.nanoTime();
  }

  void cancel() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void check() {
    long now = System.nanoTime();
    boolean message = inMessage.getAsBoolean();
    long idleLeft = idleMs - (now - lastInput) / 1_000_000;
    long dataLeft = message ? dataMs - (now - messageStart) / 1_000_000 : Long.MAX_VALUE;
    long lifeLeft = lifetimeMs - (now - started) / 1_000_000;
    Limit passed = lifeLeft <= 0 ? Limit.LIFETIME
        : dataLeft <= 0 ? Limit.MESSAGE
        : idleLeft <= 0 ? Limit.IDLE
        : null;
    boolean waiting = busy.getAsBoolean();
    if (!waiting && passed != null) {
      timer = -1;
      expired.accept(passed);
      return;
    }
    long next = waiting
        ? Math.min(idleMs, Math.max(BUSY_RECHECK_MS, lifeLeft))
        : Math.min(lifeLeft, Math.min(idleLeft, dataLeft));
    timer = vertx.setTimer(Math.max(1, next), id -> check());
  }
}
