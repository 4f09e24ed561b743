package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.ClusterStart;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clustered nodes in this JVM: A has only the SMTP server, B only the queue and delivery. Mail
 * accepted by A is spooled and delivered by B; with B gone A answers 451 and keeps nothing (and its
 * health says the queue is down); mail B acknowledged before it went away is delivered once it is
 * back on the same data directory. Both nodes have the management endpoint, with what they run.
 */
class ClusterTest {

  @TempDir
  Path dir;
  private final List<Vertx> nodes = new ArrayList<>();
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : nodes) {
      await(v.close());
    }
  }

  @Test
  void serverAndRelayOnTwoNodes() throws Exception {
    String hash = PasswordHashes.hash("secret");
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "alice@example.test:" + hash + "\nbob@example.test:" + hash + "\n");
    // Hazelcast members must name each other's concrete ports up front, so free ports are probed
    // here (bind to 0, close, reuse the number): a small race with other processes, acceptable in a test.
    int portA = freePort();
    int portB = freePort();
    Path dataA = dir.resolve("a");
    Path dataB = dir.resolve("b");
    MtaOptions a = options(dataA, users, "server", portA, portB);
    MtaOptions b = options(dataB, users, "relay", portB, portA);

    long t0 = System.nanoTime();
    Vertx vertxA = node(ClusterStart.vertx(a.getCluster()));
    Vertx vertxB = node(ClusterStart.vertx(b.getCluster()));
    System.out.printf("cluster of two formed in %d ms%n", ms(t0));
    MessageConsumer<JsonObject> consumer = vertxA.eventBus().consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
    await(consumer.completion());
    MtaVerticle server = new MtaVerticle(a, 1);
    await(vertxA.deployVerticle(server));
    int smtpPort = server.boundListeners().get(0).getPort();
    MtaVerticle relay = new MtaVerticle(b, 1);
    String relayB = await(vertxB.deployVerticle(relay));
    JsonObject listenersB = new JsonObject(Files.readString(dataB.resolve("listeners.json")));
    assertThat(listenersB.getJsonArray("listeners")).isEmpty();
    assertThat(listenersB.getJsonObject("management").getInteger("port")).isEqualTo(relay.managementPort());
    assertThat(new JsonObject(Files.readString(dataA.resolve("listeners.json"))).getJsonObject("management")
        .getInteger("port")).isEqualTo(server.managementPort());
    assertThat(dataA.resolve("spool")).doesNotExist();

    // 0. Management on both: A's health asks B's queue across the cluster; A has no /queue of its own.
    ManagementHttp.Response healthA = ManagementHttp.get(server.managementPort(), "/health");
    assertThat(healthA.status()).isEqualTo(200);
    assertThat(healthA.json()).isEqualTo(new JsonObject().put("status", "UP").put("listeners", "UP").put("queue", "UP"));
    assertThat(ManagementHttp.get(relay.managementPort(), "/health").json())
        .isEqualTo(new JsonObject().put("status", "UP").put("queue", "UP"));
    ManagementHttp.Response queueA = ManagementHttp.get(server.managementPort(), "/queue");
    assertThat(queueA.status()).isEqualTo(503);
    assertThat(queueA.json().getString("error")).isEqualTo("no queue on this node");
    assertThat(ManagementHttp.get(relay.managementPort(), "/queue").status()).isEqualTo(200);
    assertThat(ManagementHttp.scrape(server.managementPort()))
        .containsEntry("vmta_smtp_connections{mode=\"mx\"}", "0.0")
        .containsEntry("vmta_auth_failures_total{mode=\"mx\"}", "0.0")
        .doesNotContainKey("vmta_queue_size");
    assertThat(ManagementHttp.scrape(relay.managementPort())).containsEntry("vmta_queue_size", "0.0")
        .doesNotContainKey("vmta_smtp_connections{mode=\"mx\"}");

    // 1. Accepted by A, spooled and delivered by B.
    String first = "first-" + UUID.randomUUID();
    assertThat(send(smtpPort, "alice@example.test", first)).startsWith("250 ");
    Maildirs.awaitContaining(Maildirs.newDir(dataB, "alice@example.test"), first, Maildirs.DELIVERY_TIMEOUT);
    assertThat(Maildirs.allMail(dataA)).isEmpty();

    // 2. B cannot deliver to bob yet (a plain file where his Maildir belongs), but acknowledges the message.
    Path bobBox = dataB.resolve("mail").resolve("example.test").resolve("bob");
    Files.createDirectories(bobBox.getParent());
    Files.writeString(bobBox, "not a directory");
    String second = "second-" + UUID.randomUUID();
    String reply = send(smtpPort, "bob@example.test", second);
    assertThat(reply).startsWith("250 ");
    String secondId = queueId(reply);

    // 3. B goes away: A must refuse with 451 4.3.0 (NO_HANDLERS at once, else the 3 s queue timeout).
    await(vertxB.undeploy(relayB));
    long t1 = System.nanoTime();
    String third = "third-" + UUID.randomUUID();
    assertThat(send(smtpPort, "alice@example.test", third)).startsWith("451 4.3.0");
    System.out.printf("451 without a queue node after %d ms%n", ms(t1));
    ManagementHttp.Response noQueue = ManagementHttp.get(server.managementPort(), "/health");
    assertThat(noQueue.status()).isEqualTo(503);
    assertThat(noQueue.json()).isEqualTo(new JsonObject().put("status", "DOWN").put("listeners", "UP").put("queue", "DOWN"));

    // 4. B is back on the same data directory: what it acknowledged before is delivered.
    Files.delete(bobBox);
    await(vertxB.deployVerticle(new MtaVerticle(b, 1)));
    Maildirs.awaitContaining(Maildirs.newDir(dataB, "bob@example.test"), second, Maildirs.DELIVERY_TIMEOUT);
    awaitEvent("removed", secondId);
    assertThat(Maildirs.containing(Maildirs.allMail(dataB), third)).as("the refused message").isEmpty();
  }

  private MtaOptions options(Path dataDir, Path users, String role, int port, int member) {
    return new MtaOptions(new JsonObject()
        .put("hostname", role + ".example.test")
        .put("dataDir", dataDir.toString())
        .put("management", new JsonObject().put("port", 0))
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", users.toString())
        .put("limits", new JsonObject().put("commandTimeout", "3s"))
        .put("relay", new JsonObject().put("retry", new JsonObject().put("initialDelay", "1s")))
        .put("cluster", new JsonObject().put("enabled", true).put("roles", new JsonArray().add(role))
            .put("host", "127.0.0.1").put("port", port).put("members", new JsonArray().add("127.0.0.1:" + member))));
  }

  private Vertx node(Future<Vertx> started) throws Exception {
    Vertx vertx = await(started);
    nodes.add(vertx);
    return vertx;
  }

  /** One message to {@code rcpt} with {@code marker} in its subject; the reply to the end of DATA. */
  private static String send(int port, String rcpt, String marker) throws Exception {
    try (TestSmtpClient c = new TestSmtpClient("127.0.0.1", port)) {
      assertThat(c.read().code()).isEqualTo(220);
      assertThat(c.command("EHLO client.example.org").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<sender@example.org>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<" + rcpt + ">").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      return c.command("Subject: " + marker + "\r\n\r\nacross the cluster\r\n.").last();
    }
  }

  /** The queue id in "250 2.0.0 Ok: queued as ID". */
  private static String queueId(String reply) {
    return reply.substring(reply.lastIndexOf(' ') + 1).trim();
  }

  private void awaitEvent(String event, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Maildirs.DELIVERY_TIMEOUT.toNanos();
    while (true) {
      JsonObject e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertThat(e).as("event %s for %s", event, id).isNotNull();
      if (event.equals(e.getString("event")) && id.equals(e.getString("id"))) {
        return;
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private static long ms(long since) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
