package io.vmta.smtp.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vmta.smtp.relay.transport.DeliveryResult;
import io.vmta.smtp.relay.transport.Transport;
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

/** The queue end to end on one Vert.x: event-bus submit, spool, Maildir, retries, restart. */
class QueueVerticleTest {

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    QueuedMessageCodec.register(vertx);
    vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private QueueOptions options() {
    return new QueueOptions()
        .setDataDir(dataDir.toString())
        .setDomains(List.of("example.test"))
        .setLocalUsers(List.of("alice@example.test", "bob@example.test"))
        .setAliases(Map.of("team@example.test", List.of("alice@example.test", "bob@example.test")))
        .setInitialDelay(java.time.Duration.ofSeconds(1));
  }

  private String deploy() {
    return await(vertx.deployVerticle(new QueueVerticle(options())));
  }

  private String submit(String content, String... recipients) {
    Envelope envelope = new Envelope(QueueId.next(), "sender@example.org", List.of(recipients), false, "8BITMIME",
        "127.0.0.1", "client.example.org", null, Instant.now());
    return await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(envelope, Buffer.buffer(content)))).body();
  }

  private JsonObject nextEvent(String type) throws InterruptedException {
    while (true) {
      JsonObject e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("event " + type).isNotNull();
      if (e.getString("event").equals(type)) {
        return e;
      }
    }
  }

  private List<Path> newMail(String user) throws Exception {
    Path dir = dataDir.resolve("mail/example.test").resolve(user).resolve("new");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  /** A write that ends after the sender gave up (header {@code vmta-timeout-ms}) is taken back: no copy for the retry to duplicate. */
  @Test
  void aMessageStoredAfterTheSendersTimeoutIsRemovedAndNotDelivered() throws Exception {
    String deployment = deploy();
    Envelope late = new Envelope(QueueId.next(), "sender@example.org", List.of("alice@example.test"), false, "7BIT",
        "127.0.0.1", "client.example.org", null, Instant.now());
    // 0 ms: whatever the disk's speed, the write ends after the sender's deadline.
    Throwable failure = awaitFailure(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(late, Buffer.buffer("Subject: late\r\n\r\nx\r\n")),
        new DeliveryOptions().addHeader(QueueAddresses.TIMEOUT_HEADER, "0")));
    assertThat(failure).isInstanceOf(ReplyException.class).hasMessage("queue too slow: message not kept");
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(451);
    // A sender with time to wait is served, and its message is the only one delivered.
    Envelope onTime = new Envelope(QueueId.next(), "sender@example.org", List.of("alice@example.test"), false, "7BIT",
        "127.0.0.1", "client.example.org", null, Instant.now());
    String id = await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(onTime, Buffer.buffer("Subject: on time\r\n\r\nx\r\n")),
        new DeliveryOptions().addHeader(QueueAddresses.TIMEOUT_HEADER, "30000"))).body();
    JsonObject queued = nextEvent("queued");
    assertThat(queued.getString("id")).isEqualTo(id);
    nextEvent("removed");
    assertThat(newMail("alice")).hasSize(1);
    await(vertx.undeploy(deployment));
    deploy();
    assertThat(await(vertx.eventBus().<JsonObject>request(QueueAddresses.ADMIN, new JsonObject().put("action", "list")))
        .body().getInteger("total")).isZero();
    assertThat(newMail("alice")).hasSize(1);
  }

  private static Throwable awaitFailure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void deliversToMaildirThroughAliasesAndEmptiesTheSpool() throws Exception {
    deploy();
    String content = "Subject: hi\r\n\r\nbody \u00e9\r\n";
    String id = submit(content, "team@example.test", "Alice@example.test");
    assertThat(QueueId.isValid(id)).isTrue();
    assertThat(nextEvent("removed").getString("id")).isEqualTo(id);
    assertThat(newMail("alice")).hasSize(1);
    assertThat(newMail("bob")).hasSize(1);
    assertThat(Files.readString(newMail("alice").get(0))).isEqualTo(content);
  }

  @Test
  void aSubaddressIsDeliveredToTheUsersMaildirAndAQuarantinedMessageToItsJunkFolder() throws Exception {
    deploy();
    submit("Subject: lists\r\n\r\nx\r\n", "alice+lists@example.test");
    assertThat(nextEvent("removed")).isNotNull();
    assertThat(newMail("alice")).hasSize(1);

    Envelope junk = new Envelope(QueueId.next(), "sender@example.org", List.of("bob@example.test"), false, "7BIT",
        "127.0.0.1", "client.example.org", null, Instant.now()).withQuarantine(true);
    await(vertx.eventBus().request(QueueAddresses.SUBMIT, new QueuedMessage(junk, Buffer.buffer("Subject: j\r\n\r\nx\r\n"))));
    assertThat(nextEvent("removed")).isNotNull();
    assertThat(newMail("bob")).isEmpty();
    try (Stream<Path> files = Files.list(dataDir.resolve("mail/example.test/bob/.Junk/new"))) {
      assertThat(files.toList()).hasSize(1);
    }
  }

  @Test
  void anUnwritableMaildirKeepsTheMessageAcrossARestartUntilItCanBeDelivered() throws Exception {
    Files.createDirectories(dataDir.resolve("mail/example.test"));
    Path blocker = dataDir.resolve("mail/example.test/alice");
    Files.writeString(blocker, "not a directory");
    String deployment = deploy();
    String id = submit("Subject: later\r\n\r\nx\r\n", "alice@example.test");
    assertThat(nextEvent("deferred").getString("id")).isEqualTo(id);
    await(vertx.undeploy(deployment));
    Files.delete(blocker);
    deploy();
    assertThat(nextEvent("removed").getString("id")).isEqualTo(id);
    assertThat(newMail("alice")).hasSize(1);
  }

  @Test
  void eachOutcomeCarriesTheDelaySinceReceipt() throws Exception {
    deploy();
    Envelope envelope = new Envelope(QueueId.next(), "sender@example.org", List.of("alice@example.test"), false,
        "7BIT", "127.0.0.1", "client.example.org", null, Instant.now().minusSeconds(3600));
    await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(envelope, Buffer.buffer("Subject: slow\r\n\r\nx\r\n"))));
    JsonObject sent = nextEvent("sent");
    assertThat(sent.getValue("delay")).isInstanceOf(Double.class);
    assertThat(sent.getDouble("delay")).isBetween(3600.0, 3660.0);
  }

  @Test
  void theSizeCountsMessagesRecoveredFromTheSpoolAndTheHealthAddressAnswers() throws Exception {
    Files.createDirectories(dataDir.resolve("mail/example.test"));
    Files.writeString(dataDir.resolve("mail/example.test/alice"), "not a directory");
    String deployment = deploy();
    assertThat(await(vertx.eventBus().<JsonObject>request(QueueAddresses.HEALTH, null)).body())
        .isEqualTo(new JsonObject().put("status", "UP"));
    submit("Subject: stays\r\n\r\nx\r\n", "alice@example.test");
    nextEvent("deferred");
    await(vertx.undeploy(deployment));
    assertThat(vertx.eventBus().request(QueueAddresses.HEALTH, null).toCompletionStage().toCompletableFuture())
        .as("no queue, no answer").failsWithin(30, TimeUnit.SECONDS);

    QueueVerticle queue = new QueueVerticle(options());
    assertThat(queue.size()).isZero();
    await(vertx.deployVerticle(queue));
    // Read from this (non-event-loop) thread, as a metrics scrape does; nothing was submitted since.
    assertThat(queue.size()).isEqualTo(1);
  }

  @Test
  void remoteRecipientsStayQueuedUntilTheRelayExists() throws Exception {
    QueueVerticle queue = new QueueVerticle(options());
    await(vertx.deployVerticle(queue));
    String id = submit("Subject: out\r\n\r\nx\r\n", "someone@remote.example", "bob@example.test");
    JsonObject deferred = nextEvent("deferred");
    assertThat(deferred.getString("to")).isEqualTo("someone@remote.example");
    assertThat(deferred.getString("id")).isEqualTo(id);
    events.clear();
    // The next attempt (after the 1 s initial delay) defers again: bob's copy is not sent twice.
    assertThat(nextEvent("deferred").getString("to")).isEqualTo("someone@remote.example");
    assertThat(newMail("bob")).hasSize(1);
    assertThat(await(vertx.executeBlocking(queue::size))).isEqualTo(1);
  }

  @Test
  void aPermanentFailureBouncesToTheLocalSenderAndNeverBouncesABounce() throws Exception {
    Transport refusing = (envelope, rcpts, content) -> {
      Map<String, DeliveryResult> out = new java.util.LinkedHashMap<>();
      rcpts.forEach(r -> out.put(r, new DeliveryResult.Permanent("mx.remote.example[192.0.2.7]:25", "5.1.1",
          "550 5.1.1 <" + r + ">: user unknown")));
      return Future.succeededFuture(out);
    };
    await(vertx.deployVerticle(new QueueVerticle(options(), refusing)));
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of("nobody@remote.example"), false,
        "7BIT", "127.0.0.1", "client.example.org", "alice@example.test", Instant.now());
    String id = await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(envelope, Buffer.buffer("Subject: lost\r\n\r\nsecret body\r\n")))).body();
    JsonObject bounced = nextEvent("bounced");
    assertThat(bounced.getString("id")).isEqualTo(id);
    assertThat(bounced.getString("dsn")).isEqualTo("5.1.1");
    JsonObject reportRemoved;
    do {
      reportRemoved = nextEvent("removed");
    } while (reportRemoved.getString("id").equals(id));
    List<Path> mail = newMail("alice");
    assertThat(mail).hasSize(1);
    String report = Files.readString(mail.get(0));
    assertThat(report).contains("Content-Type: multipart/report; report-type=delivery-status")
        .contains("Final-Recipient: rfc822; nobody@remote.example").contains("Status: 5.1.1")
        .contains("Subject: lost").doesNotContain("secret body");
    // A bounce of a bounce is never sent: the report's sender is the null path.
    Envelope fromNull = envelope.withId(QueueId.next());
    fromNull = new Envelope(fromNull.id(), "", fromNull.recipients(), false, "7BIT", "127.0.0.1", "x", null, Instant.now());
    String second = await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(fromNull, Buffer.buffer("Subject: dsn\r\n\r\nx\r\n")))).body();
    do {
      reportRemoved = nextEvent("removed");
    } while (!reportRemoved.getString("id").equals(second));
    assertThat(newMail("alice")).hasSize(1);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
