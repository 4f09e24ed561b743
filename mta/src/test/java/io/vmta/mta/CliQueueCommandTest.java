package io.vmta.mta;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.config.ManagementOptions;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.relay.QueueOptions;
import io.vmta.smtp.relay.QueueVerticle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code queue} commands against a real queue and management endpoint in this JVM, over a
 * real socket: bob's Maildir is a regular file, so that mail to him is deferred until the test
 * removes it. The command runs on the test thread (it blocks); the servers on their event loops.
 */
class CliQueueCommandTest {

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private Path blocker;
  private String url;
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
    Files.createDirectories(dataDir.resolve("mail/example.test"));
    blocker = dataDir.resolve("mail/example.test/bob");
    Files.writeString(blocker, "not a directory");
    await(vertx.deployVerticle(new QueueVerticle(new QueueOptions()
        .setDataDir(dataDir.toString())
        .setDomains(List.of("example.test"))
        .setLocalUsers(List.of("alice@example.test", "bob@example.test"))
        // No retry comes by itself during a test: only those the commands ask for.
        .setInitialDelay(java.time.Duration.ofMinutes(10)))));
    url = "http://127.0.0.1:" + deployManagement(vertx, new ManagementOptions().setPort(0));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private static int deployManagement(Vertx on, ManagementOptions options) {
    ManagementVerticle management = new ManagementVerticle(options);
    await(on.deployVerticle(management));
    return management.actualPort();
  }

  /** Submits alice -> bob and waits until its first attempt was deferred. */
  private String deferred() throws InterruptedException {
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of("bob@example.test"), false,
        "7BIT", "127.0.0.1", "client.example.org", "alice@example.test", Instant.now());
    String id = await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(envelope, Buffer.buffer("Subject: held\r\n\r\nx\r\n")))).body();
    awaitEvent("deferred", id);
    return id;
  }

  private void awaitEvent(String type, String id) throws InterruptedException {
    while (true) {
      JsonObject e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("event " + type + " of " + id).isNotNull();
      if (e.getString("event").equals(type) && id.equals(e.getString("id"))) {
        return;
      }
    }
  }

  private long newMail(String user) throws Exception {
    Path dir = dataDir.resolve("mail/example.test").resolve(user).resolve("new");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  /** A command that must succeed; returns its standard output. */
  private static String ok(CliRunner.Result r) {
    assertThat(r.status()).as(r.printed()).isZero();
    assertThat(r.err()).as(r.printed()).isEmpty();
    return r.out();
  }

  /** A command that must fail at run time (status 1) with one line; returns it. */
  private static String failed(CliRunner.Result r) {
    assertThat(r.status()).as(r.printed()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).as(r.printed()).hasSize(1);
    return r.err().strip();
  }

  @Test
  void listShowsTheDeferredMessageAndRetryDeliversItOnceTheMaildirIsBack() throws Exception {
    String id = deferred();
    String list = ok(CliRunner.run("queue", "list", "--url", url));
    assertThat(list).startsWith(id + "  ").contains("  alice@example.test\n")
        .contains("\n  attempts: 1, next attempt: ").contains("\n  bob@example.test\n")
        .endsWith("\n-- 1 message\n");
    assertThat(ok(CliRunner.run("queue", "show", id, "--url", url)))
        .startsWith(id + "  ").contains("\n  bob@example.test\n").doesNotContain("-- ");
    JsonObject json = new JsonObject(ok(CliRunner.run("queue", "list", "--json", "--url", url)));
    assertThat(json.getInteger("total")).isEqualTo(1);
    assertThat(json.getJsonArray("messages").getJsonObject(0).getString("id")).isEqualTo(id);

    Files.delete(blocker);
    assertThat(ok(CliRunner.run("queue", "retry", id, "--url", url))).isEqualTo(id + ": an attempt is scheduled now\n");
    awaitEvent("removed", id);
    assertThat(newMail("bob")).isEqualTo(1);
    assertThat(ok(CliRunner.run("queue", "list", "--url", url))).isEqualTo("-- 0 messages\n");
    assertThat(failed(CliRunner.run("queue", "show", id, "--url", url))).isEqualTo("vmta: no such message: " + id);
  }

  @Test
  void flushAttemptsEveryMessageAndDeleteRemovesOne() throws Exception {
    String first = deferred();
    String second = deferred();
    assertThat(ok(CliRunner.run("queue", "list", "--limit", "1", "--url", url)))
        .contains(first).doesNotContain(second)
        .endsWith("-- 2 messages, 1 shown from offset 0 (--offset and --limit for more)\n");
    assertThat(ok(CliRunner.run("queue", "list", "--offset", "1", "--url", url)))
        .contains(second).doesNotContain(first);

    assertThat(ok(CliRunner.run("queue", "flush", "--url", url))).isEqualTo("an attempt is scheduled now for 2 messages\n");
    awaitEvent("deferred", first);
    assertThat(ok(CliRunner.run("queue", "show", first, "--url", url))).contains("attempts: 2");

    assertThat(ok(CliRunner.run("queue", "delete", first, "--discard", "--url", url)))
        .isEqualTo(first + ": deleted without a bounce\n");
    assertThat(ok(CliRunner.run("queue", "delete", second, "--url", url)))
        .isEqualTo(second + ": deleted; its pending recipients are bounced to the sender\n");
    assertThat(ok(CliRunner.run("queue", "list", "--url", url))).doesNotContain(first).doesNotContain(second);
    assertThat(failed(CliRunner.run("queue", "delete", first, "--url", url))).isEqualTo("vmta: no such message: " + first);
    assertThat(failed(CliRunner.run("queue", "retry", "NOSUCHID", "--url", url))).isEqualTo("vmta: no such message: NOSUCHID");
  }

  @Test
  void configNamesTheEndpointWithTheBoundPortFromListenersJson() throws Exception {
    String id = deferred();
    int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    Path config = dataDir.resolve("mta.json");
    Files.writeString(config, new JsonObject().put("dataDir", dataDir.toString())
        .put("management", new JsonObject().put("port", 0)).encode());
    // Before the MTA has written listeners.json, port 0 says nothing about where it listens.
    assertThat(failed(CliRunner.run("queue", "list", "--config", config.toString())))
        .contains("management.port is 0 and " + dataDir.resolve("listeners.json") + " names no bound port");
    // What MtaVerticle writes once it is up; a wildcard host is reached on loopback.
    Files.writeString(dataDir.resolve("listeners.json"), new JsonObject().put("listeners", new io.vertx.core.json.JsonArray())
        .put("management", new JsonObject().put("host", "0.0.0.0").put("port", port)).encode());
    assertThat(ok(CliRunner.run("queue", "list", "--config", config.toString()))).contains(id);
    // --url wins over --config.
    assertThat(failed(CliRunner.run("queue", "list", "--config", config.toString(), "--url", "http://127.0.0.1:1")))
        .startsWith("vmta: cannot reach the management endpoint at http://127.0.0.1:1: ");
    // A bad configuration is status 2, as for run.
    Files.writeString(config, "{\"management\": {\"port\": \"x\"}}");
    CliRunner.Result bad = CliRunner.run("queue", "list", "--config", config.toString());
    assertThat(bad.status()).as(bad.printed()).isEqualTo(2);
    assertThat(bad.err()).contains("management.port");
  }

  @Test
  void offLoopbackTheTokenComesFromAFileTheEnvironmentOrTheConfigurationAndIsNeverPrinted() throws Exception {
    String id = deferred();
    int port = deployManagement(vertx, new ManagementOptions().setHost("0.0.0.0").setPort(0).setToken("s3cret"));
    String open = "http://127.0.0.1:" + port;
    Path right = dataDir.resolve("token");
    Files.writeString(right, "s3cret\n");
    Path config = dataDir.resolve("mta.json");
    Files.writeString(config, new JsonObject().put("dataDir", dataDir.resolve("elsewhere").toString())
        .put("management", new JsonObject().put("host", "0.0.0.0").put("port", port).put("token", "s3cret")).encode());

    assertThat(failed(CliRunner.run("queue", "list", "--url", open)))
        .isEqualTo("vmta: the management endpoint at " + open + " needs a token (401): give it with --token-file FILE"
            + " or VMTA_MANAGEMENT_TOKEN");
    CliRunner.Result wrong = CliRunner.run(Map.of("VMTA_MANAGEMENT_TOKEN", "wr0ng"), "queue", "list", "--url", open);
    assertThat(failed(wrong)).isEqualTo("vmta: the management endpoint at " + open + " refused the token (401)");
    assertThat(wrong.err()).doesNotContain("wr0ng");

    assertThat(ok(CliRunner.run("queue", "list", "--url", open, "--token-file", right.toString()))).contains(id);
    assertThat(ok(CliRunner.run(Map.of("VMTA_MANAGEMENT_TOKEN", "s3cret"), "queue", "show", id, "--url", open)))
        .contains(id).doesNotContain("s3cret");
    assertThat(ok(CliRunner.run("queue", "list", "--config", config.toString()))).contains(id);
    // The file wins over the environment, the environment over the configuration.
    assertThat(ok(CliRunner.run(Map.of("VMTA_MANAGEMENT_TOKEN", "wr0ng"), "queue", "list", "--url", open,
        "--token-file", right.toString()))).contains(id);
    assertThat(failed(CliRunner.run(Map.of("VMTA_MANAGEMENT_TOKEN", "wr0ng"), "queue", "list",
        "--config", config.toString()))).contains("refused the token (401)");
  }

  @Test
  void anEndpointThatIsGoneIsARuntimeFailure() {
    Vertx other = Vertx.vertx();
    int port;
    try {
      port = deployManagement(other, new ManagementOptions().setPort(0));
      // No queue on that Vert.x: the endpoint answers, the queue does not.
      assertThat(failed(CliRunner.run("queue", "list", "--url", "http://127.0.0.1:" + port)))
          .isEqualTo("vmta: the queue is unavailable at http://127.0.0.1:" + port + " (503: queue unavailable)");
    } finally {
      await(other.close());
    }
    assertThat(failed(CliRunner.run("queue", "flush", "--url", "http://127.0.0.1:" + port)))
        .isEqualTo("vmta: cannot reach the management endpoint at http://127.0.0.1:" + port + ": connection refused");
  }

  @Test
  void otherAnswersAreOneLineAndRequestsAreWhatTheEndpointExpects() {
    List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<String, Object[]> script = Map.of(
        "/queue/BUSY", new Object[] {409, "{\"error\":\"delivery in progress\"}"},
        "/queue/a%2Fb%20c", new Object[] {500, "{\"error\":\"boom\"}"},
        "/queue", new Object[] {200, "<html>not json</html>"},
        "/queue/flush", new Object[] {404, "{\"error\":\"not found\"}"});
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
      requests.add(req.method() + " " + req.uri() + " " + req.getHeader("Authorization"));
      Object[] answer = script.getOrDefault(req.path(), new Object[] {418, ""});
      req.response().setStatusCode((Integer) answer[0]).end((String) answer[1]);
    }).listen(0, "127.0.0.1"));
    String fake = "http://127.0.0.1:" + server.actualPort();
    Map<String, String> env = Map.of("VMTA_MANAGEMENT_TOKEN", "tok");

    assertThat(failed(CliRunner.run(env, "queue", "delete", "BUSY", "--discard", "--url", fake)))
        .isEqualTo("vmta: BUSY: an attempt is under way; try again in a moment (409)");
    assertThat(failed(CliRunner.run(env, "queue", "show", "a/b c", "--url", fake + "/")))
        .isEqualTo("vmta: the management endpoint at " + fake + " answered 500: boom");
    assertThat(failed(CliRunner.run(env, "queue", "list", "--url", fake)))
        .isEqualTo("vmta: unexpected answer from " + fake + ": not a JSON object");
    assertThat(failed(CliRunner.run(env, "queue", "flush", "--url", fake)))
        .isEqualTo("vmta: nothing at " + fake + " (404): is it a vmta management endpoint?");
    assertThat(requests).containsExactly(
        "DELETE /queue/BUSY?discard=true Bearer tok",
        "GET /queue/a%2Fb%20c Bearer tok",
        "GET /queue Bearer tok",
        "POST /queue/flush Bearer tok");
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
