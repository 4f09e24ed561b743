package io.vmta.smtp.relay.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmta.smtp.relay.testing.TestCa;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 7817 section 3 / RFC 6125 section 6.4: which presented names match which host. */
class HostnameMatchTest {

  private static final TestCa CA = TestCa.create("Hostname Test CA");

  @ParameterizedTest(name = "{0} vs {1}: {2}")
  @CsvSource({
      "mx.example.org,     mx.example.org,     true",
      "MX.Example.ORG,     mx.example.org,     true",
      "mx.example.org.,    mx.example.org,     true",
      "mx.example.org,     example.org,        false",
      "*.example.org,      mx.example.org,     true",
      "*.example.org,      example.org,        false",
      "*.example.org,      a.mx.example.org,   false",
      "*.org,              example.org,        false",
      "m*.example.org,     mx.example.org,     false",
      "*x.example.org,     mx.example.org,     false",
      "mx.*.org,           mx.example.org,     false",
      "*.*.example.org,    a.mx.example.org,   false",
  })
  void presentedNames(String presented, String host, boolean matches) {
    String p = presented.toLowerCase(java.util.Locale.ROOT);
    p = p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
    assertThat(HostnameMatch.nameMatches(p, host)).isEqualTo(matches);
  }

  @Test
  void subjectAltNamesAndIpAddresses() {
    var cert = CA.issue("mx.example.org", "*.backup.example.org", "192.0.2.25", "2001:db8::25").certificate();
    assertThat(HostnameMatch.matches(cert, "mx.example.org")).isTrue();
    assertThat(HostnameMatch.matches(cert, "mx2.backup.example.org")).isTrue();
    assertThat(HostnameMatch.matches(cert, "192.0.2.25")).isTrue();
    assertThat(HostnameMatch.matches(cert, "[2001:db8:0::25]")).isTrue();
    assertThat(HostnameMatch.matches(cert, "192.0.2.26")).isFalse();
    assertThat(HostnameMatch.matches(cert, "other.example.org")).isFalse();
  }

  @Test
  void theCommonNameCountsOnlyWithoutADnsName() {
    assertThat(HostnameMatch.matches(CA.issueCommonNameOnly("mx.example.org").certificate(), "mx.example.org")).isTrue();
    // With a dNSName present, the CN is not looked at.
    var cert = CA.issueWithCommonName("cn.example.org", "mx.example.org").certificate();
    assertThat(HostnameMatch.matches(cert, "mx.example.org")).isTrue();
    assertThat(HostnameMatch.matches(cert, "cn.example.org")).isFalse();
  }
}
