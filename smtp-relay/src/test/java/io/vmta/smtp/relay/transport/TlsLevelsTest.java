package io.vmta.smtp.relay.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.RelayTlsOptions;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.client.PeerTrust;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.relay.testing.TestCa;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * relay.tls.policy over real sockets: each level against receiving servers with and without
 * STARTTLS and with right and wrong certificates from a CA made in the test. Every destination
 * domain has the MX host {@code mx.<domain>}; all of them are the one fake server.
 */
class TlsLevelsTest {

  private static final TestCa CA = TestCa.create("Relay Test CA");
  private static final Buffer CONTENT = Buffer.buffer("Subject: x\r\n\r\nconfidential\r\n");

  private final Vertx vertx = Vertx.vertx();
  private final FakeDnsServer dns = FakeDnsServer.start();
  @TempDir
  Path dir;
  private SmtpTransport transport;

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  /** The transport with {@code policy} and the test CA in relay.tls.caFile (unless {@code trustCa} is false). */
  private FakeSmtpServer peer(FakeSmtpServer server, Map<String, TlsLevel> policy, boolean trustCa) {
    FakeSmtpServer peer = await(server.start(vertx));
    for (String domain : List.of("none.example", "may.example", "encrypt.example", "verify.example", "dane.example",
        "wild.example")) {
      dns.mx(domain, 10, "mx." + domain).a("mx." + domain, "127.0.0.1");
    }
    // One MX host for two domains of different levels, as with a hosting provider.
    dns.mx("shared-may.example", 10, "mx.shared.example").mx("shared-verify.example", 10, "mx.shared.example")
        .a("mx.shared.example", "127.0.0.1");
    RelayTlsOptions tls = new RelayTlsOptions().setPolicy(policy);
    if (trustCa) {
      tls.setCaFile(CA.writePem(dir.resolve("ca.pem")).toString());
    }
    RelayOptions options = new RelayOptions().setPort(peer.port()).setTls(tls)
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    transport = new SmtpTransport(vertx, options, new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2)));
    return peer;
  }

  private static final Map<String, TlsLevel> LEVELS = Map.of(
      "none.example", TlsLevel.NONE, "encrypt.example", TlsLevel.ENCRYPT, "verify.example", TlsLevel.VERIFY,
      "dane.example", TlsLevel.DANE, ".wild.example", TlsLevel.VERIFY, "wild.example", TlsLevel.VERIFY,
      "shared-verify.example", TlsLevel.VERIFY);

  private FakeSmtpServer peer(FakeSmtpServer server) {
    return peer(server, LEVELS, true);
  }

  private DeliveryResult deliver(String rcpt) {
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of(rcpt), false, "7BIT",
        "127.0.0.1", "client", "alice@example.test", Instant.now());
    Promise<DeliveryResult> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> transport.deliver(envelope, envelope.recipients(), CONTENT)
        .map(r -> r.get(rcpt)).onComplete(result));
    return await(result.future());
  }

  private static void assertDeferred(DeliveryResult result, String status) {
    assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
    assertThat(((DeliveryResult.Transient) result).status()).isEqualTo(status);
  }

  @Test
  void verifyDeliversToAServerWhoseCertificateNamesTheMxHost() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls().certificate(CA.issue("mx.verify.example").keyCertOptions()));
    DeliveryResult result = deliver("bob@verify.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.VERIFY);
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.VERIFIED);
    assertThat(result.tls().cipher()).startsWith("TLS_");
    assertThat(server.commandsOverTls()).anyMatch(c -> c.startsWith("MAIL FROM:"));
  }

  @Test
  void verifyDefersOnACertificateForAnotherName() {
    // Named after the recipient domain, not the MX host: RFC 7817 checks the MX host name.
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls().certificate(CA.issue("verify.example").keyCertOptions()));
    DeliveryResult result = deliver("bob@verify.example");
    assertDeferred(result, "4.7.5");
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.TRUSTED);
    assertThat(result.detail()).contains("does not name mx.verify.example");
    assertThat(server.verbs()).containsExactly("EHLO", "STARTTLS", "QUIT");
    assertThat(server.messages()).isEmpty();
  }

  @Test
  void verifyDefersOnACertificateOfAnUnknownCa() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls());  // self-signed "fake.test"
    DeliveryResult result = deliver("bob@verify.example");
    assertDeferred(result, "4.7.5");
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.UNTRUSTED);
    assertThat(server.verbs()).doesNotContain("MAIL");
  }

  @Test
  void verifyDefersOnAnExpiredCertificate() {
    Instant now = Instant.now();
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls().certificate(
        CA.issue(now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1)), "mx.verify.example").keyCertOptions()));
    DeliveryResult result = deliver("bob@verify.example");
    assertDeferred(result, "4.7.5");
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.UNTRUSTED);
    assertThat(server.verbs()).doesNotContain("MAIL");
  }

  @Test
  void withoutTheCaFileTheTestCaIsNotTrusted() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls().certificate(CA.issue("mx.verify.example").keyCertOptions()),
        LEVELS, false);
    assertDeferred(deliver("bob@verify.example"), "4.7.5");
    assertThat(server.messages()).isEmpty();
  }

  @Test
  void aWildcardStandsForTheLeftMostLabelOnly() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls().certificate(CA.issue("*.wild.example").keyCertOptions()));
    assertThat(deliver("bob@wild.example").tls().trust()).isEqualTo(PeerTrust.VERIFIED);  // mx.wild.example
    dns.mx("deep.wild.example", 10, "a.mx.wild.example").a("a.mx.wild.example", "127.0.0.1");
    DeliveryResult deep = deliver("bob@deep.wild.example");
    assertDeferred(deep, "4.7.5");
    assertThat(deep.tls().trust()).isEqualTo(PeerTrust.TRUSTED);
    assertThat(server.messages()).hasSize(1);
  }

  @Test
  void verifyAndEncryptDeferWithoutStartTlsAndNeverSendInClear() {
    FakeSmtpServer server = peer(new FakeSmtpServer());
    for (String rcpt : List.of("bob@verify.example", "bob@encrypt.example")) {
      DeliveryResult result = deliver(rcpt);
      assertDeferred(result, "4.7.4");
      assertThat(result.tls().encrypted()).isFalse();
      assertThat(result.detail()).contains("STARTTLS");
    }
    assertThat(server.verbs()).doesNotContain("MAIL");
  }

  @Test
  void encryptAndVerifyDeferOnAFailedHandshakeWithoutAPlaintextRetry() {
    FakeSmtpServer server = peer(new FakeSmtpServer().brokenTls());
    assertDeferred(deliver("bob@encrypt.example"), "4.7.5");
    assertDeferred(deliver("bob@verify.example"), "4.7.5");
    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.verbs()).doesNotContain("MAIL");
  }

  @Test
  void encryptTakesAnyCertificateAndSaysSo() {
    peer(new FakeSmtpServer().startTls());
    DeliveryResult result = deliver("bob@encrypt.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.ENCRYPT);
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.UNTRUSTED);
  }

  @Test
  void mayFallsBackToPlaintextAndIsTheDefault() {
    FakeSmtpServer server = peer(new FakeSmtpServer().brokenTls());
    DeliveryResult result = deliver("bob@may.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls()).hasToString("may:plaintext");
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void mayReportsAVerifiedPeerWithoutRequiringIt() {
    peer(new FakeSmtpServer().startTls().certificate(CA.issue("mx.may.example").keyCertOptions()));
    assertThat(deliver("bob@may.example").tls().trust()).isEqualTo(PeerTrust.VERIFIED);
  }

  @Test
  void noneNeverStartsTls() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls());
    DeliveryResult result = deliver("bob@none.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(server.verbs()).doesNotContain("STARTTLS");
    assertThat(result.tls()).hasToString("none:plaintext");
  }

  @Test
  void daneWithoutDnssecActsAsMay() {
    // relay.dnssec is false here: no validated answers, so no DANE (DaneDeliveryTest has it on).
    FakeSmtpServer server = peer(new FakeSmtpServer());
    DeliveryResult result = deliver("bob@dane.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls()).hasToString("dane:plaintext");
    assertThat(server.messages()).hasSize(1);
  }

  @Test
  void aPooledSessionOfOneLevelNeverServesADestinationOfAStricterOne() {
    // One MX host for a "may" and a "verify" domain, with a certificate that does not verify:
    // the session kept after the "may" message must not carry the "verify" one.
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls());
    assertThat(deliver("erin@shared-may.example")).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(deliver("frank@shared-may.example")).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(server.connections()).as("the may session is kept and reused").isEqualTo(1);
    assertDeferred(deliver("bob@shared-verify.example"), "4.7.5");
    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.messages()).hasSize(2);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
