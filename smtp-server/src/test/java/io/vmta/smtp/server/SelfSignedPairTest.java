package io.vmta.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SelfSignedCertificate;
import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedPairTest {

  private static final Instant NOW = Instant.parse("2026-12-05T08:00:00Z");

  @Test
  void namesTheHostInASubjectAltNameAndIsValidForMonths() throws Exception {
    X509Certificate cert = parse(SelfSignedPair.create("mx.example.test", NOW).certificatePem());
    cert.verify(cert.getPublicKey()); // self-signed, and the signature is right
    cert.checkValidity(java.util.Date.from(NOW));
    assertThat(cert.getVersion()).isEqualTo(3);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=mx.example.test");
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(2, "mx.example.test"));
    assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(SelfSignedPair.VALIDITY));
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withRSA");
  }

  @Test
  void isRenewedNearExpiryForAnotherHostOrWhenOfTheOldKind() {
    String pem = SelfSignedPair.create("mx.example.test", NOW).certificatePem();
    assertThat(SelfSignedPair.needsRenewal(pem, "mx.example.test", NOW)).isFalse();
    assertThat(SelfSignedPair.needsRenewal(pem, "MX.Example.Test", NOW.plus(Duration.ofDays(149)))).isFalse();
    assertThat(SelfSignedPair.needsRenewal(pem, "mx.example.test", NOW.plus(Duration.ofDays(151)))).isTrue();
    assertThat(SelfSignedPair.needsRenewal(pem, "mx2.example.test", NOW)).isTrue();
    assertThat(SelfSignedPair.needsRenewal("not a pem", "mx.example.test", NOW)).isTrue();
    SelfSignedCertificate old = SelfSignedCertificate.create("mx.example.test");
    try {
      String oldPem = Files.readString(Path.of(old.certificatePath()));
      assertThat(SelfSignedPair.needsRenewal(oldPem, "mx.example.test", Instant.now()))
          .as("Vert.x's, valid until 9999").isTrue();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } finally {
      old.delete();
    }
  }

  @Test
  void theServerPresentsIt(@TempDir Path dir) throws Exception {
    SelfSignedPair pair = SelfSignedPair.create("mx.example.test", Instant.now());
    Path cert = Files.writeString(dir.resolve("cert.pem"), pair.certificatePem());
    Path key = Files.writeString(dir.resolve("key.pem"), pair.privateKeyPem());
    try (ServerFixture server = new ServerFixture(ServerFixture.defaults()
            .setTls(cert.toString(), key.toString())
            .setListeners(List.of(new ListenerOptions("127.0.0.1", 0, ListenerMode.SMTPS))));
         TestSmtpClient client = new TestSmtpClient("127.0.0.1", server.port())) {
      SSLSocket tls = client.upgrade(s -> { });
      X509Certificate presented = (X509Certificate) tls.getSession().getPeerCertificates()[0];
      assertThat(presented).isEqualTo(parse(pair.certificatePem()));
      assertThat(client.read().code()).isEqualTo(220);
    }
  }

  @Test
  void withoutACertificateTheServerMakesOneForItsHostname() throws Exception {
    try (ServerFixture server = new ServerFixture(ServerFixture.defaults()
            .setTls(null, null)
            .setListeners(List.of(new ListenerOptions("127.0.0.1", 0, ListenerMode.SMTPS))));
         TestSmtpClient client = new TestSmtpClient("127.0.0.1", server.port())) {
      SSLSocket tls = client.upgrade(s -> { });
      X509Certificate presented = (X509Certificate) tls.getSession().getPeerCertificates()[0];
      assertThat(presented.getSubjectAlternativeNames()).containsExactly(List.of(2, "mx.example.test"));
      assertThat(client.read().code()).isEqualTo(220);
    }
  }

  private static X509Certificate parse(String pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }
}
