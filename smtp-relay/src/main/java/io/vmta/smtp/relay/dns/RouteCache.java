package io.vmta.smtp.relay.dns;

import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.dns.DnsResolutionException;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Routes and permanent failures by domain, each kept as long as its TTL allows, least recently used
 * dropped past a bound; concurrent lookups of one domain share one resolution. Thread-safe: callers
 * come from several event loops and resolutions complete on dnsjava's threads.
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

  private record Entry(Outcome outcome, long expiresAtMillis) {
  }

  private final Clock clock;
  private final Map<String, Entry> entries;
  private final Map<String, CompletableFuture<Route>> inFlight = new HashMap<>();

  RouteCache(int capacity, Clock clock) {
    this.clock = clock;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * The route of {@code key}: from the cache while fresh, else from the resolution already running
   * for it, else from a new one started with {@code resolve}. A transient failure fails the future
   * and is not kept.
   */
  CompletableFuture<Route> get(String key, Function<String, CompletableFuture<Outcome>> resolve) {
    CompletableFuture<Route> shared;
    synchronized (this) {
      Entry entry = entries.get(key);
      if (entry != null && entry.expiresAtMillis() > clock.millis()) {
        return completed(entry.outcome());
      }
      entries.remove(key);
      shared = inFlight.get(key);
      if (shared != null) {
        return shared;
      }
      shared = new CompletableFuture<>();
      inFlight.put(key, shared);
    }
    CompletableFuture<Route> result = shared;
    CompletableFuture<Outcome> resolution;
    try {
      resolution = resolve.apply(key);
    } catch (RuntimeException e) {
      resolution = CompletableFuture.failedFuture(e);
    }
    resolution.whenComplete((outcome, error) -> {
      synchronized (this) {
        inFlight.remove(key);
        if (error == null && outcome.ttlSeconds() > 0) {
          entries.put(key, new Entry(outcome, clock.millis() + outcome.ttlSeconds() * 1000));
        }
      }
      if (error != null) {
        result.completeExceptionally(DnsQueries.unwrap(error));
      } else {
        complete(result, outcome);
      }
    });
    return result;
  }

  /** The number of domains held, fresh or not yet evicted. */
  synchronized int size() {
    return entries.size();
  }

  private static CompletableFuture<Route> completed(Outcome outcome) {
    return outcome.failure() != null
        ? CompletableFuture.failedFuture(outcome.failure())
        : CompletableFuture.completedFuture(outcome.route());
  }

  private static void complete(CompletableFuture<Route> future, Outcome outcome) {
    if (outcome.failure() != null) {
      future.completeExceptionally(outcome.failure());
    } else {
      future.complete(outcome.route());
    }
  }
}
