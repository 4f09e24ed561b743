package io.vmta.smtp.auth;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Brute-force throttling of AUTH, shared by all sessions of a Vert.x instance: failed attempts
 * are counted per client address over a sliding window, and past thresholds the server first
 * slows down, then refuses ({@link AuthReplies#TEMPORARY_FAILURE}).
 *
 * <p>Use: {@link #begin} when an attempt starts and honour the {@link Decision}; the attempt is
 * counted as a failure from that moment, so parallel attempts from one address see each other and
 * at most {@link Options#refuseAfter()} are ever checked per window. Then {@link #success} when it
 * succeeds (which forgets the address), nothing when its credentials fail, and {@link #abandon}
 * when it ends before any credentials were checked. {@link #check} only looks; {@link #failure}
 * records a failure of an attempt not begun here. Thread-safe: one lock, held for microseconds,
 * which is nothing next to the PBKDF2 work of each attempt. Memory is bounded by
 * {@link Options#maxTrackedIps()}: the address whose last failure is oldest is forgotten first.
 *
 * <p>The key is the client IP as the server passes it, except that an IPv6 client counts by its
 * /64, since one host there can rotate through many addresses, and an IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) counts as the IPv4 address it maps.
 */
public final class AuthThrottle implements Shareable {

  private static final String SHARED_MAP = AuthThrottle.class.getName();

  private final Options options;
  private final LongSupplier nanoTime;
  private final long windowNanos;
  // Guarded by this. Iteration order is the order of last failure, oldest first.
  private final LinkedHashMap<String, Failures> byKey = new LinkedHashMap<>();

  /** A throttle on the monotonic {@link System#nanoTime()} clock. */
  public AuthThrottle(Options options) {
    this(options, System::nanoTime);
  }

  /** A throttle reading time, in nanoseconds of any origin, from {@code nanoTime}. */
  public AuthThrottle(Options options, LongSupplier nanoTime) {
    this.options = Objects.requireNonNull(options, "options");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.windowNanos = options.window().toNanos();
  }

  /** The throttle of {@code vertx} for these options: the same instance for equal options. */
  public static AuthThrottle shared(Vertx vertx, Options options) {
    Objects.requireNonNull(options, "options");
    LocalMap<Options, AuthThrottle> throttles = vertx.sharedData().getLocalMap(SHARED_MAP);
    return throttles.computeIfAbsent(options, AuthThrottle::new);
  }

  /** The options of this throttle. */
  public Options options() {
    return options;
  }

  /** What to do with the next attempt from {@code ip}, given its failures in the window; records nothing. */
  public Decision check(String ip) {
    ip = ThrottleKey.of(ip);
    int failures;
    synchronized (this) {
      Failures entry = byKey.get(ip);
      if (entry == null) {
        return Decision.ALLOW;
      }
      failures = entry.expire(nanoTime.getAsLong(), windowNanos);
      if (failures == 0) {
        byKey.remove(ip);
      }
    }
    return decide(failures);
  }

  /**
   * Starts an attempt from {@code ip}: decides as {@link #check} does and, unless the decision is
   * to refuse, counts the attempt as a failure at once, before its credentials are checked.
   */
  public Decision begin(String ip) {
    String key = ThrottleKey.of(ip);
    synchronized (this) {
      long now = nanoTime.getAsLong();
      Failures entry = byKey.get(key);
      Decision decision = decide(entry == null ? 0 : entry.expire(now, windowNanos));
      if (!(decision instanceof Decision.Refuse)) {
        record(key, now);
      }
      return decision;
    }
  }

  /** Undoes the count of an attempt {@link #begin begun} from {@code ip} that ended before any credentials were checked. */
  public void abandon(String ip) {
    String key = ThrottleKey.of(ip);
    synchronized (this) {
      Failures entry = byKey.get(key);
      if (entry != null && entry.removeNewest() == 0) {
        byKey.remove(key);
      }
    }
  }

  /** Records a failed attempt from {@code ip} that was not {@link #begin begun} here. */
  public void failure(String ip) {
    String key = ThrottleKey.of(ip);
    synchronized (this) {
      record(key, nanoTime.getAsLong());
    }
  }

  /** Forgets the failures of {@code ip} after it authenticated. */
  public void success(String ip) {
    ip = ThrottleKey.of(ip);
    synchronized (this) {
      byKey.remove(ip);
    }
  }

  /** How many addresses have failures on record, for metrics and tests. */
  public synchronized int trackedIps() {
    return byKey.size();
  }

  /** Counts one failure of {@code key} at {@code now}; the caller holds the lock. */
  private void record(String key, long now) {
    Failures entry = byKey.remove(key); // re-inserted below, so it moves to the newest end
    if (entry == null) {
      entry = new Failures();
    }
    entry.expire(now, windowNanos);
    entry.add(now, options.refuseAfter());
    byKey.put(key, entry);
    forgetStale(now);
  }

  private Decision decide(int failures) {
    if (failures >= options.refuseAfter()) {
      return Decision.REFUSE;
    }
    if (failures >= options.slowAfter()) {
      int doublings = Math.min(failures - options.slowAfter(), 30);
      Duration delay = options.initialDelay().multipliedBy(1L << doublings);
      return Decision.delay(delay.compareTo(options.maxDelay()) > 0 ? options.maxDelay() : delay);
    }
    return Decision.ALLOW;
  }

  /** Drops entries whose every failure left the window, then the oldest beyond the bound. */
  private void forgetStale(long now) {
    Iterator<Map.Entry<String, Failures>> oldestFirst = byKey.entrySet().iterator();
    while (oldestFirst.hasNext()) {
      Failures entry = oldestFirst.next().getValue();
      if (byKey.size() > options.maxTrackedIps() || now - entry.last() >= windowNanos) {
        oldestFirst.remove();
      } else {
        break;
      }
    }
  }

  /** The failure times of one address, oldest first, at most refuseAfter of them. */
  private static final class Failures {
    private long[] times = new long[2];
    private int count;

    /** Drops the failures that left the window; returns how many remain. */
    int expire(long now, long windowNanos) {
      int expired = 0;
      while (expired < count && now - times[expired] >= windowNanos) {
        expired++;
      }
      drop(expired);
      return count;
    }

    void add(long now, int cap) {
      if (count == cap) {
        drop(1); // enough to refuse: older ones no longer change the decision
      }
      if (count == times.length) {
        times = Arrays.copyOf(times, Math.min(cap, times.length * 2));
      }
      times[count++] = now;
    }

    long last() {
      return times[count - 1];
    }

    /** Drops the newest failure; returns how many remain. */
    int removeNewest() {
      if (count > 0) {
        count--;
      }
      return count;
    }

    private void drop(int n) {
      System.arraycopy(times, n, times, 0, count - n);
      count -= n;
    }
  }

  /**
   * The throttling policy; equal options share one throttle per Vert.x ({@link #shared}).
   *
   * @param window        how long a failure counts
   * @param slowAfter     failures in the window from which attempts are delayed
   * @param refuseAfter   failures in the window from which attempts are refused
   * @param initialDelay  the delay at {@code slowAfter} failures, doubled for each further one
   * @param maxDelay      the longest delay
   * @param maxTrackedIps how many addresses are remembered at most
   */
  public record Options(Duration window, int slowAfter, int refuseAfter, Duration initialDelay,
      Duration maxDelay, int maxTrackedIps) implements Shareable {

    /** Default window: 10 minutes. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
    /** Default failures before delays start: 5. */
    public static final int DEFAULT_SLOW_AFTER = 5;
    /** Default failures before refusal: 20. */
    public static final int DEFAULT_REFUSE_AFTER = 20;
    /** Default first delay: 1 second. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
    /** Default longest delay: 30 seconds. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
    /** Default bound on remembered addresses: 100,000. */
    public static final int DEFAULT_MAX_TRACKED_IPS = 100_000;
    /** All defaults. */
    public static final Options DEFAULTS = new Options(DEFAULT_WINDOW, DEFAULT_SLOW_AFTER,
        DEFAULT_REFUSE_AFTER, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY, DEFAULT_MAX_TRACKED_IPS);

    /** Checks that the durations are positive and the thresholds ordered. */
    public Options {
      requirePositive(window, "window");
      requirePositive(initialDelay, "initialDelay");
      requirePositive(maxDelay, "maxDelay");
      window.toNanos(); // throws ArithmeticException beyond ~292 years
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw new IllegalArgumentException("maxDelay must be at least initialDelay");
      }
      if (slowAfter < 1 || refuseAfter < slowAfter) {
        throw new IllegalArgumentException("need 1 <= slowAfter <= refuseAfter");
      }
      if (maxTrackedIps < 1) {
        throw new IllegalArgumentException("maxTrackedIps must be positive");
      }
    }

    /** These options with another window. */
    public Options withWindow(Duration newWindow) {
      return new Options(newWindow, slowAfter, refuseAfter, initialDelay, maxDelay, maxTrackedIps);
    }

    /** These options with other thresholds. */
    public Options withThresholds(int newSlowAfter, int newRefuseAfter) {
      return new Options(window, newSlowAfter, newRefuseAfter, initialDelay, maxDelay,
          maxTrackedIps);
    }

    /** These options with other delays. */
    public Options withDelays(Duration newInitialDelay, Duration newMaxDelay) {
      return new Options(window, slowAfter, refuseAfter, newInitialDelay, newMaxDelay,
          maxTrackedIps);
    }

    /** These options with another bound on remembered addresses. */
    public Options withMaxTrackedIps(int newMaxTrackedIps) {
      return new Options(window, slowAfter, refuseAfter, initialDelay, maxDelay,
          newMaxTrackedIps);
    }

    private static void requirePositive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
    }
  }

  /** The answer of {@link #check}: go ahead, wait first, or refuse with 454 4.7.0. */
  public sealed interface Decision {

    /** Go ahead. */
    Decision ALLOW = new Allow();
    /** Refuse the attempt without checking it (RFC 4954 section 6: 454 4.7.0). */
    Decision REFUSE = new Refuse();

    /** Wait {@code delay} before checking the attempt and answering. */
    static Decision delay(Duration delay) {
      return new Delay(delay);
    }

    /** Go ahead. */
    record Allow() implements Decision {
    }

    /**
     * Check the attempt only after {@code delay}, on a timer, never by blocking.
     *
     * @param delay how long to wait, positive
     */
    record Delay(Duration delay) implements Decision {

      /** Checks the delay is positive. */
      public Delay {
        if (delay == null || delay.isNegative() || delay.isZero()) {
          throw new IllegalArgumentException("delay must be positive");
        }
      }
    }

    /** Refuse without checking the credentials. */
    record Refuse() implements Decision {
    }
  }
}
