package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the whole MTA (server, queue and Maildir, deployed in this JVM) must refuse, over real
 * sockets. After each refusal, a good message to carol, a user no bad message is addressed to,
 * must be the next and only message the queue accepts and the only mail on disk: see
 * {@link #nothingButAGoodMessageIsAccepted()}.
 */
class RejectionsTest {

  private static final long MAX_SIZE = 10_000;

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static Path dataDir;
  private static int port;
  private static final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    String hash = PasswordHashes.hash("secret");
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "alice@example.test:" + hash + "\nbob@example.test:" + hash
        + "\ncarol@example.test:" + hash + "\n");
    dataDir = dir.resolve("data");
    MtaOptions options = new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dataDir.toString())
        .put("management", new JsonObject().put("port", 0))
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", users.toString())
        .put("limits", new JsonObject().put("maxMessageSize", MAX_SIZE))
        .put("relay", new JsonObject().put("retry", new JsonObject().put("initialDelay", "1s"))));
    vertx = Vertx.vertx();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
    await(consumer.completion());
    MtaVerticle mta = new MtaVerticle(options, 1);
    await(vertx.deployVerticle(mta));
    port = mta.boundListeners().get(0).getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @AfterEach
  void provedByAGoodMessage() throws Exception {
    nothingButAGoodMessageIsAccepted();
  }

  @Test
  void unknownLocalUser() throws Exception {
    try (TestSmtpClient c = connect()) {
      c.command("MAIL FROM:<sender@example.org>");
      assertThat(c.command("RCPT TO:<nobody@example.test>").last()).startsWith("550 5.1.1 ");
      assertThat(c.command("DATA").code()).isBetween(500, 599);
    }
  }

  @Test
  void relayForAnUnauthenticatedClient() throws Exception {
    try (TestSmtpClient c = connect()) {
      c.command("MAIL FROM:<sender@example.org>");
      assertThat(c.command("RCPT TO:<victim@elsewhere.example>").last()).startsWith("554 5.7.1 ");
      assertThat(c.command("DATA").code()).isBetween(500, 599);
    }
  }

  @Test
  void overlongCommandLines() throws Exception {
    try (TestSmtpClient c = connect()) {
      assertThat(c.command("MAIL FROM:<" + "a".repeat(600) + "@example.org>").last()).startsWith("500 5.5.2 ");
      c.command("MAIL FROM:<sender@example.org>");
      assertThat(c.command("RCPT TO:<alice@example.test> " + "X".repeat(600)).last()).startsWith("500 5.5.2 ");
      assertThat(c.command("DATA").code()).isBetween(500, 599);
    }
  }

  @Test
  void sizeDeclaredAtMailOverTheLimit() throws Exception {
    try (TestSmtpClient c = new TestSmtpClient("127.0.0.1", port)) {
      c.read();
      assertThat(c.command("EHLO client.example.org").lines()).contains("250-SIZE " + MAX_SIZE);
      assertThat(c.command("MAIL FROM:<sender@example.org> SIZE=" + (MAX_SIZE + 1)).last()).startsWith("552 5.3.4 ");
      assertThat(c.command("RCPT TO:<alice@example.test>").code()).isEqualTo(503);
    }
  }

  @Test
  void messageGrowingPastTheLimitWhileStreaming() throws Exception {
    try (TestSmtpClient c = connect()) {
      c.command("MAIL FROM:<sender@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      assertThat(c.command("DATA").code()).isEqualTo(354);
      assertThat(c.command("Subject: big\r\n\r\n" + ("x".repeat(98) + "\r\n").repeat(110) + ".").last())
          .startsWith("552 5.3.4 ");
    }
  }

  @ParameterizedTest(name = "false end {0}")
  @ValueSource(strings = {"\\n.\\n", "\\r.\\r", "\\r\\n.\\n", "\\n.\\r\\n", "\\r.\\r\\n", "\\r\\n.\\r",
      "\\r\\n\\0.\\r\\n", "\\r\\n.\\0\\r\\n"})
  void smugglingInData(String escaped) throws Exception {
    String falseEnd = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0");
    try (TestSmtpClient c = connect()) {
      c.command("MAIL FROM:<sender@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.send("Subject: first\r\n\r\nbody" + falseEnd
          + "MAIL FROM:<admin@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
          + "Subject: smuggled\r\n\r\nevil\r\n.\r\n");
      assertThat(c.read().last()).startsWith("554 5.6.0 ");
      assertThat(c.command("RCPT TO:<bob@example.test>").last()).startsWith("503 5.5.1 ");
    }
  }

  @Test
  void commandsPipelinedBehindStartTls() throws Exception {
    try (TestSmtpClient c = connect()) {
      c.send("STARTTLS\r\nMAIL FROM:<x@y>\r\n");
      assertThat(c.read().last()).startsWith("554 5.5.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void badAddressSyntax() throws Exception {
    try (TestSmtpClient c = connect()) {
      assertThat(c.command("MAIL FROM:<a@@b>").code()).isIn(501, 553);
      assertThat(c.command("RCPT TO:<alice@example.test>").code()).isEqualTo(503);
      c.command("MAIL FROM:<sender@example.org>");
      assertThat(c.command("RCPT TO:<alice@exa mple.test>").code()).isIn(501, 553);
      assertThat(c.command("DATA").code()).isBetween(500, 599);
    }
  }

  /**
   * The queue accepts messages on one event loop and publishes "queued" for each, in order. Every
   * bad transaction above was answered before the good message was sent, so had any of it been
   * accepted, its "queued" event would come before the good one's. Then, once the good message is
   * removed (delivered), the only mail on disk must be carol's.
   */
  private static void nothingButAGoodMessageIsAccepted() throws Exception {
    String subject = "good " + UUID.randomUUID();
    String id;
    try (TestSmtpClient c = connect()) {
      c.command("MAIL FROM:<sender@example.org>");
      assertThat(c.command("RCPT TO:<carol@example.test>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String reply = c.command("Subject: " + subject + "\r\n\r\ngood\r\n.").last();
      assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
      id = reply.substring("250 2.0.0 Ok: queued as ".length());
    }
    JsonObject queued = nextEvent(e -> "queued".equals(e.getString("event")));
    assertThat(queued.getString("id")).as("the first message queued since the bad one: %s", queued).isEqualTo(id);
    JsonObject removed = nextEvent(e -> "removed".equals(e.getString("event")));
    assertThat(removed.getString("id")).isEqualTo(id);
    assertThat(Maildirs.allMail(dataDir)).as("mail on disk")
        .allSatisfy(f -> assertThat(dataDir.resolve("mail").relativize(f).toString()).startsWith("example.test/carol/new/"))
        .anySatisfy(f -> assertThat(Files.readString(f)).contains(subject));
  }

  /** The next event matching {@code wanted}; events before it must be about queued messages only (nothing else is). */
  private static JsonObject nextEvent(java.util.function.Predicate<JsonObject> wanted) throws InterruptedException {
    while (true) {
      JsonObject e = events.poll(30, TimeUnit.SECONDS);
      assertThat(e).as("an event on " + QueueAddresses.EVENTS + " within 30 s").isNotNull();
      if (wanted.test(e)) {
        return e;
      }
      assertThat(e.getString("event")).as("event %s", e).isNotEqualTo("queued");
    }
  }

  private static TestSmtpClient connect() throws Exception {
    TestSmtpClient c = new TestSmtpClient("127.0.0.1", port);
    assertThat(c.read().code()).isEqualTo(220);
    assertThat(c.command("EHLO client.example.org").code()).isEqualTo(250);
    return c;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
