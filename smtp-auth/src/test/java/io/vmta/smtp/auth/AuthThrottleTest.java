package io.vmta.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vmta.smtp.auth.AuthThrottle.Decision;
import io.vmta.smtp.auth.AuthThrottle.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AuthThrottleTest {

  private static final String IP = "192.0.2.1";

  /** A fake clock in nanoseconds, started far from zero to catch arithmetic on absolute times. */
  private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofMinutes(5).toNanos());
  private final AuthThrottle throttle = new AuthThrottle(Options.DEFAULTS, now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private void fail(String ip, int times) {
    for (int i = 0; i < times; i++) {
      throttle.failure(ip);
    }
  }

  private static Decision delay(long seconds) {
    return Decision.delay(Duration.ofSeconds(seconds));
  }

  @Test
  void defaultsMatchThePolicy() {
    assertThat(Options.DEFAULTS).isEqualTo(new Options(Duration.ofMinutes(10), 5, 20,
        Duration.ofSeconds(1), Duration.ofSeconds(30), 100_000));
  }

  @Test
  void allowsUpToFourFailures() {
    assertThat(throttle.check(IP)).isEqualTo(Decision.ALLOW);
    fail(IP, 4);
    assertThat(throttle.check(IP)).isEqualTo(Decision.ALLOW);
  }

  @Test
  void delaysDoubleFromOneSecondAfterFiveFailuresUpToThirty() {
    List<Decision> decisions = new ArrayList<>();
    for (int failures = 1; failures <= 19; failures++) {
      throttle.failure(IP);
      decisions.add(throttle.check(IP));
    }
    assertThat(decisions.subList(0, 4)).containsOnly(Decision.ALLOW);
    assertThat(decisions.subList(4, 11)).containsExactly(
        delay(1), delay(2), delay(4), delay(8), delay(16), delay(30), delay(30));
    assertThat(decisions.subList(11, 19)).containsOnly(delay(30));
  }

  @Test
  void refusesFromTwentyFailures() {
    fail(IP, 19);
    assertThat(throttle.check(IP)).isInstanceOf(Decision.Delay.class);
    throttle.failure(IP);
    assertThat(throttle.check(IP)).isEqualTo(Decision.REFUSE);
    fail(IP, 100);
    assertThat(throttle.check(IP)).isEqualTo(Decision.REFUSE);
  }

  @Test
  void failuresLeaveTheWindowAfterTenMinutes() {
    fail(IP, 5);
    advance(Duration.ofMinutes(10).minusNanos(1));
    assertThat(throttle.check(IP)).isEqualTo(delay(1));
    advance(Duration.ofNanos(1));
    assertThat(throttle.check(IP)).isEqualTo(Decision.ALLOW);
    assertThat(throttle.trackedIps()).isZero();
  }

  @Test
  void theWindowSlidesOverEachFailure() {
    fail(IP, 3);
    advance(Duration.ofMinutes(6));
    fail(IP, 3);
    assertThat(throttle.check(IP)).isEqualTo(delay(2)); // six in the window
    advance(Duration.ofMinutes(4)); // the first three are ten minutes old now
    assertThat(throttle.check(IP)).isEqualTo(Decision.ALLOW);
    throttle.failure(IP);
    throttle.failure(IP);
    assertThat(throttle.check(IP)).isEqualTo(delay(1)); // three recent + two new
    advance(Duration.ofMinutes(6));
    assertThat(throttle.check(IP)).isEqualTo(Decision.ALLOW);
  }

  @Test
  void aRefusedAddressGetsAnAttemptWhenItsOldestFailureExpires() {
    fail(IP, 10);
    advance(Duration.ofMinutes(1));
    fail(IP, 10);
    assertThat(throttle.check(IP)).isEqualTo(Decision.REFUSE);
    advance(Duration.ofMinutes(9));
    assertThat(throttle.check(IP)).isEqualTo(delay(30)); // ten left in the window
    advance(Duration.ofMinutes(1));
    assertThat(throttle.check(IP)).isEqualTo(Decision.ALLOW);
  }

  @Test
  void successClearsTheAddress() {
    fail(IP, 20);
    throttle.success(IP);
    assertThat(throttle.check(IP)).isEqualTo(Decision.ALLOW);
    assertThat(throttle.trackedIps()).isZero();
    fail(IP, 4);
    assertThat(throttle.check(IP)).isEqualTo(Decision.ALLOW);
  }

  @Test
  void addressesAreCountedApart() {
    fail(IP, 20);
    fail("2001:db8::1", 5);
    assertThat(throttle.check(IP)).isEqualTo(Decision.REFUSE);
    assertThat(throttle.check("2001:db8::1")).isEqualTo(delay(1));
    assertThat(throttle.check("192.0.2.2")).isEqualTo(Decision.ALLOW);
  }

  @Test
  void memoryIsBoundedByForgettingTheOldestFailure() {
    AuthThrottle small = new AuthThrottle(
        Options.DEFAULTS.withThresholds(1, 3).withMaxTrackedIps(3), now::get);
    small.failure("a");
    small.failure("b");
    small.failure("c");
    small.failure("a"); // "a" is now the newest, "b" the oldest
    small.failure("d");
    assertThat(small.trackedIps()).isEqualTo(3);
    assertThat(small.check("b")).isEqualTo(Decision.ALLOW);
    assertThat(small.check("a")).isEqualTo(delay(2));
    assertThat(small.check("c")).isEqualTo(delay(1));
    assertThat(small.check("d")).isEqualTo(delay(1));
  }

  @Test
  void staleAddressesAreForgottenOnTheNextFailure() {
    fail("a", 1);
    fail("b", 1);
    advance(Duration.ofMinutes(10));
    throttle.failure("c");
    assertThat(throttle.trackedIps()).isEqualTo(1);
  }

  @Test
  void concurrentFailuresAreAllCounted() throws Exception {
    AuthThrottle wide = new AuthThrottle(Options.DEFAULTS.withThresholds(1000, 1000), now::get);
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            wide.failure("shared");
            wide.failure("ip-" + id + "-" + i);
            wide.check("shared");
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(wide.trackedIps()).isEqualTo(threads * perThread + 1);
    assertThat(wide.check("shared")).isEqualTo(Decision.REFUSE); // 4000 failures >= 1000
    wide.success("shared");
    assertThat(wide.check("shared")).isEqualTo(Decision.ALLOW);
  }

  @Test
  void sharedIsOneInstancePerVertxAndOptions(Vertx vertx) throws Exception {
    AuthThrottle first = AuthThrottle.shared(vertx, Options.DEFAULTS);
    assertThat(AuthThrottle.shared(vertx, new Options(Duration.ofMinutes(10), 5, 20,
        Duration.ofSeconds(1), Duration.ofSeconds(30), 100_000))).isSameAs(first);
    AuthThrottle other = AuthThrottle.shared(vertx, Options.DEFAULTS.withThresholds(3, 10));
    assertThat(other).isNotSameAs(first);
    assertThat(other.options().slowAfter()).isEqualTo(3);

    first.failure(IP);
    assertThat(AuthThrottle.shared(vertx, Options.DEFAULTS).trackedIps()).isEqualTo(1);

    Vertx second = Vertx.vertx();
    try {
      assertThat(AuthThrottle.shared(second, Options.DEFAULTS)).isNotSameAs(first);
    } finally {
      second.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void badOptionsAreRejected() {
    Options d = Options.DEFAULTS;
    assertThatThrownBy(() -> d.withWindow(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withWindow(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withThresholds(0, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withThresholds(6, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withDelays(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withDelays(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxTrackedIps(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(d.withThresholds(3, 3).refuseAfter()).isEqualTo(3);
  }
}
