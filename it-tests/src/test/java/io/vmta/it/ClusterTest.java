package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vmta.mta.ClusterStart;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.server.impl.QueueNodes;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.vmta.it.ClusterTesting.await;
import static io.vmta.it.ClusterTesting.awaitEvent;
import static io.vmta.it.ClusterTesting.blockMailbox;
import static io.vmta.it.ClusterTesting.freePort;
import static io.vmta.it.ClusterTesting.inData;
import static io.vmta.it.ClusterTesting.ms;
import static io.vmta.it.ClusterTesting.queueId;
import static io.vmta.it.ClusterTesting.send;
import static io.vmta.it.ClusterTesting.sendUntilQueued;
import static io.vmta.it.ClusterTesting.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clustered nodes in this JVM: A has only the SMTP server, B only the queue and delivery. Mail
 * accepted by A is spooled and delivered by B, and B's events reach A; with B gone A answers 451
 * and keeps nothing; mail B acknowledged before it went away is delivered once it is back on the
 * same data directory, whether as a redeployed verticle or as a new Vert.x that joins later; a B
 * that leaves while holding A's message makes A answer 451 at once, not after the queue timeout.
 * Each test forms its own cluster; joins take under a second because the it-tests' surefire
 * configuration sets {@code hazelcast.wait.seconds.before.join=0}.
 */
class ClusterTest {

  private static final Logger log = LoggerFactory.getLogger(ClusterTest.class);

  /** One certificate for every node of every test: generating one per node costs seconds on a busy machine. */
  private static SelfSignedCertificate certificate;

  @TempDir
  Path dir;
  private Path users;
  private final List<Vertx> nodes = new ArrayList<>();
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  @BeforeAll
  static void certificate() {
    certificate = SelfSignedCertificate.create("server.example.test");
  }

  @AfterAll
  static void deleteCertificate() {
    certificate.delete();
  }

  @BeforeEach
  void users() throws Exception {
    String hash = PasswordHashes.hash("secret");
    users = dir.resolve("users.txt");
    Files.writeString(users, "alice@example.test:" + hash + "\nbob@example.test:" + hash + "\n");
  }

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : nodes) {
      await(v.close());
    }
  }

  @Test
  void serverAndRelayOnTwoNodes() throws Exception {
    // Hazelcast members must name each other's concrete ports up front, so free ports are probed
    // here (bind to 0, close, reuse the number): a small race with other processes, acceptable in a test.
    int portA = freePort();
    int portB = freePort();
    Path dataA = dir.resolve("a");
    Path dataB = dir.resolve("b");
    MtaOptions a = options(dataA, "server", portA, portB, "3s");
    MtaOptions b = options(dataB, "relay", portB, portA, "3s");

    Vertx vertxA = node(a);
    Vertx vertxB = node(b);
    listenForEvents(vertxA);
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

    // 1. Accepted by A, spooled and delivered by B; B's events reach a consumer on A.
    String first = "first-" + UUID.randomUUID();
    String firstReply = send(smtpPort, "alice@example.test", first);
    assertThat(firstReply).startsWith("250 ");
    Maildirs.awaitContaining(Maildirs.newDir(dataB, "alice@example.test"), first, Maildirs.DELIVERY_TIMEOUT);
    assertThat(Maildirs.allMail(dataA)).isEmpty();
    assertThat(awaitEvent(events, "queued", queueId(firstReply)).getString("from")).isEqualTo("sender@example.org");
    assertThat(awaitEvent(events, "sent", queueId(firstReply)).getString("to")).isEqualTo("alice@example.test");

    // 2. B cannot deliver to bob yet (a plain file where his Maildir belongs), but acknowledges the message.
    Path bobBox = blockMailbox(dataB, "bob");
    String second = "second-" + UUID.randomUUID();
    String reply = send(smtpPort, "bob@example.test", second);
    assertThat(reply).startsWith("250 ");
    String secondId = queueId(reply);

    // 3. B goes away: A must refuse with 451 4.3.0 (NO_HANDLERS at once, else the 3 s queue timeout).
    await(vertxB.undeploy(relayB));
    long t1 = System.nanoTime();
    String third = "third-" + UUID.randomUUID();
    assertThat(send(smtpPort, "alice@example.test", third)).startsWith("451 4.3.0");
    log.info("451 without a queue verticle after {} ms", ms(t1));
    ManagementHttp.Response noQueue = ManagementHttp.get(server.managementPort(), "/health");
    assertThat(noQueue.status()).isEqualTo(503);
    assertThat(noQueue.json()).isEqualTo(new JsonObject().put("status", "DOWN").put("listeners", "UP").put("queue", "DOWN"));

    // 4. B is back on the same data directory: what it acknowledged before is delivered.
    Files.delete(bobBox);
    await(vertxB.deployVerticle(new MtaVerticle(b, 1)));
    Maildirs.awaitContaining(Maildirs.newDir(dataB, "bob@example.test"), second, Maildirs.DELIVERY_TIMEOUT);
    awaitEvent(events, "removed", secondId);
    assertThat(Maildirs.containing(Maildirs.allMail(dataB), third)).as("the refused message").isEmpty();
  }

  @Test
  void relayNodeLeavesTheClusterAndANewOneJoins() throws Exception {
    int portA = freePort();
    int portB = freePort();
    Path dataA = dir.resolve("a");
    Path dataB = dir.resolve("b");
    MtaOptions a = options(dataA, "server", portA, portB, "30s");
    MtaOptions b = options(dataB, "relay", portB, portA, "30s");
    Vertx vertxA = node(a);
    Vertx vertxB = node(b);
    listenForEvents(vertxA);
    int smtpPort = deployServer(vertxA, a);
    await(vertxB.deployVerticle(new MtaVerticle(b, 1)));

    // Acknowledged by B, which cannot deliver it yet.
    Path bobBox = blockMailbox(dataB, "bob");
    String kept = "kept-" + UUID.randomUUID();
    String reply = send(smtpPort, "bob@example.test", kept);
    assertThat(reply).startsWith("250 ");
    String keptId = queueId(reply);
    awaitEvent(events, "deferred", keptId);

    // B's whole Vert.x leaves the cluster: no queue node, 451 at once.
    String oldB = QueueNodes.of(vertxB).orElseThrow().self();
    long t0 = System.nanoTime();
    await(vertxB.close());
    nodes.remove(vertxB);
    log.info("B left the cluster in {} ms", ms(t0));
    // A new member that joins while the master still lists B is handed B in the member list and
    // waits for B's heartbeat timeout (60 s) before it is in: as an operator restarting a node
    // would, start the new one once the old one is gone from the others' view.
    await(until(vertxA, () -> !QueueNodes.of(vertxA).orElseThrow().members().contains(oldB), Duration.ofSeconds(30)));
    log.info("B out of A's member list after {} ms", ms(t0));
    long t1 = System.nanoTime();
    String refused = "refused-" + UUID.randomUUID();
    assertThat(send(smtpPort, "alice@example.test", refused)).isEqualTo("451 4.3.0 Error: queue unavailable, try again later");
    log.info("451 with no queue node in the cluster after {} ms", ms(t1));

    // A new Vert.x with a relay-only node joins on B's data directory (another cluster port).
    Files.delete(bobBox);
    long t2 = System.nanoTime();
    MtaOptions b2 = options(dataB, "relay", freePort(), portA, "30s");
    Vertx vertxB2 = node(b2);
    await(vertxB2.deployVerticle(new MtaVerticle(b2, 1)));
    log.info("a new B joined and deployed its queue in {} ms", ms(t2));
    long t3 = System.nanoTime();
    String probe = sendUntilQueued(smtpPort, "alice@example.test", Duration.ofSeconds(30), new ArrayList<>());
    log.info("A queued on the new B after {} ms", ms(t3));
    Maildirs.awaitContaining(Maildirs.newDir(dataB, "alice@example.test"), probe, Maildirs.DELIVERY_TIMEOUT);

    // What the old B acknowledged is delivered by the new one, once.
    Maildirs.awaitContaining(Maildirs.newDir(dataB, "bob@example.test"), kept, Maildirs.DELIVERY_TIMEOUT);
    awaitEvent(events, "removed", keptId);
    assertThat(Maildirs.containing(Maildirs.files(Maildirs.newDir(dataB, "bob@example.test")), kept)).hasSize(1);
    assertThat(Maildirs.containing(Maildirs.allMail(dataB), refused)).as("the refused message").isEmpty();
    assertThat(dataA.resolve("spool")).doesNotExist();
  }

  @Test
  void queueNodeLeavesWhileHoldingAMessage() throws Exception {
    int portA = freePort();
    int portB = freePort();
    Path dataA = dir.resolve("a");
    MtaOptions a = options(dataA, "server", portA, portB, "60s");
    MtaOptions b = options(dir.resolve("b"), "relay", portB, portA, "60s");
    Vertx vertxA = node(a);
    Vertx vertxB = node(b);
    int smtpPort = deployServer(vertxA, a);
    // B's "queue" takes the message and never answers, as one that dies before its fsync would. It
    // consumes the addresses QueueVerticle consumes in a cluster: the shared one and its node's own.
    QueuedMessageCodec.register(vertxB);
    BlockingQueue<String> held = new LinkedBlockingQueue<>();
    String nodeB = QueueNodes.of(vertxB).orElseThrow().self();
    for (String address : List.of(QueueAddresses.SUBMIT, QueueAddresses.submitOn(nodeB))) {
      MessageConsumer<QueuedMessage> blackHole = vertxB.eventBus()
          .consumer(address, m -> held.add(m.body().envelope().id()));
      await(blackHole.completion());
    }

    try (TestSmtpClient c = inData(smtpPort, "alice@example.test")) {
      c.send("Subject: held\r\n\r\nheld by a node that leaves\r\n.\r\n");
      assertThat(held.poll(30, TimeUnit.SECONDS)).as("the message reached B").isNotNull();

      long t0 = System.nanoTime();
      Future<Void> closing = vertxB.close();
      TestSmtpClient.Reply reply = c.read();
      long waited = ms(t0);
      log.info("451 after the queue node left holding the message: {} ms (queue timeout 60 s)", waited);
      assertThat(reply.last()).startsWith("451 4.3.0");
      assertThat(waited).as("ms until 451, far below the 60 s queue timeout").isLessThan(10_000);
      await(closing);
      nodes.remove(vertxB);

      // The connection stays usable: the next transaction is refused the same way, no queue being left.
      assertThat(c.command("NOOP").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<sender@example.org>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<alice@example.test>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      assertThat(c.command("Subject: again\r\n\r\nno queue now\r\n.").last()).startsWith("451 4.3.0");
      assertThat(c.command("QUIT").code()).isEqualTo(221);
    }
    assertThat(dataA.resolve("spool")).doesNotExist();
    assertThat(Maildirs.allMail(dataA)).isEmpty();
  }

  private MtaOptions options(Path dataDir, String role, int port, int member, String queueTimeout) {
    return new MtaOptions(new JsonObject()
        .put("hostname", role + ".example.test")
        .put("dataDir", dataDir.toString())
        .put("management", new JsonObject().put("port", 0))
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", users.toString())
        .put("tls", new JsonObject().put("certPath", certificate.certificatePath()).put("keyPath", certificate.privateKeyPath()))
        .put("limits", new JsonObject().put("queueTimeout", queueTimeout))
        .put("relay", new JsonObject().put("retry", new JsonObject().put("initialDelay", "1s")))
        .put("cluster", new JsonObject().put("enabled", true).put("roles", new JsonArray().add(role))
            .put("host", "127.0.0.1").put("port", port).put("members", new JsonArray().add("127.0.0.1:" + member))));
  }

  /** A clustered Vert.x for {@code options}, closed after the test. */
  private Vertx node(MtaOptions options) throws Exception {
    long t0 = System.nanoTime();
    Vertx vertx = await(ClusterStart.vertx(options.getCluster()));
    nodes.add(vertx);
    log.info("{} in the cluster after {} ms", options.getHostname(), ms(t0));
    return vertx;
  }

  private void listenForEvents(Vertx vertx) throws Exception {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
    await(consumer.completion());
  }

  /** Deploys a server-only MtaVerticle; its SMTP port. */
  private static int deployServer(Vertx vertx, MtaOptions options) throws Exception {
    MtaVerticle server = new MtaVerticle(options, 1);
    await(vertx.deployVerticle(server));
    return server.boundListeners().get(0).getPort();
  }
}
