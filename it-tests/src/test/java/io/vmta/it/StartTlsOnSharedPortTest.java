package io.vmta.it;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several server instances share one port, each connection landing on one of them in turn:
 * STARTTLS must work on every one (Vert.x 5.0.7 gave only the first instance a TLS context;
 * see VertxInternals.shareTlsContextManager in smtp-server).
 */
class StartTlsOnSharedPortTest {

  @TempDir
  Path dir;

  @Test
  void everyInstanceUpgrades() throws Exception {
    MtaOptions options = new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dir.resolve("data").toString())
        .put("management", new JsonObject().put("port", 0))
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test")));
    Vertx vertx = Vertx.vertx();
    try {
      MtaVerticle mta = new MtaVerticle(options, 3);
      vertx.deployVerticle(mta).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      int port = mta.boundListeners().get(0).getPort();
      for (int i = 0; i < 6; i++) {
        try (TestSmtpClient c = new TestSmtpClient("127.0.0.1", port)) {
          c.read();
          c.command("EHLO client.example.org");
          assertThat(c.command("STARTTLS").code()).as("connection %d", i).isEqualTo(220);
          c.upgrade();
          assertThat(c.command("EHLO client.example.org").code()).as("connection %d", i).isEqualTo(250);
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
