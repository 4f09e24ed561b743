package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics} of an in-process MTA after one message delivered to a local user. */
class MetricsTest {

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
  void oneLocalDeliveryIsCounted() throws Exception {
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "alice@example.test:" + PasswordHashes.hash("secret") + "\n");
    MtaOptions options = new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dir.resolve("data").toString())
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", users.toString())
        .put("management", new JsonObject().put("port", 0)));
    vertx = Vertx.vertx();
    BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    await(vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body())).completion());
    MtaVerticle mta = new MtaVerticle(options, 1);
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
    while (true) {
      JsonObject e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("removed event of " + id).isNotNull();
      if ("removed".equals(e.getString("event")) && id.equals(e.getString("id"))) {
        break;
      }
    }

    HttpClient http = vertx.createHttpClient();
    String[] contentType = new String[1];
    String text = await(http.request(HttpMethod.GET, mta.managementPort(), "127.0.0.1", "/metrics")
        .compose(req -> req.send().compose(resp -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          contentType[0] = resp.getHeader("Content-Type");
          return resp.body();
        }))).toString();
    assertThat(contentType[0]).startsWith("text/plain; version=0.0.4");
    Map<String, String> samples = samples(text);
    assertThat(samples).as(text)
        .containsEntry("vmta_messages_received_total", "1.0")
        .containsEntry("vmta_messages_delivered_total", "1.0")
        .containsEntry("vmta_messages_deferred_total", "0.0")
        .containsEntry("vmta_messages_bounced_total", "0.0")
        .containsEntry("vmta_queue_size", "0.0");
  }

  /** Sample name (labels dropped) to value, from the Prometheus text format. */
  private static Map<String, String> samples(String text) {
    Map<String, String> out = new HashMap<>();
    for (String line : text.split("\n")) {
      line = line.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = (brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space)).trim();
      out.put(name, line.substring(space + 1).trim());
    }
    return out;
  }

  private static <T> T await(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }
}
