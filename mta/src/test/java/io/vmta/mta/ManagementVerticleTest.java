package io.vmta.mta;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.mta.config.ManagementOptions;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.RelayTlsOptions;
import io.vmta.smtp.relay.Smarthost;
import io.vmta.smtp.relay.client.TlsLevel;
import java.util.Map;
import io.vmta.smtp.server.ListenerMode;
import io.vmta.smtp.server.SmtpServerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The management endpoint with a fake queue (a consumer of {@code mta.queue.health}) or none: its
 * token check, start-up refusal, the parts named by {@code /health}, and a node without a queue.
 */
class ManagementVerticleTest {

  private Vertx vertx;
  private HttpClient http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  record Response(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Response call(HttpMethod method, int port, String uri) {
    return await(http.request(method, port, "127.0.0.1", uri)
        .compose(r -> r.send().compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b.toString())))));
  }

  /** A queue that answers health checks, as QueueVerticle does. */
  private MessageConsumer<Object> answeringQueue() {
    MessageConsumer<Object> queue = vertx.eventBus().consumer(QueueAddresses.HEALTH,
        m -> m.reply(new JsonObject().put("status", "UP")));
    await(queue.completion());
    return queue;
  }

  private ManagementVerticle deploy(ManagementVerticle management) {
    await(vertx.deployVerticle(management));
    return management;
  }

  @Test
  void tlsPolicyShowsTheLevelAndWhereItCameFrom() {
    RelayOptions relay = new RelayOptions().setRequireTls(List.of("bank.example"))
        .setTls(new RelayTlsOptions().setPolicy(Map.of(".example.org", TlsLevel.VERIFY, "dane.example", TlsLevel.DANE)));
    int port = deploy(new ManagementVerticle(new ManagementOptions().setPort(0), null,
        ManagementVerticle.NodeParts.QUEUE_ONLY, relay)).actualPort();
    assertThat(call(HttpMethod.GET, port, "/tls-policy/MX.Example.Org").json()).isEqualTo(new JsonObject()
        .put("domain", "mx.example.org").put("level", "verify").put("effective", "verify")
        .put("source", "relay.tls.policy[.example.org]"));
    assertThat(call(HttpMethod.GET, port, "/tls-policy/bank.example").json().getString("source"))
        .isEqualTo("relay.requireTls[bank.example]");
    assertThat(call(HttpMethod.GET, port, "/tls-policy/dane.example").json().getMap())
        .containsEntry("level", "dane").containsEntry("effective", "may");
    assertThat(call(HttpMethod.GET, port, "/tls-policy/other.example").json().getMap())
        .containsEntry("level", "may").containsEntry("source", "default");
    assertThat(call(HttpMethod.GET, port, "/tls-policy/not%20a%20domain").status()).isEqualTo(400);

    RelayOptions smarthost = new RelayOptions(relay)
        .setSmarthost(new Smarthost("smtp.provider.example", 587, Smarthost.Tls.STARTTLS, null, null, false));
    int second = deploy(new ManagementVerticle(new ManagementOptions().setPort(0), null,
        ManagementVerticle.NodeParts.QUEUE_ONLY, smarthost)).actualPort();
    assertThat(call(HttpMethod.GET, second, "/tls-policy/mx.example.org").json().getMap())
        .containsEntry("level", "encrypt").containsEntry("source", "relay.smarthost.tlsVerify");
  }

  @Test
  void tlsPolicyShowsAKeptMtaStsPolicy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.time.Instant now = java.time.Instant.now();
    for (String mode : List.of("enforce", "testing", "none")) {
      io.vmta.smtp.relay.mtasts.MtaStsPolicy policy = io.vmta.smtp.relay.mtasts.MtaStsPolicy.parse(mode + ".example", "20261205",
          "version: STSv1\nmode: " + mode + "\nmx: mx." + mode + ".example\nmax_age: 86400\n", now.minusSeconds(60));
      java.nio.file.Files.writeString(dir.resolve(mode + ".example.json"), policy.toJson().encode());
    }
    java.nio.file.Files.writeString(dir.resolve("old.example.json"), io.vmta.smtp.relay.mtasts.MtaStsPolicy.parse("old.example",
        "1", "version: STSv1\nmode: enforce\nmx: mx.old.example\nmax_age: 60\n", now.minusSeconds(120)).toJson().encode());
    RelayOptions relay = new RelayOptions().setTls(new RelayTlsOptions().setPolicy(Map.of("enforce.example", TlsLevel.NONE)));
    int port = deploy(new ManagementVerticle(new ManagementOptions().setPort(0), null,
        ManagementVerticle.NodeParts.QUEUE_ONLY, relay, dir)).actualPort();
    JsonObject enforce = call(HttpMethod.GET, port, "/tls-policy/enforce.example").json();
    assertThat(enforce.getMap()).containsEntry("level", "verify").containsEntry("effective", "verify")
        .containsEntry("source", "mta-sts enforce, id=20261205");
    assertThat(enforce.getJsonObject("mtaSts").getString("mode")).isEqualTo("enforce");
    assertThat(enforce.getJsonObject("mtaSts").getJsonArray("mx").getList()).containsExactly("mx.enforce.example");
    JsonObject testing = call(HttpMethod.GET, port, "/tls-policy/testing.example").json();
    assertThat(testing.getMap()).containsEntry("level", "may").containsEntry("source", "default");
    assertThat(testing.getJsonObject("mtaSts").getString("mode")).isEqualTo("testing");
    assertThat(call(HttpMethod.GET, port, "/tls-policy/none.example").json().containsKey("mtaSts")).isFalse();
    assertThat(call(HttpMethod.GET, port, "/tls-policy/old.example").json().getMap())
        .as("expired").containsEntry("level", "may").doesNotContainKey("mtaSts");

    int off = deploy(new ManagementVerticle(new ManagementOptions().setPort(0), null,
        ManagementVerticle.NodeParts.QUEUE_ONLY, new RelayOptions(relay).setMtaSts(false), dir)).actualPort();
    assertThat(call(HttpMethod.GET, off, "/tls-policy/enforce.example").json().getMap())
        .containsEntry("level", "none").doesNotContainKey("mtaSts");
  }

  @Test
  void withoutRelayOptionsThereIsNoTlsPolicy() {
    int port = deploy(new ManagementVerticle(new ManagementOptions().setPort(0), null)).actualPort();
    assertThat(call(HttpMethod.GET, port, "/tls-policy/example.org").status()).isEqualTo(404);
  }

  @Test
  void healthNamesThePartThatIsDown() {
    AtomicBoolean listening = new AtomicBoolean(true);
    MessageConsumer<Object> queue = answeringQueue();
    int port = deploy(new ManagementVerticle(new ManagementOptions().setPort(0), null,
        new ManagementVerticle.NodeParts(listening::get, true))).actualPort();
    Response up = call(HttpMethod.GET, port, "/health");
    assertThat(up.status()).isEqualTo(200);
    assertThat(up.json()).isEqualTo(new JsonObject().put("status", "UP").put("listeners", "UP").put("queue", "UP"));

    listening.set(false);
    Response listenersDown = call(HttpMethod.GET, port, "/health");
    assertThat(listenersDown.status()).isEqualTo(503);
    assertThat(listenersDown.json())
        .isEqualTo(new JsonObject().put("status", "DOWN").put("listeners", "DOWN").put("queue", "UP"));

    listening.set(true);
    await(queue.unregister());
    Response queueDown = call(HttpMethod.GET, port, "/health");
    assertThat(queueDown.status()).isEqualTo(503);
    assertThat(queueDown.json())
        .isEqualTo(new JsonObject().put("status", "DOWN").put("listeners", "UP").put("queue", "DOWN"));
  }

  @Test
  void aQueueThatDoesNotAnswerWithinTwoSecondsIsDown() {
    await(vertx.eventBus().consumer(QueueAddresses.HEALTH, m -> { }).completion());
    int port = deploy(new ManagementVerticle(new ManagementOptions().setPort(0))).actualPort();
    long start = System.nanoTime();
    Response health = call(HttpMethod.GET, port, "/health");
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.json()).isEqualTo(new JsonObject().put("status", "DOWN").put("queue", "DOWN"));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(2000);
  }

  @Test
  void aNodeWithAQueueAndNoListenersReportsTheQueueOnly() {
    answeringQueue();
    int port = deploy(new ManagementVerticle(new ManagementOptions().setPort(0))).actualPort();
    Response health = call(HttpMethod.GET, port, "/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json()).isEqualTo(new JsonObject().put("status", "UP").put("queue", "UP"));
  }

  @Test
  void aNodeWithoutAQueueHasHealthAndMetricsButNoQueueRoutes() {
    // The queue elsewhere: on this unclustered Vert.x, a consumer that non-local requests reach.
    answeringQueue();
    MtaMetrics metrics = new MtaMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    metrics.followServers(SmtpServerStats.of(vertx), List.of(ListenerMode.SUBMISSION));
    int port = deploy(new ManagementVerticle(new ManagementOptions().setPort(0), metrics,
        new ManagementVerticle.NodeParts(() -> true, false))).actualPort();
    Response health = call(HttpMethod.GET, port, "/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json()).isEqualTo(new JsonObject().put("status", "UP").put("listeners", "UP").put("queue", "UP"));
    for (Response r : List.of(call(HttpMethod.GET, port, "/queue"), call(HttpMethod.GET, port, "/queue/X"),
        call(HttpMethod.POST, port, "/queue/flush"), call(HttpMethod.DELETE, port, "/queue/X"))) {
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.json()).isEqualTo(new JsonObject().put("error", "no queue on this node"));
    }
    Response scrape = call(HttpMethod.GET, port, "/metrics");
    assertThat(scrape.status()).isEqualTo(200);
    assertThat(scrape.body()).contains("vmta_smtp_connections{mode=\"submission\"} 0.0",
        "vmta_auth_failures_total{mode=\"submission\"} 0.0").doesNotContain("vmta_queue_size");
  }

  private int status(int port, String uri, String authorization) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(uri);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return await(http.request(request).compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
  }

  @Test
  void offLoopbackEveryRequestNeedsTheToken() {
    ManagementVerticle management = new ManagementVerticle(
        new ManagementOptions().setHost("0.0.0.0").setPort(0).setToken("s3cret"));
    await(vertx.deployVerticle(management));
    int port = management.actualPort();
    assertThat(status(port, "/health", null)).isEqualTo(401);
    assertThat(status(port, "/health", "Bearer wrong")).isEqualTo(401);
    assertThat(status(port, "/queue", "Basic czNjcmV0")).isEqualTo(401);
    // No queue on this Vert.x: authorised, but unavailable.
    assertThat(status(port, "/health", "Bearer s3cret")).isEqualTo(503);
    assertThat(status(port, "/queue", "Bearer s3cret")).isEqualTo(503);
  }

  @Test
  void onLoopbackNoTokenIsNeeded() {
    ManagementVerticle management = new ManagementVerticle(new ManagementOptions().setPort(0));
    await(vertx.deployVerticle(management));
    assertThat(status(management.actualPort(), "/health", null)).isEqualTo(503);
    assertThat(status(management.actualPort(), "/nothing", null)).isEqualTo(404);
  }

  @Test
  void offLoopbackWithoutATokenStartUpFails() {
    Throwable e = catchThrowable(() -> vertx.deployVerticle(new ManagementVerticle(
        new ManagementOptions().setHost("0.0.0.0").setPort(0))).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS));
    assertThat(e).isInstanceOf(ExecutionException.class);
    assertThat(e.getCause()).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) e.getCause()).key()).isEqualTo("management.token");
  }

  @Test
  void loopbackAddresses() {
    assertThat(ManagementOptions.isLoopback("127.0.0.1")).isTrue();
    assertThat(ManagementOptions.isLoopback("127.1.2.3")).isTrue();
    assertThat(ManagementOptions.isLoopback("::1")).isTrue();
    assertThat(ManagementOptions.isLoopback("localhost")).isTrue();
    assertThat(ManagementOptions.isLoopback("0.0.0.0")).isFalse();
    assertThat(ManagementOptions.isLoopback("192.0.2.1")).isFalse();
    assertThat(ManagementOptions.isLoopback("127.0.0.256")).isFalse();
    assertThat(ManagementOptions.isLoopback("mgmt.example")).isFalse();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
