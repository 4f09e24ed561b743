package io.vmta.smtp.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code mta.queue.admin} requests against a queue whose Maildir for bob is blocked. */
class QueueAdminTest {

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private Path blocker;
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    QueuedMessageCodec.register(vertx);
    vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
    Files.createDirectories(dataDir.resolve("mail/example.test"));
    blocker = dataDir.resolve("mail/example.test/bob");
    Files.writeString(blocker, "not a directory");
    await(vertx.deployVerticle(new QueueVerticle(new QueueOptions()
        .setDataDir(dataDir.toString())
        .setDomains(List.of("example.test"))
        .setLocalUsers(List.of("alice@example.test", "bob@example.test"))
        // Long enough that no retry comes by itself during a test.
        .setInitialDelay(java.time.Duration.ofSeconds(600)))));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  /** Submits alice -> bob and waits until the first attempt was deferred. */
  private String deferred() throws InterruptedException {
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of("bob@example.test"), false,
        "7BIT", "127.0.0.1", "client.example.org", "alice@example.test", Instant.now());
    String id = await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(envelope, Buffer.buffer("Subject: held\r\n\r\nx\r\n")))).body();
    assertThat(nextEvent("deferred", id)).isNotNull();
    return id;
  }

  private JsonObject admin(JsonObject request) {
    return await(vertx.eventBus().<JsonObject>request(QueueAddresses.ADMIN, request)).body();
  }

  private JsonObject nextEvent(String type, String id) throws InterruptedException {
    while (true) {
      JsonObject e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("event " + type + " of " + id).isNotNull();
      if (e.getString("event").equals(type) && (id == null || id.equals(e.getString("id")))) {
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

  @Test
  void listsAndShowsADeferredMessage() throws Exception {
    String id = deferred();
    JsonObject list = admin(new JsonObject().put("action", "list"));
    assertThat(list.getInteger("total")).isEqualTo(1);
    JsonObject message = list.getJsonArray("messages").getJsonObject(0);
    assertThat(message.getString("id")).isEqualTo(id);
    assertThat(message.getString("sender")).isEqualTo("alice@example.test");
    assertThat(message.getJsonArray("recipients").getList()).containsExactly("bob@example.test");
    assertThat(message.getInteger("attempts")).isEqualTo(1);
    assertThat(message.getString("nextAttemptAt")).isNotNull();
    assertThat(message.getString("lastError")).isNotNull();
    assertThat(admin(new JsonObject().put("action", "show").put("id", id))).isEqualTo(message);
    assertThat(admin(new JsonObject().put("action", "list").put("limit", 0)).getJsonArray("messages")).isEmpty();
    assertThat(admin(new JsonObject().put("action", "list").put("offset", 1)).getInteger("total")).isEqualTo(1);
    assertThat(failure(new JsonObject().put("action", "show").put("id", "NOSUCHID")).failureCode()).isEqualTo(404);
    assertThat(failure(new JsonObject().put("action", "list").put("limit", -1)).failureCode()).isEqualTo(400);
    assertThat(failure(new JsonObject().put("action", "explode")).failureCode()).isEqualTo(400);
  }

  @Test
  void retryDeliversOnceTheMaildirIsWritable() throws Exception {
    String id = deferred();
    Files.delete(blocker);
    assertThat(admin(new JsonObject().put("action", "retry").put("id", id)))
        .isEqualTo(new JsonObject().put("id", id).put("scheduled", true));
    nextEvent("removed", id);
    assertThat(newMail("bob")).hasSize(1);
    assertThat(admin(new JsonObject().put("action", "list")).getInteger("total")).isZero();
  }

  @Test
  void flushRetriesEveryDeferredMessage() throws Exception {
    String first = deferred();
    String second = deferred();
    Files.delete(blocker);
    assertThat(admin(new JsonObject().put("action", "flush")).getInteger("scheduled")).isEqualTo(2);
    nextEvent("removed", null);
    nextEvent("removed", null);
    assertThat(newMail("bob")).hasSize(2);
    assertThat(List.of(first, second)).doesNotContainNull();
  }

  @Test
  void deleteWithDiscardRemovesWithoutABounce() throws Exception {
    String id = deferred();
    JsonObject reply = admin(new JsonObject().put("action", "delete").put("id", id).put("discard", true));
    assertThat(reply.getBoolean("deleted")).isTrue();
    assertThat(admin(new JsonObject().put("action", "list")).getInteger("total")).isZero();
    assertThat(Files.exists(dataDir.resolve("spool"))).isTrue();
    assertThat(failure(new JsonObject().put("action", "show").put("id", id)).failureCode()).isEqualTo(404);
    // A bounce would be queued before the delete is answered: every event up to a message
    // queued afterwards, and delivered, is seen; none of them may be a bounce (null sender).
    Envelope marker = new Envelope(QueueId.next(), "alice@example.test", List.of("alice@example.test"), false,
        "7BIT", "127.0.0.1", "client.example.org", "alice@example.test", Instant.now());
    String markerId = await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(marker, Buffer.buffer("Subject: marker\r\n\r\nx\r\n")))).body();
    List<JsonObject> seen = new java.util.ArrayList<>();
    JsonObject e;
    do {
      e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("the marker's removal").isNotNull();
      seen.add(e);
    } while (!(e.getString("event").equals("removed") && markerId.equals(e.getString("id"))));
    assertThat(seen).noneMatch(x -> x.getString("event").equals("queued") && "".equals(x.getString("from")));
    assertThat(newMail("alice")).hasSize(1);
  }

  @Test
  void deleteWithoutDiscardBouncesToTheLocalSender() throws Exception {
    String id = deferred();
    admin(new JsonObject().put("action", "delete").put("id", id).put("discard", false));
    // The report to alice is queued, delivered and removed in turn.
    JsonObject removed;
    do {
      removed = nextEvent("removed", null);
    } while (removed.getString("id").equals(id));
    List<Path> mail = newMail("alice");
    assertThat(mail).hasSize(1);
    assertThat(Files.readString(mail.get(0))).contains("Final-Recipient: rfc822; bob@example.test")
        .contains("Status: 5.0.0").contains("deleted by the administrator");
    assertThat(admin(new JsonObject().put("action", "list")).getInteger("total")).isZero();
  }

  private ReplyException failure(JsonObject request) {
    try {
      vertx.eventBus().request(QueueAddresses.ADMIN, request).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (ReplyException) e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("no failure for " + request);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
