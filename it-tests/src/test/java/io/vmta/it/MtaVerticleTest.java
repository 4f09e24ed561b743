package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.DataDirInUseException;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The whole MTA in one Vert.x: how it stops, and limits of its configuration reaching the servers. */
class MtaVerticleTest {

  @TempDir
  Path dir;
  private Vertx vertx;

  @AfterEach
  void close() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private MtaOptions options(JsonObject limits) throws IOException {
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "alice@example.test:" + PasswordHashes.hash("secret") + "\n");
    return new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dir.resolve("data").toString())
        .put("listeners", new JsonArray()
            .add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx"))
            .add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "smtps")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", users.toString())
        .put("management", new JsonObject().put("port", 0))
        .put("limits", limits));
  }

  /**
   * Vert.x undeploys the MTA's parts all at once; the queue must outlive the servers so that a
   * message finished in the shutdown grace is still acknowledged, stored, and delivered later.
   */
  @Test
  void aMessageFinishedWhileStoppingIsQueuedAndDeliveredAfterRestart() throws Exception {
    MtaOptions options = options(new JsonObject().put("shutdownGrace", "30s"));
    vertx = Vertx.vertx();
    MtaVerticle mta = new MtaVerticle(options, 1);
    String id = await(vertx.deployVerticle(mta));
    int port = mta.boundListeners().get(0).getPort();
    try (TestSmtpClient idle = new TestSmtpClient("127.0.0.1", port);
         TestSmtpClient busy = new TestSmtpClient("127.0.0.1", port)) {
      idle.read();
      idle.command("EHLO client.example.org");
      busy.read();
      busy.command("EHLO client.example.org");
      busy.command("MAIL FROM:<a@example.org>");
      busy.command("RCPT TO:<alice@example.test>");
      assertThat(busy.command("DATA").code()).isEqualTo(354);
      busy.send("Subject: in flight\r\n\r\nfirst half\r\n");

      Future<Void> stopped = vertx.undeploy(id);
      // The stop is under way (the queue was told to stop at the same time as the servers).
      assertThat(idle.read().last()).startsWith("421 4.3.2 ");
      // The listener closes on the acceptor's event loop while the sessions hear 421 on theirs:
      // the port refuses connections soon after, not necessarily before the 421 arrives.
      assertThat(refusedWithin(port, Duration.ofSeconds(10))).as("new connections refused").isTrue();
      assertThat(busy.command("second half\r\n.").last()).startsWith("250 2.0.0 Ok: queued as ");
      assertThat(busy.read().last()).startsWith("421 4.3.2 ");
      await(stopped);
    }
    // The queue stopped before delivering it; a new MTA on the same data directory does.
    MtaVerticle again = new MtaVerticle(options, 1);
    await(vertx.deployVerticle(again));
    List<Path> delivered = Maildirs.await(Maildirs.newDir(dir.resolve("data"), "alice@example.test"), 1,
        Maildirs.DELIVERY_TIMEOUT);
    assertThat(Files.readString(delivered.get(0), StandardCharsets.UTF_8)).endsWith("first half\r\nsecond half\r\n");
  }

  /** Whether connecting to {@code port} fails within {@code time}, trying again at once while it succeeds. */
  private static boolean refusedWithin(int port, Duration time) {
    long deadline = System.nanoTime() + time.toNanos();
    while (System.nanoTime() - deadline < 0) {
      try {
        new Socket("127.0.0.1", port).close();
      } catch (IOException refused) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theAuthThrottleThresholdsComeFromTheLimits() throws Exception {
    vertx = Vertx.vertx();
    MtaVerticle mta = new MtaVerticle(options(new JsonObject().put("authSlowAfter", 1).put("authRefuseAfter", 1)), 1);
    await(vertx.deployVerticle(mta));
    int smtps = mta.boundListeners().get(1).getPort();
    String wrong = Base64.getEncoder().encodeToString("\0alice@example.test\0wrong".getBytes(StandardCharsets.UTF_8));
    try (TestSmtpClient client = TestSmtpClient.tls("127.0.0.1", smtps)) {
      client.read();
      client.command("EHLO client.example.org");
      assertThat(client.command("AUTH PLAIN " + wrong).last()).startsWith("535 5.7.8 ");
      // The default would allow 4 more failures before slowing down and 19 before refusing.
      assertThat(client.command("AUTH PLAIN " + wrong).last()).startsWith("454 4.7.0 ");
    }
  }

  @Test
  void aNodeWithoutTheServerRoleMakesNoCertificate() throws Exception {
    vertx = Vertx.vertx();
    MtaOptions relayOnly = new MtaOptions(options(new JsonObject()).toJson()
        .put("cluster", new JsonObject().put("roles", new JsonArray().add("relay"))));
    MtaVerticle mta = new MtaVerticle(relayOnly, 1);
    await(vertx.deployVerticle(mta));
    assertThat(mta.boundListeners()).isEmpty();
    assertThat(dir.resolve("data").resolve("tls")).doesNotExist();
    assertThat(dir.resolve("data").resolve("listeners.json")).exists();
  }

  @Test
  void anUnusableCertificateFailsTheDeploymentWithTheKeyNamed() throws Exception {
    vertx = Vertx.vertx();
    Path notPem = dir.resolve("cert.pem");
    Files.writeString(notPem, "not a certificate");
    MtaOptions options = new MtaOptions(options(new JsonObject()).toJson()
        .put("tls", new JsonObject().put("certPath", notPem.toString()).put("keyPath", notPem.toString())));
    Throwable failure = vertx.deployVerticle(new MtaVerticle(options, 1)).toCompletionStage().toCompletableFuture()
        .handle((id, e) -> e).get(60, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(io.vmta.smtp.core.config.ConfigException.class);
    assertThat(failure.getMessage()).startsWith("tls: cannot use the certificate and key");
  }

  @Test
  void aSecondMtaOnTheSameDataDirInThisJvmFailsToStartUntilTheFirstStops() throws Exception {
    vertx = Vertx.vertx();
    MtaOptions options = options(new JsonObject());
    String first = await(vertx.deployVerticle(new MtaVerticle(options, 1)));
    Path dataDir = Path.of(options.getDataDir());

    Throwable failure = failure(vertx.deployVerticle(new MtaVerticle(options, 1)));

    assertThat(failure).isInstanceOf(DataDirInUseException.class).hasMessage("data directory " + dataDir
        + " is in use by process " + ProcessHandle.current().pid() + " (" + dataDir.resolve("lock") + ")");
    await(vertx.undeploy(first));
    MtaVerticle again = new MtaVerticle(options, 1);
    await(vertx.deployVerticle(again));
    assertThat(again.boundListeners()).isNotEmpty();
  }

  @Test
  void aBusyPortFailsTheStartWithTheListenerNamedAndFreesTheDataDir() throws Exception {
    vertx = Vertx.vertx();
    try (ServerSocket held = new ServerSocket()) {
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      JsonObject json = options(new JsonObject()).toJson();
      json.getJsonArray("listeners").getJsonObject(1).put("port", held.getLocalPort());

      Throwable failure = failure(vertx.deployVerticle(new MtaVerticle(new MtaOptions(json), 1)));

      assertThat(failure).isInstanceOf(BindException.class)
          .hasMessage("cannot listen on 127.0.0.1:" + held.getLocalPort() + " (smtps): address already in use");
    }
    // The parts deployed before the failure are gone, the lock with them: a new start succeeds.
    MtaVerticle again = new MtaVerticle(options(new JsonObject()), 1);
    await(vertx.deployVerticle(again));
    assertThat(again.boundListeners()).hasSize(2);
  }

  @Test
  void aBusyManagementPortIsNamedToo() throws Exception {
    vertx = Vertx.vertx();
    try (ServerSocket held = new ServerSocket()) {
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      MtaOptions options = new MtaOptions(options(new JsonObject()).toJson()
          .put("management", new JsonObject().put("host", "127.0.0.1").put("port", held.getLocalPort())));

      Throwable failure = failure(vertx.deployVerticle(new MtaVerticle(options, 1)));

      assertThat(failure).isInstanceOf(BindException.class)
          .hasMessage("cannot listen on 127.0.0.1:" + held.getLocalPort() + " (management): address already in use");
    }
  }

  private static Throwable failure(Future<?> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().handle((id, e) -> e).get(60, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
