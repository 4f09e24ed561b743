package io.vmta.mailauth.dns;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Values kept as long as their TTL allows, the least recently used dropped past a bound; concurrent
 * lookups of one key share one resolution, and a failed resolution is not kept. Thread-safe:
 * callers come from several event loops and resolutions complete on dnsjava's threads.
 *
 * @param <K> the key
 * @param <V> the value, whose TTL in seconds {@code ttlSeconds} tells (0: do not keep)
 */
public final class TtlCache<K, V> {

  private record Entry<V>(V value, long expiresAtMillis) {
  }

  private final Clock clock;
  private final ToLongFunction<V> ttlSeconds;
  private final Map<K, Entry<V>> entries;
  private final Map<K, CompletableFuture<V>> inFlight = new HashMap<>();

  /** At most {@code capacity} keys, aged by {@code clock}, each value kept {@code ttlSeconds} long. */
  public TtlCache(int capacity, Clock clock, ToLongFunction<V> ttlSeconds) {
    this.clock = clock;
    this.ttlSeconds = ttlSeconds;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * The value of {@code key}: from the cache while fresh, else from the resolution already running
   * for it, else from a new one started with {@code resolve}.
   */
  public CompletableFuture<V> get(K key, Function<K, CompletableFuture<V>> resolve) {
    CompletableFuture<V> shared;
    synchronized (this) {
      Entry<V> entry = entries.get(key);
      if (entry != null && entry.expiresAtMillis() > clock.millis()) {
        return CompletableFuture.completedFuture(entry.value());
      }
      entries.remove(key);
      shared = inFlight.get(key);
      if (shared != null) {
        return shared;
      }
      shared = new CompletableFuture<>();
      inFlight.put(key, shared);
    }
    CompletableFuture<V> result = shared;
    CompletableFuture<V> resolution;
    try {
      resolution = resolve.apply(key);
    } catch (RuntimeException e) {
      resolution = CompletableFuture.failedFuture(e);
    }
    resolution.whenComplete((value, error) -> {
      synchronized (this) {
        inFlight.remove(key);
        long ttl = error == null ? ttlSeconds.applyAsLong(value) : 0;
        if (ttl > 0) {
          entries.put(key, new Entry<>(value, clock.millis() + ttl * 1000));
        }
      }
      if (error != null) {
        result.completeExceptionally(DnsQueries.unwrap(error));
      } else {
        result.complete(value);
      }
    });
    return result;
  }

  /** The number of keys held, fresh or not yet evicted. */
  public synchronized int size() {
    return entries.size();
  }
}
