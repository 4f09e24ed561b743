package io.vmta.smtp.relay.requiretls;

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
import io.vmta.smtp.relay.Smarthost;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.client.PeerTrust;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.relay.testing.TestCa;
import io.vmta.smtp.relay.transport.DeliveryResult;
import io.vmta.smtp.relay.transport.SmtpTransport;
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
 * REQUIRETLS (RFC 8689 section 4.2.1) over real sockets: a message that carries it goes only over
 * verified TLS to a host that offers REQUIRETLS, with REQUIRETLS on MAIL FROM; every other host
 * is tried, and when none qualifies the recipients fail permanently (5.7.30 or 5.7.10) without a
 * byte of the message sent. Every domain {@code d} has the MX host {@code mx.d}: the one fake server.
 */
class RequireTlsRelayTest {

  private static final TestCa CA = TestCa.create("RequireTLS Test CA");
  private static final Buffer CONTENT = Buffer.buffer("Subject: private\r\n\r\nconfidential\r\n");
  private static final Buffer TLS_REQUIRED_NO =
      Buffer.buffer("Subject: public\r\nTLS-Required: No\r\n\r\nnot secret\r\n");

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

  private FakeSmtpServer peer(FakeSmtpServer server) {
    return peer(server, Map.of());
  }

  private FakeSmtpServer peer(FakeSmtpServer server, Map<String, TlsLevel> policy) {
    FakeSmtpServer peer = await(server.start(vertx));
    for (String domain : List.of("far.example", "none.example", "verify.example", "dane.example")) {
      dns.mx(domain, 10, "mx." + domain).a("mx." + domain, "127.0.0.1");
    }
    // Two MX hosts on the one server: its certificate names only the second.
    dns.mx("two.example", 10, "mx1.two.example").mx("two.example", 20, "mx2.two.example")
        .a("mx1.two.example", "127.0.0.1").a("mx2.two.example", "127.0.0.1");
    RelayOptions options = new RelayOptions().setPort(peer.port())
        .setTls(new RelayTlsOptions().setPolicy(policy).setCaFile(CA.writePem(dir.resolve("ca.pem")).toString()))
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    transport = new SmtpTransport(vertx, options, new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2)));
    return peer;
  }

  private static FakeSmtpServer good(String... names) {
    return new FakeSmtpServer().pipelining().startTls().requireTls().certificate(CA.issue(names).keyCertOptions());
  }

  private DeliveryResult deliver(String rcpt, boolean requireTls, Buffer content) {
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of(rcpt), false, "7BIT",
        "127.0.0.1", "client", "alice@example.test", Instant.now()).withRequireTls(requireTls);
    Promise<DeliveryResult> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> transport.deliver(envelope, envelope.recipients(), content)
        .map(r -> r.get(rcpt)).onComplete(result));
    return await(result.future());
  }

  private DeliveryResult deliver(String rcpt) {
    return deliver(rcpt, true, CONTENT);
  }

  private static void assertBounced(DeliveryResult result, String status) {
    assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
    assertThat(((DeliveryResult.Permanent) result).status()).isEqualTo(status);
  }

  /** Nothing of the transaction was said: no MAIL, no RCPT, no DATA, no message. */
  private static void assertNothingSent(FakeSmtpServer server) {
    assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
    assertThat(server.messages()).isEmpty();
  }

  @Test
  void aVerifiedPeerThatOffersRequireTlsGetsTheMessageWithRequireTlsOnMailFrom() {
    FakeSmtpServer server = peer(good("mx.far.example"));
    DeliveryResult result = deliver("bob@far.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.VERIFY);
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.VERIFIED);
    assertThat(server.mailParameters()).hasSize(1);
    assertThat(server.mailParameters().get(0)).contains("REQUIRETLS");
    assertThat(server.commandsOverTls()).anyMatch(c -> c.startsWith("MAIL FROM:"));
    assertThat(server.messages()).hasSize(1);
  }

  @Test
  void aMessageWithoutRequireTlsDoesNotAskForIt() {
    FakeSmtpServer server = peer(good("mx.far.example"));
    assertThat(deliver("bob@far.example", false, CONTENT)).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(server.mailParameters().get(0)).doesNotContain("REQUIRETLS");
  }

  @Test
  void aVerifiedPeerWithoutRequireTlsIsBouncedWith5730() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls().certificate(CA.issue("mx.far.example").keyCertOptions()));
    DeliveryResult result = deliver("bob@far.example");
    assertBounced(result, "5.7.30");
    assertThat(result.detail()).contains("REQUIRETLS");
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.VERIFIED);
    assertNothingSent(server);
  }

  @Test
  void aPeerWithAWrongCertificateIsBouncedWith5710() {
    // Offers REQUIRETLS, but its certificate names the domain, not the MX host (RFC 7817).
    FakeSmtpServer server = peer(good("far.example"));
    DeliveryResult result = deliver("bob@far.example");
    assertBounced(result, "5.7.10");
    assertThat(result.detail()).contains("does not name mx.far.example");
    assertNothingSent(server);
  }

  @Test
  void aPeerOfAnUnknownCaIsBounced() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls().requireTls());  // self-signed
    assertBounced(deliver("bob@far.example"), "5.7.10");
    assertNothingSent(server);
  }

  @Test
  void aPeerWithoutStartTlsIsBouncedAndNothingIsSentInClear() {
    FakeSmtpServer server = peer(new FakeSmtpServer().requireTls());
    DeliveryResult result = deliver("bob@far.example");
    assertBounced(result, "5.7.10");
    assertThat(server.verbs()).containsExactly("EHLO", "QUIT");
    assertNothingSent(server);
  }

  @Test
  void theOtherMxHostsAreTriedBeforeABounce() {
    // mx1.two.example fails verification; mx2.two.example qualifies (RFC 8689 section 4.2.1).
    FakeSmtpServer server = peer(good("mx2.two.example"));
    DeliveryResult result = deliver("bob@two.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.relay()).startsWith("mx2.two.example");
    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.messages()).hasSize(1);
  }

  @Test
  void aVerifiedHostWithoutRequireTlsIsPassedOverForTheNextMxHost() {
    // mx1 (127.0.0.1) verifies but lacks REQUIRETLS; mx2 (127.0.0.2, same port) qualifies.
    FakeSmtpServer first = peer(new FakeSmtpServer().startTls().certificate(CA.issue("mx1.two.example").keyCertOptions()));
    FakeSmtpServer second = await(good("mx2.two.example").bind("127.0.0.2", first.port()).start(vertx));
    dns.a("mx2.two.example", "127.0.0.2");
    DeliveryResult result = deliver("bob@two.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.relay()).startsWith("mx2.two.example");
    assertNothingSent(first);
    assertThat(second.mailParameters()).containsExactly(List.of("REQUIRETLS"));
  }

  @Test
  void aPolicyFailureBesideAnUnreachableHostWaitsInsteadOfBouncing() {
    // mx1 lacks REQUIRETLS; mx2 (127.0.0.2, nothing listens) may qualify later.
    FakeSmtpServer first = peer(new FakeSmtpServer().startTls().certificate(CA.issue("mx1.two.example").keyCertOptions()));
    dns.a("mx2.two.example", "127.0.0.2");
    assertThat(deliver("bob@two.example")).isInstanceOf(DeliveryResult.Transient.class);
    assertNothingSent(first);
  }

  @Test
  void requireTlsOverridesAnOperatorLevelOfNone() {
    // relay.tls.policy says none: REQUIRETLS still wants verified TLS, and gets it.
    FakeSmtpServer server = peer(good("mx.none.example"), Map.of("none.example", TlsLevel.NONE));
    DeliveryResult result = deliver("bob@none.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.VERIFY);
    assertThat(server.commandsOverTls()).anyMatch(c -> c.startsWith("MAIL FROM:"));
  }

  @Test
  void aHostThatCannotBeReachedMakesTheMessageWaitNotBounce() {
    FakeSmtpServer gone = await(new FakeSmtpServer().start(vertx));
    int port = gone.port();
    await(gone.close());
    dns.mx("far.example", 10, "mx.far.example").a("mx.far.example", "127.0.0.1");
    RelayOptions options = new RelayOptions().setPort(port)
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    transport = new SmtpTransport(vertx, options, new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2)));
    assertThat(deliver("bob@far.example")).isInstanceOf(DeliveryResult.Transient.class);
  }

  @Test
  void tlsRequiredNoRelaxesRecipientPoliciesButNotTheOperatorsVerify() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls(),  // self-signed: never verifies
        Map.of("verify.example", TlsLevel.VERIFY, "dane.example", TlsLevel.DANE));
    // The operator's verify stays: deferred, nothing sent.
    DeliveryResult kept = deliver("bob@verify.example", false, TLS_REQUIRED_NO);
    assertThat(kept).isInstanceOf(DeliveryResult.Transient.class);
    assertThat(kept.tls().level()).isEqualTo(TlsLevel.VERIFY);
    assertNothingSent(server);
    // dane (TLSA records are the recipient's policy) falls back to may: TLS tried, delivered.
    DeliveryResult relaxed = deliver("bob@dane.example", false, TLS_REQUIRED_NO);
    assertThat(relaxed).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(relaxed.tls().level()).isEqualTo(TlsLevel.MAY);
    assertThat(relaxed.tls().encrypted()).isTrue();
    // Without the field the level stays dane.
    assertThat(deliver("bob@dane.example", false, CONTENT).tls().level()).isEqualTo(TlsLevel.DANE);
  }

  @Test
  void tlsRequiredNoIsIgnoredUnderRequireTls() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls(), Map.of("dane.example", TlsLevel.DANE));
    assertBounced(deliver("bob@dane.example", true, TLS_REQUIRED_NO), "5.7.10");
    assertNothingSent(server);
  }

  private Map<String, DeliveryResult> viaSmarthost(FakeSmtpServer upstream, boolean tlsVerify) {
    RelayOptions options = new RelayOptions()
        .setSmarthost(new Smarthost("127.0.0.1", upstream.port(), Smarthost.Tls.STARTTLS, "relay-user", "pw", tlsVerify))
        .setTls(new RelayTlsOptions().setCaFile(CA.writePem(dir.resolve("ca.pem")).toString()))
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    MxResolver unused = new MxResolver(vertx, List.of(new java.net.InetSocketAddress("127.0.0.1", 9)), Duration.ofSeconds(1));
    transport = new SmtpTransport(vertx, options, unused);
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of("bob@far.example"), false, "7BIT",
        "127.0.0.1", "client", "alice@example.test", Instant.now()).withRequireTls(true);
    Promise<Map<String, DeliveryResult>> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> transport.deliver(envelope, envelope.recipients(), CONTENT)
        .onComplete(result));
    return await(result.future());
  }

  @Test
  void aVerifiedSmarthostThatOffersRequireTlsGetsTheMessage() {
    FakeSmtpServer upstream = await(good("127.0.0.1").auth("relay-user", "pw").start(vertx));
    assertThat(viaSmarthost(upstream, true).get("bob@far.example")).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(upstream.mailParameters().get(0)).contains("REQUIRETLS");
  }

  @Test
  void aSmarthostWithoutRequireTlsBounces() {
    FakeSmtpServer upstream = await(new FakeSmtpServer().startTls().auth("relay-user", "pw")
        .certificate(CA.issue("127.0.0.1").keyCertOptions()).start(vertx));
    assertBounced(viaSmarthost(upstream, true).get("bob@far.example"), "5.7.30");
    assertNothingSent(upstream);
  }

  @Test
  void anUnverifiedSmarthostBouncesEvenWithTlsVerifyOff() {
    // tlsVerify false lets ordinary mail (and the password) through; REQUIRETLS mail never.
    FakeSmtpServer upstream = await(new FakeSmtpServer().startTls().requireTls().auth("relay-user", "pw").start(vertx));
    assertBounced(viaSmarthost(upstream, false).get("bob@far.example"), "5.7.10");
    assertThat(upstream.verbs()).doesNotContain("AUTH");
    assertNothingSent(upstream);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
