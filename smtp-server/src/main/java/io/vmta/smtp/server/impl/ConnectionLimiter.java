package io.vmta.smtp.server.impl;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Counts open connections, in total and per client IP, across every instance of the server
 * verticle in one Vert.x (they share the ports, so they must share the counts).
 */
final class ConnectionLimiter {

  private static final String TOTAL = "*";

  private final LocalMap<String, Integer> counts;
  private final int maxTotal;
  private final int maxPerIp;

  ConnectionLimiter(Vertx vertx, int maxTotal, int maxPerIp) {
    this.counts = vertx.sharedData().getLocalMap("vmta.smtp.connections");
    this.maxTotal = maxTotal;
    this.maxPerIp = maxPerIp;
  }

  /** Takes a slot for {@code ip}; false (and nothing taken) when a limit is reached. */
  boolean tryAcquire(String ip) {
    if (counts.merge(TOTAL, 1, Integer::sum) > maxTotal) {
      releaseOne(TOTAL);
      return false;
    }
    if (counts.merge(ip, 1, Integer::sum) > maxPerIp) {
      releaseOne(ip);
      releaseOne(TOTAL);
      return false;
    }
    return true;
  }

  /** Gives back the slot taken by a successful {@link #tryAcquire}. */
  void release(String ip) {
    releaseOne(ip);
    releaseOne(TOTAL);
  }

  private void releaseOne(String key) {
    counts.computeIfPresent(key, (k, v) -> v <= 1 ? null : v - 1);
  }
}
