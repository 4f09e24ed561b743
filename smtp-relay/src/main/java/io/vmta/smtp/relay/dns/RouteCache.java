package io.vmta.smtp.relay.dns;

import io.vmta.mailauth.dns.DnsResolutionException;
import io.vmta.mailauth.dns.TtlCache;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Routes and permanent failures by domain, each kept as long as its TTL allows, least recently used
 * dropped past a bound; concurrent lookups of one domain share one resolution (a {@link TtlCache}).
 * Thread-safe: callers come from several event loops and resolutions complete on dnsjava's threads.
 */
final class RouteCache {

  /** A resolution's result: a route or a permanent failure, and how long to keep it. */
  record Outcome(Route route, DnsResolutionException failure, long ttlSeconds) {

    static Outcome found(Route route, long ttlSeconds) {
      return new Outcome(route, null, ttlSeconds);
    }

    static Outcome failed(DnsResolutionException failure, long ttlSeconds) {
      return new Outcome(null, failure, ttlSeconds);
    }
  }

  private final TtlCache<String, Outcome> outcomes;

  RouteCache(int capacity, Clock clock) {
    this.outcomes = new TtlCache<>(capacity, clock, Outcome::ttlSeconds);
  }

  /**
   * The route of {@code key}: from the cache while fresh, else from the resolution already running
   * for it, else from a new one started with {@code resolve}. A permanent failure is kept like a
   * route and fails the future; a transient failure fails it and is not kept.
   */
  CompletableFuture<Route> get(String key, Function<String, CompletableFuture<Outcome>> resolve) {
    return outcomes.get(key, resolve).thenCompose(outcome -> outcome.failure() != null
        ? CompletableFuture.failedFuture(outcome.failure())
        : CompletableFuture.completedFuture(outcome.route()));
  }

  /** The number of domains held, fresh or not yet evicted. */
  int size() {
    return outcomes.size();
  }
}
