package io.vmta.smtp.server.impl;

import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The time limits of one connection, with one timer at a time: no input for the idle timeout
 * (RFC 5321 4.5.3.2.7: at least 5 minutes), and a message transfer (DATA or the BDAT chunks)
 * longer than the data timeout, so that a client dripping bytes cannot hold a connection forever.
 * While the server itself is busy (the queue has not answered yet) no limit applies.
 */
final class SessionDeadlines {

  private final Vertx vertx;
  private final long idleMs;
  private final long dataMs;
  private final BooleanSupplier inMessage;
  private final BooleanSupplier busy;
  private final Consumer<Boolean> expired;
  private long lastInput = System.nanoTime();
  private long messageStart;
  private long timer = -1;

  /** {@code expired} is told whether the limit passed inside a message transfer. */
  SessionDeadlines(Vertx vertx, long idleMs, long dataMs, BooleanSupplier inMessage, BooleanSupplier busy,
                   Consumer<Boolean> expired) {
    this.vertx = vertx;
    this.idleMs = Math.max(1, idleMs);
    this.dataMs = Math.max(1, dataMs);
    this.inMessage = inMessage;
    this.busy = busy;
    this.expired = expired;
  }

  void start() {
    timer = vertx.setTimer(idleMs, id -> check());
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
    if (!busy.getAsBoolean() && (idleLeft <= 0 || dataLeft <= 0)) {
      timer = -1;
      expired.accept(message);
      return;
    }
    long next = busy.getAsBoolean() ? idleMs : Math.min(idleLeft, dataLeft);
    timer = vertx.setTimer(Math.max(1, next), id -> check());
  }
}
