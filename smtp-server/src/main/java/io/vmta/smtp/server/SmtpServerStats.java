package io.vmta.smtp.server;

import io.vertx.core.Vertx;
import io.vmta.smtp.server.impl.ServerCounters;

import java.util.Arrays;
import java.util.function.ToLongFunction;

/**
 * Live numbers of the SMTP servers of one Vert.x instance, summed over every
 * {@link SmtpServerVerticle} instance deployed in it, by listener mode. Safe to read from any
 * thread (a metrics scrape, for example); the servers keep them, nothing else can change them.
 */
public final class SmtpServerStats {

  private final ServerCounters counters;

  private SmtpServerStats(ServerCounters counters) {
    this.counters = counters;
  }

  /** The numbers of the servers of {@code vertx} (zero until one is deployed). */
  public static SmtpServerStats of(Vertx vertx) {
    return new SmtpServerStats(ServerCounters.shared(vertx));
  }

  /** SMTP connections of {@code mode} open now: up when a session starts, down when its socket is closed. */
  public long openConnections(ListenerMode mode) {
    return counters.openConnections(mode);
  }

  /** SMTP connections open now, on every listener. */
  public long openConnections() {
    return sum(counters::openConnections);
  }

  /** Connections of {@code mode} refused with 421 at connect, because a connection limit was reached. */
  public long refusedConnections(ListenerMode mode) {
    return counters.refusedConnections(mode);
  }

  /** Connections refused at connect on every listener. */
  public long refusedConnections() {
    return sum(counters::refusedConnections);
  }

  /** AUTH exchanges of {@code mode} answered 535 (credentials invalid), since the start of this Vert.x. */
  public long authFailures(ListenerMode mode) {
    return counters.authFailures(mode);
  }

  /** AUTH exchanges answered 535 on every listener. */
  public long authFailures() {
    return sum(counters::authFailures);
  }

  private static long sum(ToLongFunction<ListenerMode> count) {
    return Arrays.stream(ListenerMode.values()).mapToLong(count).sum();
  }
}
