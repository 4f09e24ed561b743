package io.vmta.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Address;

/** Macro syntax and expansion: RFC 7208 section 7.4's examples, then the edges. */
class MacroValuesTest {

  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L),
      ZoneOffset.UTC);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "%{s}|strong-bad@email.example.com",
      "%{o}|email.example.com",
      "%{d}|email.example.com",
      "%{d4}|email.example.com",
      "%{d3}|email.example.com",
      "%{d2}|example.com",
      "%{d1}|com",
      "%{dr}|com.example.email",
      "%{d2r}|example.email",
      "%{l}|strong-bad",
      "%{l-}|strong.bad",
      "%{lr}|strong-bad",
      "%{lr-}|bad.strong",
      "%{l1r-}|strong",
      "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
      "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
      "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
      "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
      "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
      "%%%_%-x.test|% %20x.test",
      "%{L}.%{D99}|strong-bad.email.example.com",
  })
  void rfc7208Section74Examples(String spec, String expected) throws Exception {
    assertThat(expand("192.0.2.3", spec, false)).isEqualTo(expected);
  }

  @Test
  void ipv6ClientsExpandToNibblesAndTheirShortForm() throws Exception {
    assertThat(expand("2001:db8::cb01", "%{ir}.%{v}._spf.%{d2}", false))
        .isEqualTo("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
    assertThat(expand("2001:db8:0:0:1:0:0:1", "%{c}", true)).isEqualTo("2001:db8::1:0:0:1");
    assertThat(expand("2001:0:0:1:0:0:0:1", "%{c}", true)).isEqualTo("2001:0:0:1::1");
    assertThat(expand("::1", "%{c}", true)).isEqualTo("::1");
  }

  @Test
  void explanationsKnowTheTimeTheReceiverAndUrlEscape() throws Exception {
    assertThat(expand("192.0.2.3", "%{c} via %{r} at %{t}: %{S}", true))
        .isEqualTo("192.0.2.3 via mx.ours.test at 1700000000: strong-bad%40email.example.com");
  }

  @ParameterizedTest
  @ValueSource(strings = {"%{c}.test", "%{r}.test", "%{t}.test", "%{x}", "%{d0}", "%{d2q}",
      "%", "%a", "%{d", "%{}", "a b.test", "\u00e9.test"})
  void badMacroStringsAreSyntaxErrorsInDomains(String spec) {
    assertThatThrownBy(() -> MacroString.parse(spec, false))
        .isInstanceOf(SpfSyntaxException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example", "example.123", "example.-com", "", "%{d}com"})
  void aDomainSpecEndsInAMacroOrATopLabel(String spec) throws Exception {
    assertThat(MacroString.parse(spec, false).isDomainSpec()).isFalse();
  }

  private static String expand(String ip, String spec, boolean explain) throws Exception {
    InetAddress address = Address.getByAddress(ip);
    MacroValues values = new MacroValues(new ClientAddress(address), "strong-bad",
        "email.example.com", "helo.example.com", "mx.ours.test", CLOCK);
    return values.expand(MacroString.parse(spec, explain), "email.example.com", "unknown", explain);
  }
}
