package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * At most N deliveries at once to one destination (a domain, or the smarthost), the rest wait
 * in order. Not thread-safe: used on one Vert.x context.
 */
final class DestinationLimiter {

  private final int max;
  private final Map<String, Integer> active = new HashMap<>();
  private final Map<String, Deque<Runnable>> waiting = new HashMap<>();

  DestinationLimiter(int max) {
    this.max = Math.max(1, max);
  }

  /** Runs {@code work} once a slot for {@code destination} is free. */
  <T> Future<T> submit(String destination, Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    Runnable start = () -> work.get().onComplete(ar -> {
      release(destination);
      promise.handle(ar);
    });
    if (active.getOrDefault(destination, 0) < max) {
      active.merge(destination, 1, Integer::sum);
      start.run();
    } else {
      waiting.computeIfAbsent(destination, d -> new ArrayDeque<>()).add(start);
    }
    return promise.future();
  }

  private void release(String destination) {
    Deque<Runnable> queue = waiting.get(destination);
    if (queue != null && !queue.isEmpty()) {
      Runnable next = queue.poll();
      if (queue.isEmpty()) {
        waiting.remove(destination);
      }
      next.run();
      return;
    }
    active.computeIfPresent(destination, (d, n) -> n <= 1 ? null : n - 1);
  }
}
