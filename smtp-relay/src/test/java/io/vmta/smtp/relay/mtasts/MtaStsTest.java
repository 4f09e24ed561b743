package io.vmta.smtp.relay.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.RelayTlsOptions;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.client.PeerTrust;
import io.vmta.smtp.relay.client.PeerVerifier;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.relay.dane.DanePolicy;
import io.vmta.smtp.relay.dane.DnssecMode;
import io.vmta.smtp.relay.testing.SignedZone;
import io.vmta.smtp.relay.testing.TestCa;
import io.vmta.smtp.relay.transport.DeliveryResult;
import io.vmta.smtp.relay.transport.SmtpTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Type;

/**
 * MTA-STS end to end over real sockets: a DNS server, an HTTPS policy server and receiving SMTP
 * servers in the test, certificates of a CA made in the test. The destination is
 * {@code sts.example} with the MX host {@code mx.sts.example}; its policy host
 * {@code mta-sts.sts.example} resolves (through the relay's DNS client) to the policy server.
 */
class MtaStsTest {

  private static final TestCa CA = TestCa.create("MTA-STS Test CA");
  private static final Buffer CONTENT = Buffer.buffer("Subject: x\r\n\r\nconfidential\r\n");
  private static final String DOMAIN = "sts.example";
  private static final String ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mx.sts.example\r\nmax_age: 86400\r\n";

  private final Vertx vertx = Vertx.vertx();
  private final FakeDnsServer dns = FakeDnsServer.start().ttl(0).negativeTtl(0);
  private final TestClock clock = new TestClock();
  private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
  private volatile Consumer<HttpServerRequest> policyServer;
  private HttpServer https;
  @TempDir
  Path dir;
  private Path caFile;
  private MtaSts sts;
  private SmtpTransport transport;

  /** A clock the test moves forward. */
  private static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @BeforeEach
  void start() {
    caFile = CA.writePem(dir.resolve("ca.pem"));
    HttpServerOptions options = new HttpServerOptions().setSsl(true).setHost("127.0.0.1").setPort(0)
        .setKeyCertOptions(CA.issue("mta-sts.sts.example", "mta-sts.other.example", "localhost").keyCertOptions());
    https = await(vertx.createHttpServer(options).requestHandler(request -> {
      fetches.computeIfAbsent(request.authority().host(), h -> new AtomicInteger()).incrementAndGet();
      policyServer.accept(request);
    }).listen());
    dns.mx(DOMAIN, 10, "mx." + DOMAIN).a("mx." + DOMAIN, "127.0.0.1").a("mta-sts." + DOMAIN, "127.0.0.1");
    record("1");
    serve(ENFORCE);
  }

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  private void record(String id) {
    dns.remove("_mta-sts." + DOMAIN, Type.TXT).txt("_mta-sts." + DOMAIN, "v=STSv1; id=" + id + ";");
  }

  private void serve(String policy) {
    policyServer = request -> {
      assertThat(request.path()).isEqualTo("/.well-known/mta-sts.txt");
      request.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(policy);
    };
  }

  private int fetches() {
    AtomicInteger n = fetches.get("mta-sts." + DOMAIN);
    return n == null ? 0 : n.get();
  }

  /** The transport with MTA-STS (a new instance over {@link #dir}, as after a restart), delivering to {@code server}. */
  private FakeSmtpServer peer(FakeSmtpServer server, Map<String, TlsLevel> policy) {
    FakeSmtpServer peer = await(server.start(vertx));
    RelayOptions options = new RelayOptions().setPort(peer.port())
        .setTls(new RelayTlsOptions().setCaFile(caFile.toString()).setPolicy(policy))
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    PeerVerifier verifier = PeerVerifier.create(caFile);
    sts = new MtaSts(vertx, new DnsClient(vertx, List.of(dns.address()), Duration.ofSeconds(2)), verifier,
        dir.resolve("mta-sts"), https.actualPort(), Duration.ofSeconds(10), clock);
    transport = new SmtpTransport(vertx, options, new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2)),
        Set.of(), verifier, sts);
    return peer;
  }

  private FakeSmtpServer peer(FakeSmtpServer server) {
    return peer(server, Map.of());
  }

  private static FakeSmtpServer goodServer() {
    return new FakeSmtpServer().startTls().certificate(CA.issue("mx.sts.example").keyCertOptions());
  }

  private DeliveryResult deliver() {
    return deliver("bob@" + DOMAIN, CONTENT);
  }

  private DeliveryResult deliver(String rcpt, Buffer content) {
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of(rcpt), false, "7BIT",
        "127.0.0.1", "client", "alice@example.test", Instant.now());
    Promise<DeliveryResult> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> transport.deliver(envelope, envelope.recipients(), content)
        .map(r -> r.get(rcpt)).onComplete(result));
    return await(result.future());
  }

  @Test
  void tlsRequiredNoSetsAnEnforcedPolicyAside() {
    // RFC 8689 section 4.2.2: the sender asks that the recipient's policies be ignored; the
    // server offers no STARTTLS, which the enforced policy would defer.
    FakeSmtpServer peer = peer(new FakeSmtpServer());
    DeliveryResult result = deliver("bob@" + DOMAIN, Buffer.buffer("TLS-Required: No\r\nSubject: x\r\n\r\nnot secret\r\n"));
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.MAY);
    assertThat(peer.messages()).hasSize(1);
    assertThat(fetches()).isZero();
  }

  /**
   * RFC 7672 section 2.2 over RFC 8461: an MX host with a secure TLSA set is checked against it,
   * whatever the domain's enforced MTA-STS policy asks; here its certificate is one no CA vouches
   * for, which MTA-STS alone defers (the control below) and DANE-EE accepts.
   */
  @ParameterizedTest(name = "dane on: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aSecureTlsaSetDecidesTheHostWhateverAnEnforcedPolicyAsks(boolean withDane) throws Exception {
    TestCa.Issued untrusted = TestCa.create("Nobody's CA").issue("mx.other.example");
    FakeSmtpServer peer = await(new FakeSmtpServer().startTls().certificate(untrusted.keyCertOptions()).start(vertx));
    SignedZone zone = SignedZone.create("other.example").mx("other.example", 10, "mx.other.example")
        .a("mx.other.example", "127.0.0.1").a("mta-sts.other.example", "127.0.0.1")
        .add(new org.xbill.DNS.TXTRecord(org.xbill.DNS.Name.fromString("_mta-sts.other.example."),
            org.xbill.DNS.DClass.IN, 300, "v=STSv1; id=1;"))
        .tlsa("mx.other.example", peer.port(), 3, 1, 1, java.security.MessageDigest.getInstance("SHA-256")
            .digest(untrusted.certificate().getPublicKey().getEncoded()));
    zone.publish(dns);
    serve("version: STSv1\r\nmode: enforce\r\nmx: mx.other.example\r\nmax_age: 86400\r\n");
    RelayOptions options = new RelayOptions().setPort(peer.port())
        .setTls(new RelayTlsOptions().setCaFile(caFile.toString()))
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    PeerVerifier verifier = PeerVerifier.create(caFile);
    sts = new MtaSts(vertx, new DnsClient(vertx, List.of(dns.address()), Duration.ofSeconds(2)), verifier,
        dir.resolve("mta-sts"), https.actualPort(), Duration.ofSeconds(10), clock);
    DanePolicy dane = !withDane ? null : DanePolicy.create(vertx, List.of(dns.address()), Duration.ofSeconds(2),
        DnssecMode.VALIDATE, zone.writeTrustAnchor(dir.resolve("anchor.ds")));
    transport = new SmtpTransport(vertx, options, new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2)),
        Set.of(), verifier, sts, dane);

    DeliveryResult result = deliver("bob@other.example", CONTENT);

    assertThat(fetches.get("mta-sts.other.example")).as("the policy was fetched").isNotNull();
    if (withDane) {
      assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
      assertThat(result.tls().level()).isEqualTo(TlsLevel.DANE);
      assertThat(result.tls().trust()).isEqualTo(PeerTrust.VERIFIED);
    } else {
      assertDeferred(result, "4.7.5");
      assertThat(peer.messages()).isEmpty();
    }
  }

  private static void assertDeferred(DeliveryResult result, String status) {
    assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
    assertThat(((DeliveryResult.Transient) result).status()).isEqualTo(status);
  }

  @Test
  void enforceDeliversToANamedMxHostWithAVerifiedCertificate() {
    FakeSmtpServer server = peer(goodServer());
    DeliveryResult result = deliver();
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.VERIFY);
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.VERIFIED);
    assertThat(server.commandsOverTls()).anyMatch(c -> c.startsWith("MAIL FROM:"));
    assertThat(fetches()).isEqualTo(1);
  }

  @Test
  void enforceDefersOnACertificateForAnotherName() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls().certificate(CA.issue("mail.other.example").keyCertOptions()));
    DeliveryResult result = deliver();
    assertDeferred(result, "4.7.5");
    assertThat(result.detail()).contains("does not name mx.sts.example").endsWith("[mta-sts enforce, id=1]");
    assertThat(server.verbs()).doesNotContain("MAIL");
  }

  @Test
  void enforceDefersWithoutStartTlsAndNeverSendsInClear() {
    FakeSmtpServer server = peer(new FakeSmtpServer());
    assertDeferred(deliver(), "4.7.4");
    assertThat(server.verbs()).doesNotContain("MAIL");
    assertThat(server.messages()).isEmpty();
  }

  @Test
  void anOperatorsNoneOrMayDoesNotWeakenAnEnforcedPolicy() {
    FakeSmtpServer server = peer(new FakeSmtpServer().startTls(), Map.of(DOMAIN, TlsLevel.NONE));
    DeliveryResult result = deliver();
    assertDeferred(result, "4.7.5");  // the self-signed certificate of the fake server
    assertThat(result.tls().level()).isEqualTo(TlsLevel.VERIFY);
    assertThat(server.messages()).isEmpty();
  }

  @Test
  void enforceDefersWhenNoMxHostMatchesThePolicy() {
    serve("version: STSv1\nmode: enforce\nmx: mail.sts.example\nmx: *.mx.sts.example\nmax_age: 86400\n");
    FakeSmtpServer server = peer(goodServer());
    DeliveryResult result = deliver();
    assertDeferred(result, "4.7.0");
    assertThat(result.detail()).contains("mta-sts enforce, id=1");
    assertThat(server.connections()).isZero();
  }

  @Test
  void aWildcardPatternNamesTheMxHost() {
    serve("version: STSv1\nmode: enforce\nmx: *.sts.example\nmax_age: 86400\n");
    peer(goodServer());
    assertThat(deliver()).isInstanceOf(DeliveryResult.Delivered.class);
  }

  @Test
  void testingDeliversAsBeforeAndCountsTheFailure() {
    serve("version: STSv1\nmode: testing\nmx: mx.sts.example\nmax_age: 86400\n");
    FakeSmtpServer server = peer(new FakeSmtpServer());
    DeliveryResult result = deliver();
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls()).hasToString("may:plaintext");
    assertThat(server.messages()).hasSize(1);
    assertThat(sts.testingFailures()).isEqualTo(1);
  }

  @Test
  void testingCountsNothingWhenThePolicyWouldHaveBeenMet() {
    serve("version: STSv1\nmode: testing\nmx: mx.sts.example\nmax_age: 86400\n");
    peer(goodServer());
    assertThat(deliver()).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(sts.testingFailures()).isZero();
  }

  @Test
  void modeNoneChangesNothing() {
    serve("version: STSv1\nmode: none\nmax_age: 86400\n");
    FakeSmtpServer server = peer(new FakeSmtpServer());
    assertThat(deliver()).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(server.messages()).hasSize(1);
    assertThat(sts.testingFailures()).isZero();
  }

  @Test
  void theKeptPolicyServesUntilMaxAgeThenIsFetchedAgain() {
    peer(goodServer());
    deliver();
    deliver();
    assertThat(fetches()).as("the same id: the kept policy").isEqualTo(1);
    clock.now = clock.now.plusSeconds(86_401);
    assertThat(deliver()).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(fetches()).as("expired: fetched again").isEqualTo(2);
  }

  @Test
  void aNewIdInDnsFetchesThePolicyAgain() {
    FakeSmtpServer server = peer(new FakeSmtpServer());
    serve("version: STSv1\nmode: testing\nmx: mx.sts.example\nmax_age: 86400\n");
    assertThat(deliver()).isInstanceOf(DeliveryResult.Delivered.class);
    serve(ENFORCE);
    assertThat(deliver()).as("the same id: the kept testing policy").isInstanceOf(DeliveryResult.Delivered.class);
    record("2");
    assertDeferred(deliver(), "4.7.4");
    assertThat(fetches()).isEqualTo(2);
    assertThat(server.messages()).hasSize(2);
  }

  @Test
  void aRestartKeepsThePolicyAndItAppliesWhenDnsAndTheFetchFail() throws Exception {
    peer(goodServer());
    assertThat(deliver()).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(dir.resolve("mta-sts/sts.example.json")).exists();
    await(sts.close());
    // The record withdrawn without mode none (RFC 8461 section 10.2) and the policy server gone.
    dns.remove("_mta-sts." + DOMAIN, Type.TXT);
    policyServer = request -> request.response().setStatusCode(404).end();
    FakeSmtpServer plain = peer(new FakeSmtpServer());
    assertDeferred(deliver(), "4.7.4");
    assertThat(plain.messages()).isEmpty();
    assertThat(fetches()).isEqualTo(1);
    // Past max_age the kept policy no longer applies and is deleted.
    clock.now = clock.now.plusSeconds(86_401);
    assertThat(deliver()).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(Files.exists(dir.resolve("mta-sts/sts.example.json"))).isFalse();
  }

  @Test
  void aKeptPolicyAppliesWhenTheFetchForANewIdFails() {
    peer(goodServer());
    deliver();
    record("2");
    policyServer = request -> request.response().setStatusCode(500).end();
    FakeSmtpServer plain = peer(new FakeSmtpServer());
    assertDeferred(deliver(), "4.7.4");
    assertThat(plain.messages()).isEmpty();
  }

  /** Policies that are no policy: the domain is delivered to as without MTA-STS. */
  enum Unusable {
    OVERSIZED(r -> r.response().putHeader("Content-Type", "text/plain")
        .end(ENFORCE + "x: " + "y".repeat(PolicyFetcher.MAX_BODY) + "\n")),
    OVERSIZED_CHUNKED(r -> {
      r.response().setChunked(true).putHeader("Content-Type", "text/plain");
      for (int i = 0; i < 20; i++) {
        r.response().write(i == 0 ? ENFORCE : "x: " + "y".repeat(8192) + "\n");
      }
      r.response().end();
    }),
    // To a good policy on the same server (whose certificate names localhost too): followed, it would be found.
    REDIRECT(r -> {
      if (r.query() == null) {
        r.response().setStatusCode(301)
            .putHeader("Location", "https://localhost:" + r.localAddress().port() + "/.well-known/mta-sts.txt?moved").end();
      } else {
        r.response().putHeader("Content-Type", "text/plain").end(ENFORCE);
      }
    }),
    REDIRECT_ELSEWHERE(r -> r.response().setStatusCode(302)
        .putHeader("Location", "https://mta-sts.other.example/.well-known/mta-sts.txt").end()),
    NOT_FOUND(r -> r.response().setStatusCode(404).end()),
    HTML(r -> r.response().putHeader("Content-Type", "text/html").end(ENFORCE)),
    MALFORMED(r -> r.response().putHeader("Content-Type", "text/plain").end("version: STSv1\nmode: enforce\nmax_age: 86400\n")),
    BAD_VERSION(r -> r.response().putHeader("Content-Type", "text/plain").end(ENFORCE.replace("STSv1", "STSv2")));

    final Consumer<HttpServerRequest> server;

    Unusable(Consumer<HttpServerRequest> server) {
      this.server = server;
    }
  }

  @ParameterizedTest
  @EnumSource(Unusable.class)
  void anUnusablePolicyIsNoPolicy(Unusable kind) {
    policyServer = kind.server;
    FakeSmtpServer server = peer(new FakeSmtpServer());
    assertThat(deliver()).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(server.messages()).hasSize(1);
    assertThat(fetches()).isEqualTo(1);
    assertThat(fetches.get("mta-sts.other.example")).as("no redirect followed").isNull();
    assertThat(fetches.get("localhost")).as("no redirect followed").isNull();
    assertThat(dir.resolve("mta-sts/sts.example.json")).doesNotExist();
  }

  @Test
  void aPolicyHostWhoseCertificateDoesNotNameItIsNoPolicy() {
    // The policy server's certificate names mta-sts.sts.example and mta-sts.other.example only.
    dns.mx("third.example", 10, "mx.sts.example").a("mta-sts.third.example", "127.0.0.1")
        .txt("_mta-sts.third.example", "v=STSv1; id=1");
    FakeSmtpServer server = peer(new FakeSmtpServer());
    String rcpt = "bob@third.example";
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of(rcpt), false, "7BIT",
        "127.0.0.1", "client", "alice@example.test", Instant.now());
    Promise<DeliveryResult> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> transport.deliver(envelope, envelope.recipients(), CONTENT)
        .map(r -> r.get(rcpt)).onComplete(result));
    assertThat(await(result.future())).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(server.messages()).hasSize(1);
    assertThat(fetches.get("mta-sts.third.example")).as("the handshake failed before any request").isNull();
  }

  @Test
  void anInternationalisedDomainIsLookedUpByItsALabels() {
    // bücher.example is xn--bcher-kva.example; its policy host's name is not in the server's certificate.
    dns.mx("xn--bcher-kva.example", 10, "mx.sts.example").a("mta-sts.xn--bcher-kva.example", "127.0.0.1")
        .txt("_mta-sts.xn--bcher-kva.example", "v=STSv1; id=1");
    peer(new FakeSmtpServer());
    assertThat(await(sts.policy("bücher.example"))).isNull();
    assertThat(dns.queries("_mta-sts.xn--bcher-kva.example", Type.TXT)).isEqualTo(1);
  }

  @Test
  void noRecordNoPolicyAndNoFetch() {
    dns.remove("_mta-sts." + DOMAIN, Type.TXT);
    FakeSmtpServer server = peer(new FakeSmtpServer());
    assertThat(deliver()).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(server.messages()).hasSize(1);
    assertThat(fetches()).isZero();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
