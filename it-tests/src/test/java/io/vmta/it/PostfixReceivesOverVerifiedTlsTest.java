package io.vmta.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.relay.testing.TestCa;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vmta's outbound verification against an independent TLS server: a private Postfix (OpenSSL)
 * receiving with STARTTLS and a certificate for mx.partner.example from a CA made in the test.
 * At level verify, vmta delivers to the MX host the certificate names and defers the other,
 * without sending it the message. Skipped where a private Postfix cannot run.
 */
class PostfixReceivesOverVerifiedTlsTest {

  private static final TestCa CA = TestCa.create("Postfix Interop CA");

  @TempDir
  static Path postfixDir;
  private static PrivatePostfix postfix;
  @TempDir
  Path dir;
  private Vertx vertx;
  private FakeDnsServer dns;
  private MtaVerticle mta;
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  @BeforeAll
  static void startPostfix() throws Exception {
    PrivatePostfix.assumeInstalled();
    Path chain = postfixDir.resolve("chain.pem");
    Path key = postfixDir.resolve("key.pem");
    CA.issue("mx.partner.example").writePem(chain, key);
    postfix = PrivatePostfix.start(postfixDir, "mx.partner.example", List.of(
        "smtpd_tls_security_level = may",
        "smtpd_tls_chain_files = " + key + ", " + chain,
        "smtpd_tls_loglevel = 1",
        // What it accepts goes nowhere.
        "default_transport = discard",
        "relay_transport = discard"));
  }

  @AfterAll
  static void stopPostfix() throws Exception {
    if (postfix != null) {
      postfix.close();
    }
  }

  @BeforeEach
  void startMta() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
    dns = FakeDnsServer.start();
    dns.mx("partner.example", 10, "mx.partner.example").a("mx.partner.example", "127.0.0.1");
    dns.mx("other.example", 10, "mx.other.example").a("mx.other.example", "127.0.0.1");
    Files.writeString(dir.resolve("users.txt"), "");
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
            .put("port", postfix.port())
            .put("tls", new JsonObject().put("caFile", CA.writePem(dir.resolve("ca.pem")).toString())
                .put("policy", new JsonObject().put("partner.example", "verify").put("other.example", "verify")))));
    mta = new MtaVerticle(options, 1);
    await(vertx.deployVerticle(mta));
  }

  @AfterEach
  void stopMta() {
    if (dns != null) {
      dns.close();
    }
    await(vertx.close());
  }

  @Test
  void deliveredToTheHostTheCertificateNames() throws Exception {
    String id = send("bob-sender@example.org", "bob@partner.example");
    JsonObject sent = next("sent", id);
    assertThat(sent.getString("tlsTrust")).isEqualTo("verified");
    assertThat(sent.getString("tlsProtocol")).isIn("TLSv1.3", "TLSv1.2");
    // Postfix saw the same: a TLS session from vmta, then the message.
    assertThat(postfix.awaitLog(l -> l.contains("TLS connection established from"), "a TLS session",
        Duration.ofSeconds(20))).contains("TLSv1.");
    postfix.awaitLog(l -> l.contains("from=<bob-sender@example.org>"), "the message", Duration.ofSeconds(20));
  }

  @Test
  void deferredForAHostTheCertificateDoesNotName() throws Exception {
    String id = send("carol-sender@example.org", "carol@other.example");
    JsonObject deferred = next("deferred", id);
    assertThat(deferred.getString("dsn")).isEqualTo("4.7.5");
    assertThat(deferred.getString("detail")).contains("does not name mx.other.example");
    assertThat(postfix.log()).noneMatch(l -> l.contains("from=<carol-sender@example.org>"));
  }

  private String send(String from, String to) throws Exception {
    try (TestSmtpClient c = new TestSmtpClient("127.0.0.1", mta.boundListeners().get(0).getPort())) {
      c.read();
      c.command("EHLO client.example.org");
      assertThat(c.command("MAIL FROM:<" + from + ">").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<" + to + ">").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String reply = c.command("Subject: interop\r\n\r\nover verified TLS\r\n.").last();
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

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
