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
import io.vmta.smtp.relay.dane.DanePolicy;
import io.vmta.smtp.relay.dane.DnssecMode;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.relay.testing.SignedZone;
import io.vmta.smtp.relay.testing.TestCa;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * DANE (RFC 7672) over real sockets: a zone signed in the test ({@link SignedZone}, its DS record
 * the validator's trust anchor), dnsjava's validating resolver in vmta, and a receiving server
 * with right and wrong certificates. The relay's CA file is never set: what authenticates the
 * server here is DNSSEC, not a CA the JVM trusts. Mail to {@code dane.test} goes to
 * {@code mx.dane.test}; {@code plain.example} is an unsigned zone.
 */
class DaneDeliveryTest {

  private static final TestCa CA = TestCa.create("DANE Test CA");
  private static final Buffer CONTENT = Buffer.buffer("Subject: x\r\n\r\nconfidential\r\n");

  private final Vertx vertx = Vertx.vertx();
  private final FakeDnsServer dns = FakeDnsServer.start();
  private final SignedZone zone = SignedZone.create("dane.test").mx("dane.test", 10, "mx.dane.test")
      .a("mx.dane.test", "127.0.0.1");
  @TempDir
  Path dir;
  private SmtpTransport transport;
  private FakeSmtpServer server;

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  private int start(FakeSmtpServer fake) {
    server = await(fake.start(vertx));
    return server.port();
  }

  /** Publishes the zone and makes the transport: DNSSEC validated by vmta from the zone's DS, policy {@code policy}. */
  private void relay(Map<String, TlsLevel> policy) {
    zone.publish(dns);
    dns.mx("plain.example", 10, "mx.plain.example").a("mx.plain.example", "127.0.0.1");
    RelayOptions options = new RelayOptions().setPort(server.port()).setTls(new RelayTlsOptions().setPolicy(policy))
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    DanePolicy dane = DanePolicy.create(vertx, List.of(dns.address()), Duration.ofSeconds(2), DnssecMode.VALIDATE,
        zone.writeTrustAnchor(dir.resolve("anchor.ds")));
    transport = new SmtpTransport(vertx, options, new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2)),
        java.util.Set.of(), null, dane);
  }

  private void relay() {
    relay(Map.of());
  }

  private DeliveryResult deliver(String rcpt) {
    return deliver(rcpt, CONTENT);
  }

  private DeliveryResult deliver(String rcpt, Buffer content) {
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of(rcpt), false, "7BIT",
        "127.0.0.1", "client", "alice@example.test", Instant.now());
    Promise<DeliveryResult> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> transport.deliver(envelope, envelope.recipients(), content)
        .map(r -> r.get(rcpt)).onComplete(result));
    return await(result.future());
  }

  private static void assertDeferred(DeliveryResult result, String status) {
    assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
    assertThat(((DeliveryResult.Transient) result).status()).isEqualTo(status);
  }

  private void assertNothingSent() {
    assertThat(server.verbs()).doesNotContain("MAIL");
    assertThat(server.messages()).isEmpty();
  }

  @Test
  void daneEeDeliversToTheKeyTheTlsaRecordNamesWhateverTheCertificateSays() throws Exception {
    // Issued for another name, by a CA nobody trusts: DANE-EE ignores both (RFC 7672 section 3.1.1).
    TestCa.Issued cert = CA.issue("not-the-mx.example");
    int port = start(new FakeSmtpServer().startTls().certificate(cert.keyCertOptions()));
    zone.tlsa("mx.dane.test", port, 3, 1, 1, sha256(cert.certificate().getPublicKey().getEncoded()));
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.DANE);
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.VERIFIED);
    assertThat(server.commandsOverTls()).anyMatch(c -> c.startsWith("MAIL FROM:"));
  }

  @Test
  void daneEeMatchesTheWholeCertificateBySha512() throws Exception {
    TestCa.Issued cert = CA.issue("mx.dane.test");
    int port = start(new FakeSmtpServer().startTls().certificate(cert.keyCertOptions()));
    zone.tlsa("mx.dane.test", port, 3, 0, 2, MessageDigest.getInstance("SHA-512").digest(cert.certificate().getEncoded()));
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls()).hasToString("dane:Verified " + result.tls().protocol() + " " + result.tls().cipher());
  }

  @Test
  void daneTaDeliversWhenTheChainLeadsToTheAnchorAndTheLeafNamesTheMxHost() throws Exception {
    int port = start(new FakeSmtpServer().startTls().certificate(CA.issue("mx.dane.test").keyCertOptions()));
    zone.tlsa("mx.dane.test", port, 2, 0, 1, sha256(CA.certificate().getEncoded()));
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.VERIFIED);
    assertThat(server.commandsOverTls()).anyMatch(c -> c.startsWith("RCPT TO:"));
  }

  @Test
  void daneTaDefersACertificateThatDoesNotNameTheMxHost() throws Exception {
    // RFC 7672 section 3.2.2: with DANE-TA the name is checked (the recipient domain is not the MX host).
    int port = start(new FakeSmtpServer().startTls().certificate(CA.issue("dane.test").keyCertOptions()));
    zone.tlsa("mx.dane.test", port, 2, 1, 1, sha256(CA.certificate().getPublicKey().getEncoded()));
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertDeferred(result, "4.7.5");
    assertThat(result.detail()).contains("does not name mx.dane.test");
    assertNothingSent();
  }

  @Test
  void aCertificateMatchingNoTlsaRecordIsDeferredAndNothingIsSent() throws Exception {
    int port = start(new FakeSmtpServer().startTls().certificate(CA.issue("mx.dane.test").keyCertOptions()));
    X509Certificate other = CA.issue("mx.dane.test").certificate();
    zone.tlsa("mx.dane.test", port, 3, 1, 1, sha256(other.getPublicKey().getEncoded()));
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertDeferred(result, "4.7.5");
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.UNTRUSTED);
    assertThat(result.detail()).contains("no TLSA record matches");
    assertThat(server.verbs()).containsExactly("EHLO", "STARTTLS", "QUIT");
    assertThat(server.messages()).isEmpty();
  }

  @Test
  void tlsRequiredNoSetsTheTlsaRecordsAsideAndDeliversOpportunistically() throws Exception {
    // RFC 8689 section 4.2.2: the sender asks that the recipient's policies (DANE, MTA-STS) be ignored.
    int port = start(new FakeSmtpServer().startTls().certificate(CA.issue("mx.dane.test").keyCertOptions()));
    X509Certificate other = CA.issue("mx.dane.test").certificate();
    zone.tlsa("mx.dane.test", port, 3, 1, 1, sha256(other.getPublicKey().getEncoded()));
    relay();
    DeliveryResult result = deliver("bob@dane.test", Buffer.buffer("TLS-Required: No\r\nSubject: x\r\n\r\nnot secret\r\n"));
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.MAY);
    assertThat(server.commandsOverTls()).anyMatch(c -> c.startsWith("MAIL FROM:"));
  }

  @Test
  void aServerWithoutStarttlsIsDeferredNeverSentToInClear() throws Exception {
    int port = start(new FakeSmtpServer());
    zone.tlsa("mx.dane.test", port, 3, 1, 1, sha256(CA.issue("mx.dane.test").certificate().getPublicKey().getEncoded()));
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertDeferred(result, "4.7.4");
    assertNothingSent();
  }

  @Test
  void aFailedHandshakeIsDeferredNotRetriedInPlaintext() throws Exception {
    // At "may" a failed handshake is retried in clear; a secure TLSA set forbids that.
    int port = start(new FakeSmtpServer().brokenTls());
    zone.tlsa("mx.dane.test", port, 3, 1, 1, sha256(CA.issue("mx.dane.test").certificate().getPublicKey().getEncoded()));
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertDeferred(result, "4.7.5");
    assertThat(server.connections()).isEqualTo(1);
    assertNothingSent();
  }

  @Test
  void aSecureTlsaSetWithoutUsableRecordsStillRequiresTls() {
    // PKIX-EE(1) is unusable for SMTP (RFC 7672 section 3.1.3), but the set says the server has TLS.
    int port = start(new FakeSmtpServer());
    zone.tlsa("mx.dane.test", port, 1, 1, 1, new byte[32]);
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertDeferred(result, "4.7.4");
    assertThat(result.tls().level()).isEqualTo(TlsLevel.ENCRYPT);
    assertNothingSent();
  }

  @Test
  void daneOverridesMayAndEncryptButNotVerify() throws Exception {
    // verify is the operator's choice of PKIX: the DANE-EE record does not replace it.
    TestCa.Issued cert = CA.issue("mx.dane.test");
    int port = start(new FakeSmtpServer().startTls().certificate(cert.keyCertOptions()));
    zone.tlsa("mx.dane.test", port, 3, 1, 1, sha256(cert.certificate().getPublicKey().getEncoded()));
    relay(Map.of("dane.test", TlsLevel.VERIFY));
    DeliveryResult result = deliver("bob@dane.test");
    assertDeferred(result, "4.7.5");
    assertThat(result.tls().level()).isEqualTo(TlsLevel.VERIFY);
  }

  @Test
  void aSecureDenialOfTlsaRecordsLeavesTheHostOpportunistic() {
    // Signed zone, no TLSA record: the NSEC chain proves it (NXDOMAIN), so no DANE, plaintext allowed.
    start(new FakeSmtpServer());
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls()).hasToString("may:plaintext");
  }

  @Test
  void anUnsignedZoneIsOpportunisticAndItsTlsaRecordsAreIgnored() throws Exception {
    // Unsigned TLSA records that match nothing: believed, they would defer; insecure, they do not count.
    int port = start(new FakeSmtpServer().startTls().certificate(CA.issue("mx.plain.example").keyCertOptions()));
    relay();
    dns.add(new org.xbill.DNS.TLSARecord(org.xbill.DNS.Name.fromString("_" + port + "._tcp.mx.plain.example."),
        org.xbill.DNS.DClass.IN, 300, 3, 1, 1, new byte[32]));
    DeliveryResult result = deliver("bob@plain.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.MAY);
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.UNTRUSTED);
  }

  @Test
  void aBogusTlsaSignatureDefersWithoutConnecting() throws Exception {
    // RFC 7672 section 2.1.1: a TLSA lookup that fails validation makes the host unusable.
    TestCa.Issued cert = CA.issue("mx.dane.test");
    int port = start(new FakeSmtpServer().startTls().certificate(cert.keyCertOptions()));
    zone.tlsa("mx.dane.test", port, 3, 1, 1, sha256(cert.certificate().getPublicKey().getEncoded()))
        .badSignature("_" + port + "._tcp.mx.dane.test", Type.TLSA);
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertDeferred(result, "4.7.5");
    assertThat(result.detail()).startsWith("DANE: TLSA lookup of _" + port + "._tcp.mx.dane.test failed");
    assertThat(server.connections()).isZero();
  }

  @Test
  void aBogusMxSignatureDefersTheDomain() {
    start(new FakeSmtpServer());
    zone.badSignature("dane.test", Type.MX);
    relay();
    DeliveryResult result = deliver("bob@dane.test");
    assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
    assertThat(result.detail()).contains("SERVFAIL");
    assertThat(server.connections()).isZero();
  }

  private static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
