package io.vmta.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.relay.testing.TestCa;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REQUIRETLS (RFC 8689) through the jar: alice submits over STARTTLS with {@code MAIL FROM ...
 * REQUIRETLS}; the relay hands it over verified TLS, with REQUIRETLS, to a peer that offers it,
 * and bounces it (5.7.30, into alice's Maildir) for a peer that verifies but does not offer it.
 * The peers: {@code mx.partner.example} on 127.0.0.1 and {@code mx.plain.example} on 127.0.0.2,
 * on one port, with certificates of a CA made here.
 */
class RequireTlsTest {

  private static final TestCa CA = TestCa.create("REQUIRETLS IT CA");
  private static final String EHLO = "EHLO client.example.org";

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static FakeDnsServer dns;
  private static FakeSmtpServer partner;
  private static FakeSmtpServer plain;
  private static MtaProcess mta;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    partner = await(new FakeSmtpServer().pipelining().startTls().requireTls()
        .certificate(CA.issue("mx.partner.example").keyCertOptions()).start(vertx));
    plain = await(new FakeSmtpServer().pipelining().startTls()
        .certificate(CA.issue("mx.plain.example").keyCertOptions()).bind("127.0.0.2", partner.port()).start(vertx));
    dns.mx("partner.example", 10, "mx.partner.example").a("mx.partner.example", "127.0.0.1")
        .mx("plain.example", 10, "mx.plain.example").a("mx.plain.example", "127.0.0.2");
    Path ca = CA.writePem(dir.resolve("ca.pem"));
    mta = MtaProcess.start(dir, MtaProcess.allListeners()
        .put("relay", new JsonObject()
            .put("dnsServers", new JsonArray().add("127.0.0.1:" + dns.address().getPort()))
            .put("port", partner.port())
            .put("tls", new JsonObject().put("caFile", ca.toString()))
            .put("retry", new JsonObject().put("initialDelay", "1s"))), MtaProcess.DEFAULT_JVM_OPTIONS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (mta != null) {
      mta.close();
    }
    if (dns != null) {
      dns.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  /** Submission: STARTTLS, REQUIRETLS offered, AUTH, then a message with REQUIRETLS; its queue id. */
  private static String submit(String to, String subject) throws Exception {
    try (TestSmtpClient c = mta.connect("submission")) {
      assertThat(c.command(EHLO).lines()).noneMatch(l -> l.contains("REQUIRETLS"));
      assertThat(c.command("STARTTLS").last()).startsWith("220 ");
      c.upgrade();
      assertThat(c.command(EHLO).lines()).contains("250-REQUIRETLS");
      assertThat(c.command("AUTH PLAIN " + Base64.getEncoder()
          .encodeToString("\0alice@example.test\0secret".getBytes(StandardCharsets.UTF_8))).last()).startsWith("235 ");
      assertThat(c.command("MAIL FROM:<alice@example.test> REQUIRETLS").last()).startsWith("250 ");
      assertThat(c.command("RCPT TO:<" + to + ">").last()).startsWith("250 ");
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String reply = c.command("Subject: " + subject + "\r\n\r\nfor TLS eyes only\r\n.").last();
      assertThat(reply).startsWith("250 ");
      return reply.substring(reply.lastIndexOf(' ') + 1).trim();
    }
  }

  @Test
  void aPeerThatOffersRequireTlsGetsTheMessageWithRequireTls() throws Exception {
    submit("bob@partner.example", "to a partner");
    waitFor(() -> !partner.messages().isEmpty(), "relayed to mx.partner.example");
    assertThat(partner.mailParameters().get(0)).contains("REQUIRETLS");
    assertThat(partner.commandsOverTls()).anyMatch(c -> c.startsWith("MAIL FROM:<alice@example.test>"));
    assertThat(partner.messages().get(0).content().toString(StandardCharsets.UTF_8)).contains("for TLS eyes only");
  }

  @Test
  void aPeerWithoutRequireTlsGetsNothingAndAliceGetsA5730Bounce() throws Exception {
    String id = submit("carol@plain.example", "to a plain host");
    Path inbox = mta.dataDir().resolve("mail/example.test/alice/new");
    waitFor(() -> bounceIn(inbox) != null, "a bounce in alice's Maildir");
    String bounce = bounceIn(inbox);
    assertThat(bounce).contains("Final-Recipient: rfc822; carol@plain.example").contains("Status: 5.7.30")
        .contains("Subject: to a plain host").doesNotContain("for TLS eyes only");
    assertThat(plain.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
    assertThat(plain.messages()).isEmpty();
    assertThat(mta.log()).contains(id + ": to=<carol@plain.example>").contains("dsn=5.7.30");
  }

  /** The bounce about plain.example in {@code inbox}, or null. */
  private static String bounceIn(Path inbox) {
    if (!Files.isDirectory(inbox)) {
      return null;
    }
    try (Stream<Path> files = Files.list(inbox)) {
      for (Path p : files.toList()) {
        String text = Files.readString(p);
        if (text.contains("carol@plain.example")) {
          return text;
        }
      }
      return null;
    } catch (java.io.IOException e) {
      return null;  // a file being moved into new/ as we list
    }
  }

  private static void waitFor(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 30 s").isLessThan(deadline);
      await(vertx.timer(50));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
