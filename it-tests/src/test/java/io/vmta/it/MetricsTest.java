package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics}: scraped from the jar after mail, a failed AUTH and with a connection open;
 * and of an in-process MTA, whose queue gauge counts the mail it recovers from the spool.
 */
class MetricsTest {

  private static final Duration SETTLE = Duration.ofSeconds(10);

  @TempDir
  Path dir;
  private Vertx vertx;

  @AfterEach
  void stop() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void theJarCountsMailConnectionsAuthFailuresAndDelays() throws Exception {
    try (MtaProcess mta = MtaProcess.start(dir, MtaProcess.allListeners(), MtaProcess.DEFAULT_JVM_OPTIONS)) {
      String id;
      try (TestSmtpClient c = mta.connect()) {
        assertThat(c.command("EHLO client.example.org").code()).isEqualTo(250);
        assertThat(c.command("MAIL FROM:<sender@example.org>").code()).isEqualTo(250);
        assertThat(c.command("RCPT TO:<alice@example.test>").code()).isEqualTo(250);
        assertThat(c.command("DATA").code()).isEqualTo(354);
        String reply = c.command("Subject: metrics\r\n\r\ncounted\r\n.").last();
        assertThat(reply).startsWith("250 ");
        id = reply.substring(reply.lastIndexOf(' ') + 1).trim();
        assertThat(c.command("QUIT").code()).isEqualTo(221);
      }
      mta.awaitLog(SETTLE, id + ": removed");
      try (TestSmtpClient c = mta.connect("smtps")) {
        assertThat(c.command("EHLO client.example.org").code()).isEqualTo(250);
        String wrong = Base64.getEncoder().encodeToString("\0alice@example.test\0wrong".getBytes(StandardCharsets.UTF_8));
        assertThat(c.command("AUTH PLAIN " + wrong).code()).isEqualTo(535);
        assertThat(c.command("QUIT").code()).isEqualTo(221);
      }
      try (TestSmtpClient held = mta.connect("submission")) {
        // Counted down before the server logs the disconnect.
        mta.awaitLogs(2, SETTLE, "disconnect from [127.0.0.1]");
        ManagementHttp.Response response = ManagementHttp.get(mta.managementPort(), "/metrics");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/plain; version=0.0.4");
        Map<String, String> samples = ManagementHttp.scrapeUntil(mta.managementPort(),
            s -> "1.0".equals(s.get("vmta_messages_delivered_total")), SETTLE);
        assertThat(samples).as(response.body())
            .containsEntry("vmta_messages_received_total", "1.0")
            .containsEntry("vmta_messages_delivered_total", "1.0")
            .containsEntry("vmta_messages_deferred_total", "0.0")
            .containsEntry("vmta_messages_bounced_total", "0.0")
            .containsEntry("vmta_queue_size", "0.0")
            .containsEntry("vmta_delivery_delay_seconds_count{outcome=\"sent\"}", "1")
            .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"sent\",le=\"432000.0\"}", "1")
            .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"sent\",le=\"+Inf\"}", "1")
            .containsEntry("vmta_delivery_delay_seconds_count{outcome=\"bounced\"}", "0")
            .containsEntry("vmta_auth_failures_total{mode=\"smtps\"}", "1.0")
            .containsEntry("vmta_auth_failures_total{mode=\"submission\"}", "0.0")
            .containsEntry("vmta_auth_failures_total{mode=\"mx\"}", "0.0")
            .containsEntry("vmta_smtp_connections{mode=\"submission\"}", "1.0")
            .containsEntry("vmta_smtp_connections{mode=\"mx\"}", "0.0")
            .containsEntry("vmta_smtp_connections{mode=\"smtps\"}", "0.0")
            .containsEntry("vmta_smtp_connections_refused_total{mode=\"mx\"}", "0.0");
        // The jar turns Vert.x's own metrics on, into the same registry.
        assertThat(samples.keySet()).anyMatch(k -> k.startsWith("vertx_"));
      }
    }
  }

  @Test
  void oneLocalDeliveryIsCountedWithoutVertxMetrics() throws Exception {
    vertx = Vertx.vertx();
    BlockingQueue<JsonObject> events = events();
    MtaVerticle mta = new MtaVerticle(options(), 1);
    await(vertx.deployVerticle(mta));

    String id;
    try (TestSmtpClient c = new TestSmtpClient("127.0.0.1", mta.boundListeners().get(0).getPort())) {
      assertThat(c.read().code()).isEqualTo(220);
      assertThat(c.command("EHLO client.example.org").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<sender@example.org>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<alice@example.test>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String reply = c.command("Subject: metrics\r\n\r\ncounted\r\n.").last();
      assertThat(reply).startsWith("250");
      id = reply.substring(reply.lastIndexOf(' ') + 1).trim();
    }
    awaitEvent(events, "removed", id);

    Map<String, String> samples = ManagementHttp.scrapeUntil(mta.managementPort(),
        s -> "1.0".equals(s.get("vmta_messages_delivered_total")), SETTLE);
    assertThat(samples)
        .containsEntry("vmta_messages_received_total", "1.0")
        .containsEntry("vmta_messages_delivered_total", "1.0")
        .containsEntry("vmta_queue_size", "0.0")
        .containsEntry("vmta_delivery_delay_seconds_count{outcome=\"sent\"}", "1")
        .containsEntry("vmta_smtp_connections{mode=\"mx\"}", "0.0");
  }

  @Test
  void aMessageRecoveredFromTheSpoolIsInTheQueueGauge() throws Exception {
    Path dataDir = dir.resolve("data");
    // alice's Maildir is a plain file: every attempt defers, and the next one is 30 minutes away.
    Files.createDirectories(dataDir.resolve("mail/example.test"));
    Files.writeString(dataDir.resolve("mail/example.test/alice"), "not a directory");
    vertx = Vertx.vertx();
    BlockingQueue<JsonObject> events = events();
    String first = await(vertx.deployVerticle(new MtaVerticle(options(), 1)));
    Envelope envelope = new Envelope(QueueId.next(), "sender@example.org", List.of("alice@example.test"), false,
        "7BIT", "127.0.0.1", "client.example.org", null, Instant.now());
    String id = await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(envelope, Buffer.buffer("Subject: held\r\n\r\nx\r\n")))).body();
    awaitEvent(events, "deferred", id);
    await(vertx.undeploy(first));

    MtaVerticle again = new MtaVerticle(options(), 1);
    await(vertx.deployVerticle(again));
    Map<String, String> samples = ManagementHttp.scrape(again.managementPort());
    assertThat(samples).containsEntry("vmta_queue_size", "1.0")
        .containsEntry("vmta_messages_received_total", "0.0");
  }

  private MtaOptions options() throws Exception {
    Path users = dir.resolve("users.txt");
    if (!Files.exists(users)) {
      Files.writeString(users, "alice@example.test:" + PasswordHashes.hash("secret") + "\n");
    }
    return new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dir.resolve("data").toString())
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", users.toString())
        .put("management", new JsonObject().put("port", 0))
        .put("relay", new JsonObject().put("retry", new JsonObject().put("initialDelay", "30m"))));
  }

  private BlockingQueue<JsonObject> events() {
    BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    await(vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body())).completion());
    return events;
  }

  private static void awaitEvent(BlockingQueue<JsonObject> events, String type, String id) throws InterruptedException {
    while (true) {
      JsonObject e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as(type + " event of " + id).isNotNull();
      if (type.equals(e.getString("event")) && id.equals(e.getString("id"))) {
        return;
      }
    }
  }

  private static <T> T await(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }
}
