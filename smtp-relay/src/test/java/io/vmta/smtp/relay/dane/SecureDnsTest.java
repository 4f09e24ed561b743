package io.vmta.smtp.relay.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.mailauth.dns.DnsAnswer;
import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.relay.testing.SignedZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Type;

/** Where "secure" comes from: vmta's own validation, or the upstream's AD bit only in trust-ad mode. */
class SecureDnsTest {

  private final FakeDnsServer dns = FakeDnsServer.start();
  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    dns.close();
  }

  private Resolver upstream() {
    return DnsQueries.resolver(List.of(dns.address()), Duration.ofSeconds(2));
  }

  private static SecureDns.SecureAnswer ask(SecureDns secure, String name, int type) throws Exception {
    return secure.query(Name.fromString(name), type).get();
  }

  @Test
  void validateIgnoresTheUpstreamsAdBitAndBelievesOnlySignatures() throws Exception {
    SignedZone zone = SignedZone.create("signed.test").mx("signed.test", 10, "mx.signed.test").a("mx.signed.test", "192.0.2.1");
    zone.publish(dns);
    dns.mx("forged.test", 10, "mx.attacker.test").authenticData(true);
    SecureDns secure = SecureDns.create(upstream(), DnssecMode.VALIDATE, zone.writeTrustAnchor(dir.resolve("ds")),
        Clock.systemUTC());
    assertThat(ask(secure, "forged.test.", Type.MX).secure()).isFalse();
    SecureDns.SecureAnswer signed = ask(secure, "signed.test.", Type.MX);
    assertThat(signed.secure()).isTrue();
    assertThat(signed.answer().kind()).isEqualTo(DnsAnswer.Kind.DATA);
  }

  @Test
  void trustAdBelievesTheAdBitAndNothingElse() throws Exception {
    dns.mx("example.test", 10, "mx.example.test");
    SecureDns secure = SecureDns.create(upstream(), DnssecMode.TRUST_AD, null, Clock.systemUTC());
    assertThat(ask(secure, "example.test.", Type.MX).secure()).isFalse();
    dns.authenticData(true);
    assertThat(ask(secure, "example.test.", Type.MX).secure()).isTrue();
  }

  @Test
  void theBundledRootAnchorsLoadAndABadFileIsRefused() throws Exception {
    SecureDns.create(upstream(), DnssecMode.VALIDATE, null, Clock.systemUTC());
    Path empty = Files.writeString(dir.resolve("empty.ds"), "; nothing\n");
    assertThatThrownBy(() -> SecureDns.create(upstream(), DnssecMode.VALIDATE, empty, Clock.systemUTC()))
        .hasMessageContaining("holds no DS or DNSKEY record");
    assertThatThrownBy(() -> SecureDns.create(upstream(), DnssecMode.VALIDATE, dir.resolve("missing.ds"), Clock.systemUTC()))
        .hasMessageStartingWith("cannot read the DNSSEC trust anchors of");
  }
}
