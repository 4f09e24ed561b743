package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.Smarthost;
import io.vmta.smtp.relay.RelayTlsOptions;
import io.vmta.smtp.relay.RelayVerticle;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.client.PeerTrust;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.testing.TestCa;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import java.nio.file.Path;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** relay.smarthost: every remote message through one upstream, with TLS and AUTH. */
class SmarthostTest {

  private final Vertx vertx = Vertx.vertx();
  /** The smarthost's CA, trusted through relay.tls.caFile; its certificate names 127.0.0.1. */
  private static final TestCa CA = TestCa.create("Smarthost Test CA");
  private static final TestCa.Issued GOOD = CA.issue("127.0.0.1");
  @TempDir
  Path dir;
  private String caFile;
  private boolean tlsVerify = true;
  private static final Buffer CONTENT = Buffer.buffer("Subject: via smarthost\r\n\r\n.dot\r\nbody\r\n");

  @BeforeEach
  void trustTheTestCa() {
    caFile = CA.writePem(dir.resolve("ca.pem")).toString();
  }

  /** A smarthost presenting the certificate of the test CA for 127.0.0.1. */
  private static FakeSmtpServer verifiable() {
    return new FakeSmtpServer().certificate(GOOD.keyCertOptions());
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private Map<String, DeliveryResult> deliver(FakeSmtpServer upstream, Smarthost.Tls tls, String password) {
    return deliver(upstream, tls, password, CONTENT);
  }

  private Map<String, DeliveryResult> deliver(FakeSmtpServer upstream, Smarthost.Tls tls, String password,
      Buffer content) {
    RelayOptions options = new RelayOptions()
        .setSmarthost(new Smarthost("127.0.0.1", upstream.port(), tls, "relay-user", password, tlsVerify))
        .setTls(new RelayTlsOptions().setCaFile(caFile))
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    // No DNS server is ever asked: the smarthost is an address literal.
    MxResolver unused = new MxResolver(vertx, List.of(new java.net.InetSocketAddress("127.0.0.1", 9)), Duration.ofSeconds(1));
    SmtpTransport transport = new SmtpTransport(vertx, options, unused);
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of("bob@far.example", "carol@other.example"),
        false, "7BIT", "127.0.0.1", "client", "alice@example.test", Instant.now());
    // The transport lives on one Vert.x context, as in RelayVerticle.
    io.vertx.core.Promise<Map<String, DeliveryResult>> result = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v ->
        transport.deliver(envelope, envelope.recipients(), content).onComplete(result));
    return await(result.future());
  }

  @Test
  void startTlsThenAuthThenTheMessageUnchanged() {
    FakeSmtpServer upstream = await(verifiable().pipelining().startTls().auth("relay-user", "pw").start(vertx));
    Map<String, DeliveryResult> results = deliver(upstream, Smarthost.Tls.STARTTLS, "pw");
    assertThat(results.values()).allMatch(r -> r instanceof DeliveryResult.Delivered);
    assertThat(results.get("bob@far.example").relay()).startsWith("127.0.0.1[127.0.0.1]:" + upstream.port());
    assertThat(upstream.commandsOverTls()).anyMatch(c -> c.startsWith("AUTH "));
    assertThat(upstream.commands()).noneMatch(c -> c.startsWith("AUTH ") && !upstream.commandsOverTls().contains(c));
    assertThat(upstream.messages().get(0).content().toString(StandardCharsets.UTF_8)).isEqualTo(CONTENT.toString());
  }

  @Test
  void theSmarthostIsVerifiedAndTheDeliveryNamesItsTls() {
    FakeSmtpServer upstream = await(verifiable().startTls().auth("relay-user", "pw").start(vertx));
    DeliveryResult result = deliver(upstream, Smarthost.Tls.STARTTLS, "pw").get("bob@far.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.VERIFY);
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.VERIFIED);
    assertThat(result.tls().protocol()).startsWith("TLSv1.");
    assertThat(result.tls().toString()).startsWith("verify:Verified TLSv1.");
  }

  @Test
  void aSmarthostWhoseCertificateDoesNotVerifyGetsNoPasswordAndTheMessageWaits() {
    // The fake's own self-signed certificate: no chain to a trusted CA.
    FakeSmtpServer upstream = await(new FakeSmtpServer().startTls().auth("relay-user", "pw").start(vertx));
    Map<String, DeliveryResult> results = deliver(upstream, Smarthost.Tls.STARTTLS, "pw");
    assertThat(results.values()).allSatisfy(r -> {
      assertThat(r).isInstanceOf(DeliveryResult.Transient.class);
      assertThat(((DeliveryResult.Transient) r).status()).isEqualTo("4.7.5");
      assertThat(r.tls().trust()).isEqualTo(PeerTrust.UNTRUSTED);
    });
    assertThat(upstream.verbs()).doesNotContain("AUTH", "MAIL").contains("STARTTLS");
    assertThat(upstream.messages()).isEmpty();
  }

  @Test
  void aSmarthostCertificateForAnotherNameGetsNoPassword() {
    FakeSmtpServer upstream = await(new FakeSmtpServer().certificate(CA.issue("smtp.elsewhere.example").keyCertOptions())
        .implicitTls().auth("relay-user", "pw").start(vertx));
    Map<String, DeliveryResult> results = deliver(upstream, Smarthost.Tls.IMPLICIT, "pw");
    assertThat(results.values()).allSatisfy(r -> {
      assertThat(((DeliveryResult.Transient) r).status()).isEqualTo("4.7.5");
      assertThat(r.tls().trust()).isEqualTo(PeerTrust.TRUSTED);
      assertThat(r.detail()).contains("does not name 127.0.0.1");
    });
    assertThat(upstream.verbs()).doesNotContain("AUTH", "EHLO");
  }

  @Test
  void withoutTheCaFileTheSameCertificateDoesNotVerify() {
    caFile = null;
    FakeSmtpServer upstream = await(verifiable().startTls().auth("relay-user", "pw").start(vertx));
    assertThat(deliver(upstream, Smarthost.Tls.STARTTLS, "pw").values())
        .allSatisfy(r -> assertThat(((DeliveryResult.Transient) r).status()).isEqualTo("4.7.5"));
    assertThat(upstream.verbs()).doesNotContain("AUTH");
  }

  @Test
  void tlsVerifyFalseSendsThePasswordOverUnverifiedTls() {
    tlsVerify = false;
    FakeSmtpServer upstream = await(new FakeSmtpServer().startTls().auth("relay-user", "pw").start(vertx));
    DeliveryResult result = deliver(upstream, Smarthost.Tls.STARTTLS, "pw").get("bob@far.example");
    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(result.tls().level()).isEqualTo(TlsLevel.ENCRYPT);
    assertThat(result.tls().trust()).isEqualTo(PeerTrust.UNTRUSTED);
    assertThat(upstream.commandsOverTls()).anyMatch(c -> c.startsWith("AUTH "));
  }

  @Test
  void tlsVerifyFalseIsWarnedAboutAtStart() {
    Logger logger = (Logger) LoggerFactory.getLogger(RelayVerticle.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    Level before = logger.getLevel();
    logger.setLevel(Level.INFO);  // logback-test.xml lets only errors through
    try {
      RelayOptions options = new RelayOptions().setDnsServers(List.of("127.0.0.1:9"))
          .setSmarthost(new Smarthost("smtp.provider.example", 587, Smarthost.Tls.STARTTLS, "u", "p", false));
      await(vertx.deployVerticle(new RelayVerticle(options)));
      assertThat(logs.list).anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("relay.smarthost.tlsVerify is false")
            .contains("smtp.provider.example");
      });
    } finally {
      logger.setLevel(before);
      logger.detachAppender(logs);
    }
  }

  @Test
  void aCaFileWithoutACertificateStopsTheStartNamingTheKey() throws Exception {
    java.nio.file.Path junk = java.nio.file.Files.writeString(dir.resolve("junk.pem"), "no certificate\n");
    RelayOptions options = new RelayOptions().setDnsServers(List.of("127.0.0.1:9"))
        .setTls(new RelayTlsOptions().setCaFile(junk.toString()));
    Throwable failure = vertx.deployVerticle(new RelayVerticle(options)).toCompletionStage().toCompletableFuture()
        .handle((id, e) -> e).get(30, TimeUnit.SECONDS);
    assertThat(failure).hasMessageContaining("relay.tls.caFile").hasMessageContaining("holds no PEM certificate");
  }

  @Test
  void aVerifiedSmarthostGetsNoWarning() {
    Logger logger = (Logger) LoggerFactory.getLogger(RelayVerticle.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    Level before = logger.getLevel();
    logger.setLevel(Level.INFO);  // logback-test.xml lets only errors through
    try {
      RelayOptions options = new RelayOptions().setDnsServers(List.of("127.0.0.1:9"))
          .setSmarthost(new Smarthost("smtp.provider.example", 587, Smarthost.Tls.STARTTLS, "u", "p"));
      await(vertx.deployVerticle(new RelayVerticle(options)));
      assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.WARN);
    } finally {
      logger.setLevel(before);
      logger.detachAppender(logs);
    }
  }

  @Test
  void implicitTls() {
    FakeSmtpServer upstream = await(verifiable().implicitTls().auth("relay-user", "pw").start(vertx));
    assertThat(deliver(upstream, Smarthost.Tls.IMPLICIT, "pw").values())
        .allMatch(r -> r instanceof DeliveryResult.Delivered);
  }

  @Test
  void aRefusedLoginDefersRatherThanBounces() {
    FakeSmtpServer upstream = await(verifiable().startTls().auth("relay-user", "pw").start(vertx));
    assertThat(deliver(upstream, Smarthost.Tls.STARTTLS, "wrong").values())
        .allMatch(r -> r instanceof DeliveryResult.Transient);
    assertThat(upstream.messages()).isEmpty();
  }

  @Test
  void requiredTlsThatIsNotOfferedDefers() {
    FakeSmtpServer upstream = await(verifiable().start(vertx));
    assertThat(deliver(upstream, Smarthost.Tls.STARTTLS, "pw").values())
        .allMatch(r -> r instanceof DeliveryResult.Transient);
    assertThat(upstream.messages()).isEmpty();
  }

  @Test
  void anEightBitMessageToAHopWithout8bitmimeBouncesFor5_6_3() {
    FakeSmtpServer upstream = await(verifiable().startTls().auth("relay-user", "pw").start(vertx));
    Buffer eightBit = Buffer.buffer("Subject: x\r\n\r\ncaf\u00e9\r\n", StandardCharsets.UTF_8.name());
    Map<String, DeliveryResult> results = deliver(upstream, Smarthost.Tls.STARTTLS, "pw", eightBit);
    assertThat(results.values()).allSatisfy(r -> {
      assertThat(r).isInstanceOf(DeliveryResult.Permanent.class);
      assertThat(((DeliveryResult.Permanent) r).status()).isEqualTo("5.6.3");
      assertThat(r.relay()).startsWith("127.0.0.1[127.0.0.1]:");
    });
    assertThat(upstream.verbs()).doesNotContain("MAIL");
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
