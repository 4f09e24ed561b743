package io.vmta.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmta.smtp.auth.AuthThrottle.Decision;
import io.vmta.smtp.auth.AuthThrottle.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link AuthThrottle#begin}: an attempt counts from its start, not once its check has failed. */
class AuthThrottleAttemptTest {

  private static final String IP = "192.0.2.1";

  private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofMinutes(5).toNanos());
  private final AuthThrottle throttle = new AuthThrottle(Options.DEFAULTS, now::get);

  @Test
  void attemptsInFlightCountSoNoMoreThanRefuseAfterAreEverChecked() {
    List<Decision> decisions = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      decisions.add(throttle.begin(IP)); // none has finished yet
    }
    assertThat(decisions.subList(0, 5)).containsOnly(Decision.ALLOW);
    assertThat(decisions.subList(5, 20)).allMatch(d -> d instanceof Decision.Delay);
    assertThat(decisions.subList(20, 40)).containsOnly(Decision.REFUSE);
  }

  @Test
  void sequentialFailedAttemptsDecideAsBefore() {
    List<Decision> decisions = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      decisions.add(throttle.begin(IP)); // and its credentials fail: nothing more to record
    }
    assertThat(decisions).containsExactly(Decision.ALLOW, Decision.ALLOW, Decision.ALLOW, Decision.ALLOW,
        Decision.ALLOW, Decision.delay(Duration.ofSeconds(1)), Decision.delay(Duration.ofSeconds(2)),
        Decision.delay(Duration.ofSeconds(4)));
  }

  @Test
  void aRefusedAttemptIsNotCounted() {
    for (int i = 0; i < 20; i++) {
      throttle.begin(IP);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(throttle.begin(IP)).isEqualTo(Decision.REFUSE);
    }
    throttle.abandon(IP);
    assertThat(throttle.begin(IP)).isInstanceOf(Decision.Delay.class);
  }

  @Test
  void anAbandonedAttemptIsUndone() {
    for (int i = 0; i < 5; i++) {
      throttle.begin(IP);
      throttle.abandon(IP);
    }
    assertThat(throttle.check(IP)).isEqualTo(Decision.ALLOW);
    assertThat(throttle.trackedIps()).isZero();
    throttle.abandon(IP); // nothing to undo: no effect
    assertThat(throttle.trackedIps()).isZero();
  }

  @Test
  void successForgetsTheAddressAndStartedAttemptsLeaveTheWindow() {
    for (int i = 0; i < 20; i++) {
      throttle.begin(IP);
    }
    throttle.success(IP);
    assertThat(throttle.begin(IP)).isEqualTo(Decision.ALLOW);
    for (int i = 0; i < 20; i++) {
      throttle.begin(IP);
    }
    now.addAndGet(Duration.ofMinutes(10).toNanos());
    assertThat(throttle.begin(IP)).isEqualTo(Decision.ALLOW);
  }
}
