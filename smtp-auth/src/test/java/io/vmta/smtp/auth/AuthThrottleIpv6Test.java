package io.vmta.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmta.smtp.auth.AuthThrottle.Decision;
import io.vmta.smtp.auth.AuthThrottle.Options;
import org.junit.jupiter.api.Test;

/** The throttle counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4. */
class AuthThrottleIpv6Test {

  private final AuthThrottle throttle = new AuthThrottle(Options.DEFAULTS.withThresholds(2, 3));

  private void fail(String ip, int times) {
    for (int i = 0; i < times; i++) {
      throttle.failure(ip);
    }
  }

  @Test
  void addressesOfOneSlash64CountTogether() {
    throttle.failure("2001:db8:1:2::1");
    throttle.failure("2001:db8:1:2:ffff:ffff:ffff:fffe");
    throttle.failure("2001:DB8:1:2:0:0:0:7");
    assertThat(throttle.check("2001:db8:1:2:abcd::42")).isEqualTo(Decision.REFUSE);
    assertThat(throttle.check("2001:db8:1:3::1")).isEqualTo(Decision.ALLOW);
    assertThat(throttle.check("2001:db8:1:2::")).isEqualTo(Decision.REFUSE);
    assertThat(throttle.trackedIps()).isEqualTo(1);
    throttle.success("2001:db8:1:2::99");
    assertThat(throttle.check("2001:db8:1:2::1")).isEqualTo(Decision.ALLOW);
  }

  @Test
  void anIpv4MappedAddressIsTheIpv4Address() {
    throttle.failure("::ffff:192.0.2.1");
    throttle.failure("192.0.2.1");
    throttle.failure("::ffff:c000:201");
    assertThat(throttle.check("192.0.2.1")).isEqualTo(Decision.REFUSE);
    assertThat(throttle.check("::ffff:192.0.2.2")).isEqualTo(Decision.ALLOW);
  }

  @Test
  void bracketsAndZonesAreIgnoredAndOtherTextIsItsOwnKey() {
    fail("[2001:db8::1]", 1);
    fail("fe80::1%eth0", 1);
    fail("2001:db8::2", 2);
    assertThat(throttle.check("2001:db8::3")).isEqualTo(Decision.REFUSE);
    assertThat(throttle.check("fe80::2%eth1")).isEqualTo(Decision.ALLOW);
    fail("not-an-ip:1", 3);
    assertThat(throttle.check("not-an-ip:1")).isEqualTo(Decision.REFUSE);
    assertThat(throttle.check("not-an-ip:2")).isEqualTo(Decision.ALLOW);
    assertThat(ThrottleKey.of("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2::/64");
    assertThat(ThrottleKey.of("192.0.2.1")).isEqualTo("192.0.2.1");
  }
}
