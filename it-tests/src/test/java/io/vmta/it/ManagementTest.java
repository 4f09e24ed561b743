package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The management HTTP endpoint of an in-process MTA, over a real socket with the Vert.x HTTP client. */
class ManagementTest {

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static HttpClient http;
  private static Path dataDir;
  private static int port;
  private static final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  record Response(int status, JsonObject body) {
  }

  @BeforeAll
  static void start() throws Exception {
    String hash = PasswordHashes.hash("secret");
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "alice@example.test:" + hash + "\nbob@example.test:" + hash + "\n");
    dataDir = dir.resolve("data");
    MtaOptions options = new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dataDir.toString())
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", users.toString())
        .put("management", new JsonObject().put("port", 0))
        // No attempt comes by itself during the test: only the ones the test asks for.
        .put("relay", new JsonObject().put("retry", new JsonObject().put("initialDelay", "30m"))));
    vertx = Vertx.vertx();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
    await(consumer.completion());
    MtaVerticle mta = new MtaVerticle(options, 1);
    await(vertx.deployVerticle(mta));
    port = mta.managementPort();
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private static Response call(HttpMethod method, String uri) {
    return await(http.request(method, port, "127.0.0.1", uri)
        .compose(req -> req.send().compose(resp -> resp.body()
            .map(b -> new Response(resp.statusCode(), b.length() == 0 ? null : b.toJsonObject())))));
  }

  /** A message to {@code user} whose Maildir is a regular file, so that its first attempt is deferred. */
  private static String deferredTo(String user) throws Exception {
    Files.createDirectories(dataDir.resolve("mail/example.test"));
    Files.writeString(dataDir.resolve("mail/example.test").resolve(user), "not a directory");
    Envelope envelope = new Envelope(QueueId.next(), "sender@example.org", List.of(user + "@example.test"), false,
        "7BIT", "127.0.0.1", "client.example.org", null, Instant.now());
    String id = await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(envelope, Buffer.buffer("Subject: held\r\n\r\nx\r\n")))).body();
    waitFor("deferred", id);
    return id;
  }

  private static void waitFor(String type, String id) throws InterruptedException {
    while (true) {
      JsonObject e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("event " + type + " of " + id).isNotNull();
      if (e.getString("event").equals(type) && e.getString("id").equals(id)) {
        return;
      }
    }
  }

  private static long newMail(String user) throws Exception {
    Path d = dataDir.resolve("mail/example.test").resolve(user).resolve("new");
    if (!Files.isDirectory(d)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(d)) {
      return files.count();
    }
  }

  @Test
  void healthIsUpAndListenersJsonNamesTheEndpoint() throws Exception {
    Response health = call(HttpMethod.GET, "/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body())
        .isEqualTo(new JsonObject().put("status", "UP").put("listeners", "UP").put("queue", "UP"));
    JsonObject listeners = new JsonObject(Files.readString(dataDir.resolve("listeners.json")));
    assertThat(listeners.getJsonObject("management"))
        .isEqualTo(new JsonObject().put("host", "127.0.0.1").put("port", port));
    assertThat(listeners.getJsonArray("listeners")).hasSize(1);
  }

  @Test
  void aDeferredMessageIsListedShownAndDeliveredOnRetry() throws Exception {
    String id = deferredTo("alice");
    Response list = call(HttpMethod.GET, "/queue?offset=0&limit=1000");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body().getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("id")))
        .contains(id);
    Response show = call(HttpMethod.GET, "/queue/" + id);
    assertThat(show.status()).isEqualTo(200);
    assertThat(show.body().getString("sender")).isEqualTo("sender@example.org");
    assertThat(show.body().getJsonArray("recipients").getList()).containsExactly("alice@example.test");
    assertThat(show.body().getInteger("attempts")).isEqualTo(1);

    Files.delete(dataDir.resolve("mail/example.test/alice"));
    Response retry = call(HttpMethod.POST, "/queue/" + id + "/retry");
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(new JsonObject().put("id", id).put("scheduled", true));
    waitFor("removed", id);
    assertThat(newMail("alice")).isEqualTo(1);
    assertThat(call(HttpMethod.GET, "/queue/" + id).status()).isEqualTo(404);
  }

  @Test
  void deleteWithDiscardRemovesADeferredMessage() throws Exception {
    String id = deferredTo("bob");
    Response deleted = call(HttpMethod.DELETE, "/queue/" + id + "?discard=true");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/queue/" + id).status()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/queue").body().getJsonArray("messages").stream()
        .map(m -> ((JsonObject) m).getString("id"))).doesNotContain(id);
  }

  @Test
  void errorsAreJsonWithTheirStatus() {
    Response unknown = call(HttpMethod.GET, "/queue/NOSUCHMESSAGE");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().getString("error")).isEqualTo("no such message");
    assertThat(call(HttpMethod.POST, "/queue/NOSUCHMESSAGE/retry").status()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/queue/NOSUCHMESSAGE").status()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/queue?limit=many").status()).isEqualTo(400);
    assertThat(call(HttpMethod.GET, "/queue?offset=-1").status()).isEqualTo(400);
    assertThat(call(HttpMethod.DELETE, "/queue/X?discard=maybe").status()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/queue/flush").status()).isEqualTo(200);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
