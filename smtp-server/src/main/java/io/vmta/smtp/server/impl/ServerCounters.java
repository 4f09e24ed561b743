package io.vmta.smtp.server.impl;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vmta.smtp.server.ListenerMode;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counters behind {@link io.vmta.smtp.server.SmtpServerStats}: one set per Vert.x instance,
 * shared by every server verticle instance in it (they share the ports), by listener mode.
 * Written on the event loops, read from any thread.
 */
public final class ServerCounters implements Shareable {

  private static final String SHARED_MAP = "vmta.smtp.stats";
  private static final String KEY = "counters";
  private static final int MODES = ListenerMode.values().length;

  private final AtomicLongArray open = new AtomicLongArray(MODES);
  private final AtomicLongArray refused = new AtomicLongArray(MODES);
  private final AtomicLongArray authFailures = new AtomicLongArray(MODES);

  private ServerCounters() {
  }

  /** The counters of {@code vertx}, made on first use. */
  public static ServerCounters shared(Vertx vertx) {
    LocalMap<String, ServerCounters> map = vertx.sharedData().getLocalMap(SHARED_MAP);
    return map.computeIfAbsent(KEY, k -> new ServerCounters());
  }

  void opened(ListenerMode mode) {
    open.incrementAndGet(mode.ordinal());
  }

  void closed(ListenerMode mode) {
    open.decrementAndGet(mode.ordinal());
  }

  void refused(ListenerMode mode) {
    refused.incrementAndGet(mode.ordinal());
  }

  void authFailed(ListenerMode mode) {
    authFailures.incrementAndGet(mode.ordinal());
  }

  /** Connections of {@code mode} open now. */
  public long openConnections(ListenerMode mode) {
    return open.get(mode.ordinal());
  }

  /** Connections of {@code mode} refused at once (421) because a connection limit was reached. */
  public long refusedConnections(ListenerMode mode) {
    return refused.get(mode.ordinal());
  }

  /** Failed AUTH exchanges (535) on listeners of {@code mode}. */
  public long authFailures(ListenerMode mode) {
    return authFailures.get(mode.ordinal());
  }
}
