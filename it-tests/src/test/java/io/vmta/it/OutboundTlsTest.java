package io.vmta.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.relay.testing.TestCa;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * relay.tls end to end in this JVM: the whole MTA configured from JSON (relay.tls.caFile relative
 * paths aside), a CA made in the test, an in-process DNS responder and a receiving server with a
 * right or a wrong certificate. What the operator sees: the delivery log line, mta.events and
 * /metrics.
 */
class OutboundTlsTest {

  private static final TestCa CA = TestCa.create("Outbound TLS Test CA");

  @TempDir
  Path dir;
  private Vertx vertx;
  private FakeDnsServer dns;
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger deliveries = (Logger) LoggerFactory.getLogger("io.vmta.smtp.relay.impl.Deliveries");
  private Level levelBefore;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
    dns = FakeDnsServer.start();
    dns.mx("partner.example", 10, "mx.partner.example").a("mx.partner.example", "127.0.0.1");
    logs.start();
    deliveries.addAppender(logs);
    levelBefore = deliveries.getLevel();
    deliveries.setLevel(Level.INFO);  // logback-test.xml lets only errors through
    deliveries.setAdditive(false);  // ... into the console: these lines go to the list only
  }

  @AfterEach
  void stop() {
    deliveries.setLevel(levelBefore);
    deliveries.setAdditive(true);
    deliveries.detachAppender(logs);
    dns.close();
    await(vertx.close());
  }

  private MtaVerticle deploy(FakeSmtpServer peer) throws Exception {
    Path ca = CA.writePem(dir.resolve("ca.pem"));
    MtaOptions options = new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dir.resolve("data").toString())
        .put("management", new JsonObject().put("port", 0))
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", dir.resolve("users.txt").toString())
        .put("trustedNetworks", new JsonArray().add("127.0.0.0/8"))
        .put("relay", new JsonObject()
            .put("dnsServers", new JsonArray().add("127.0.0.1:" + dns.address().getPort()))
            .put("port", peer.port())
            .put("tls", new JsonObject().put("caFile", ca.toString())
                .put("policy", new JsonObject().put("partner.example", "verify")))
            .put("retry", new JsonObject().put("initialDelay", "1s").put("maxDelay", "1s").put("maxAge", "3s"))));
    Files.writeString(dir.resolve("users.txt"), "");
    MtaVerticle mta = new MtaVerticle(options, 1);
    await(vertx.deployVerticle(mta));
    return mta;
  }

  private String send(MtaVerticle mta, String to) throws Exception {
    try (TestSmtpClient c = new TestSmtpClient("127.0.0.1", mta.boundListeners().get(0).getPort())) {
      c.read();
      c.command("EHLO client.example.org");
      assertThat(c.command("MAIL FROM:<sender@example.org>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<" + to + ">").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String reply = c.command("Subject: tls\r\n\r\nconfidential\r\n.").last();
      assertThat(reply).startsWith("250 ");
      return reply.substring(reply.lastIndexOf(' ') + 1).trim();
    }
  }

  private JsonObject next(String event, String id) throws InterruptedException {
    while (true) {
      JsonObject e = events.poll(30, TimeUnit.SECONDS);
      assertThat(e).as("waiting for " + event + " of " + id).isNotNull();
      if (event.equals(e.getString("event")) && id.equals(e.getString("id"))) {
        return e;
      }
    }
  }

  @Test
  void aVerifiedDeliveryIsLoggedPublishedAndCounted() throws Exception {
    FakeSmtpServer peer = await(new FakeSmtpServer().startTls()
        .certificate(CA.issue("mx.partner.example").keyCertOptions()).start(vertx));
    MtaVerticle mta = deploy(peer);
    String id = send(mta, "bob@partner.example");
    JsonObject sent = next("sent", id);
    assertThat(sent.getString("tlsLevel")).isEqualTo("verify");
    assertThat(sent.getString("tlsTrust")).isEqualTo("verified");
    assertThat(sent.getString("tlsProtocol")).startsWith("TLSv1.");
    assertThat(peer.commandsOverTls()).anyMatch(c -> c.startsWith("MAIL FROM:"));
    assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
        .startsWith(id + ": to=<bob@partner.example>, relay=mx.partner.example[127.0.0.1]:" + peer.port()
            + ", tls=verify:Verified TLSv1.")
        .contains("status=sent"));
    Map<String, String> samples = ManagementHttp.scrapeUntil(mta.managementPort(),
        s -> s.containsKey("vmta_relay_tls_deliveries_total{level=\"verify\",outcome=\"sent\",trust=\"verified\"}"),
        Duration.ofSeconds(10));
    assertThat(samples).containsEntry(
        "vmta_relay_tls_deliveries_total{level=\"verify\",outcome=\"sent\",trust=\"verified\"}", "1.0");
  }

  @Test
  void aCertificateForAnotherNameDefersAndAtExpiryBouncesWithoutSendingTheMessage() throws Exception {
    FakeSmtpServer peer = await(new FakeSmtpServer().startTls()
        .certificate(CA.issue("mx.elsewhere.example").keyCertOptions()).start(vertx));
    MtaVerticle mta = deploy(peer);
    String id = send(mta, "bob@partner.example");
    JsonObject deferred = next("deferred", id);
    assertThat(deferred.getString("dsn")).isEqualTo("4.7.5");
    assertThat(deferred.getString("tlsTrust")).isEqualTo("trusted");
    assertThat(deferred.getString("detail")).contains("does not name mx.partner.example");
    JsonObject expired = next("expired", id);
    assertThat(expired.getString("tlsLevel")).isEqualTo("verify");
    assertThat(peer.verbs()).doesNotContain("MAIL");
    assertThat(peer.messages()).isEmpty();
    Map<String, String> samples = ManagementHttp.scrapeUntil(mta.managementPort(),
        s -> s.containsKey("vmta_relay_tls_deliveries_total{level=\"verify\",outcome=\"expired\",trust=\"trusted\"}"),
        Duration.ofSeconds(10));
    assertThat(samples.get("vmta_relay_tls_deliveries_total{level=\"verify\",outcome=\"deferred\",trust=\"trusted\"}"))
        .isNotNull();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
