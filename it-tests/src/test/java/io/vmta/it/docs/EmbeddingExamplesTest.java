package io.vmta.it.docs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailMessage;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vmta.smtp.relay.MailSubmitter;
import io.vmta.smtp.relay.QueueOptions;
import io.vmta.smtp.relay.QueueVerticle;
import io.vmta.smtp.server.ListenerMode;
import io.vmta.smtp.server.ListenerOptions;
import io.vmta.smtp.server.SmtpServerOptions;
import io.vmta.smtp.server.SmtpServerVerticle;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of {@code docs/embedding.md}, compiled and run: the code between
 * {@code tag::name[]} and {@code end::name[]} is copied verbatim into the document, so change both
 * together. Each example runs in a Vert.x of its own, on loopback port 0 and a temporary directory.
 */
class EmbeddingExamplesTest {

  private static final long TIMEOUT_SECONDS = 30;

  @TempDir
  Path dir;
  private Vertx vertx;

  @BeforeEach
  void createVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  /** (a) Only the SMTP server; the application is the queue. */
  @Test
  void serverWithYourOwnQueue() throws Exception {
    BlockingQueue<QueuedMessage> store = new LinkedBlockingQueue<>();
    FakeDnsServer dns = FakeDnsServer.start();
    String resolver = "127.0.0.1:" + dns.address().getPort();
    // tag::server-only[]
    QueuedMessageCodec.register(vertx);
    MessageConsumer<QueuedMessage> queue = vertx.eventBus().<QueuedMessage>consumer(QueueAddresses.SUBMIT, msg -> {
      QueuedMessage message = msg.body();
      // Make message.envelope() and message.content() durable here: the client hears
      // "250 2.0.0 Ok: queued as <id>" as soon as this reply arrives.
      store.add(message);
      msg.reply(message.envelope().id());
    });
    SmtpServerOptions options = new SmtpServerOptions()
        .setHostname("mx.example.test")
        .setDomains(List.of("example.test"))
        .setLocalUsers(List.of("alice@example.test"))
        .setListeners(List.of(new ListenerOptions("127.0.0.1", 0, ListenerMode.MX)))
        .setDnsServers(List.of(resolver)); // asked by the SPF, DKIM and DMARC checks; default: the system's
    SmtpServerVerticle server = new SmtpServerVerticle(options);
    Future<String> deployed = queue.completion().compose(v -> vertx.deployVerticle(server));
    // end::server-only[]
    await(deployed);
    int port = server.actualPorts().get(0);

    String reply;
    try (TestSmtpClient client = new TestSmtpClient("127.0.0.1", port)) {
      assertThat(client.read().code()).isEqualTo(220);
      assertThat(client.command("EHLO client.example.org").code()).isEqualTo(250);
      assertThat(client.command("MAIL FROM:<sender@example.org>").code()).isEqualTo(250);
      assertThat(client.command("RCPT TO:<alice@example.test>").code()).isEqualTo(250);
      assertThat(client.command("DATA").code()).isEqualTo(354);
      reply = client.send("Subject: embedded server\r\n\r\nHello.\r\n.\r\n").read().last();
    }

    QueuedMessage message = store.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(message).isNotNull();
    assertThat(message.envelope().sender()).isEqualTo("sender@example.org");
    assertThat(message.envelope().recipients()).containsExactly("alice@example.test");
    dns.close();
    assertThat(message.content().toString(StandardCharsets.UTF_8))
        .startsWith("Authentication-Results: mx.example.test;")
        .contains("spf=none", "\r\nReceived: ", "Subject: embedded server\r\n\r\nHello.\r\n");
    assertThat(reply).isEqualTo("250 2.0.0 Ok: queued as " + message.envelope().id());
  }

  /** (b) Only the queue; the application submits vertx-mail-client messages. */
  @Test
  void queueWithMailSubmitter() throws Exception {
    Path dataDir = dir.resolve("data");
    BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    await(vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body())).completion());
    // tag::queue-only[]
    QueueOptions options = new QueueOptions()
        .setDataDir(dataDir.toString())
        .setHostname("mail.example.test")
        .setDomains(List.of("example.test"))
        .setLocalUsers(List.of("alice@example.test"));
    MailSubmitter submitter = new MailSubmitter(vertx, "mail.example.test");
    Future<String> queued = vertx.deployVerticle(new QueueVerticle(options))
        .compose(deploymentId -> submitter.submit(new MailMessage()
            .setFrom("reports@example.test")
            .setTo("alice@example.test")
            .setSubject("Your report")
            .setText("It is ready.")));
    // end::queue-only[]
    String id = await(queued);

    JsonObject sent = awaitEvent(events, "sent", id);
    assertThat(sent.getString("to")).isEqualTo("alice@example.test");
    assertThat(sent.getString("relay")).isEqualTo("local");
    awaitEvent(events, "removed", id);
    Path newDir = dataDir.resolve("mail").resolve("example.test").resolve("alice").resolve("new");
    List<Path> files;
    try (Stream<Path> list = Files.list(newDir)) {
      files = list.toList();
    }
    assertThat(files).hasSize(1);
    assertThat(Files.readString(files.get(0), StandardCharsets.UTF_8))
        .contains("Subject: Your report").contains("It is ready.").contains(id);
  }

  /** (c) The whole MTA inside the application's Vert.x. */
  @Test
  void wholeMtaInYourVertx() throws Exception {
    Path dataDir = dir.resolve("data");
    // tag::whole-mta[]
    MtaOptions options = new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dataDir.toString())
        .put("listeners", new JsonArray()
            .add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("management", new JsonObject().put("port", 0)));
    MtaVerticle mta = new MtaVerticle(options, 2);
    Future<String> deployed = vertx.deployVerticle(mta);
    // end::whole-mta[]
    await(deployed);
    int port = mta.boundListeners().get(0).getPort();
    assertThat(port).isPositive();

    try (TestSmtpClient client = new TestSmtpClient("127.0.0.1", port)) {
      assertThat(client.read().last()).startsWith("220 mx.example.test");
      TestSmtpClient.Reply ehlo = client.command("EHLO client.example.org");
      assertThat(ehlo.code()).isEqualTo(250);
      assertThat(ehlo.lines().get(0)).startsWith("250-mx.example.test");
      assertThat(ehlo.lines()).anyMatch(l -> l.substring(4).startsWith("STARTTLS"));
    }
  }

  private static JsonObject awaitEvent(BlockingQueue<JsonObject> events, String event, String id)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      JsonObject e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no " + event + " event for " + id + " within " + TIMEOUT_SECONDS + " s");
      }
      if (event.equals(e.getString("event")) && id.equals(e.getString("id"))) {
        return e;
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
