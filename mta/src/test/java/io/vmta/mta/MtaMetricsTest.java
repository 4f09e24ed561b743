package io.vmta.mta;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.server.ListenerMode;
import io.vmta.smtp.server.SmtpServerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters of {@link MtaMetrics}, fed directly; their text as Prometheus scrapes it. */
class MtaMetricsTest {

  private Vertx vertx;
  private PrometheusMeterRegistry registry;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private static JsonObject event(String type) {
    return new JsonObject().put("event", type).put("id", "X");
  }

  private static JsonObject outcome(String type, double delaySeconds) {
    return event(type).put("to", "a@example.test").put("delay", delaySeconds);
  }

  @Test
  void eventsBecomeCounters() {
    MtaMetrics metrics = new MtaMetrics(registry);
    await(metrics.followQueue(vertx, () -> 0));
    metrics.onEvent(event("queued"));
    metrics.onEvent(event("queued"));
    metrics.onEvent(event("sent"));
    metrics.onEvent(event("deferred"));
    metrics.onEvent(event("bounced"));
    metrics.onEvent(event("expired"));
    metrics.onEvent(event("removed"));
    metrics.onEvent(new JsonObject());
    metrics.onEvent(null);
    assertThat(samples(metrics.scrape())).containsEntry("vmta_messages_received_total", "2.0")
        .containsEntry("vmta_messages_delivered_total", "1.0")
        .containsEntry("vmta_messages_deferred_total", "1.0")
        .containsEntry("vmta_messages_bounced_total", "2.0");
  }

  @Test
  void remoteOutcomesAreCountedByTlsLevelAndPeerTrust() {
    MtaMetrics metrics = new MtaMetrics(registry);
    await(metrics.followQueue(vertx, () -> 0));
    metrics.onEvent(outcome("sent", 1).put("tlsLevel", "verify").put("tlsTrust", "verified"));
    metrics.onEvent(outcome("sent", 1).put("tlsLevel", "verify").put("tlsTrust", "verified"));
    metrics.onEvent(outcome("deferred", 1).put("tlsLevel", "verify").put("tlsTrust", "trusted"));
    metrics.onEvent(outcome("deferred", 1).put("tlsLevel", "encrypt").put("tlsTrust", "none"));
    metrics.onEvent(outcome("expired", 1).put("tlsLevel", "encrypt").put("tlsTrust", "none"));
    metrics.onEvent(outcome("sent", 1).put("tlsLevel", "may").put("tlsTrust", "untrusted"));
    metrics.onEvent(outcome("sent", 1)); // local delivery: no TLS, not counted here
    Map<String, String> s = samples(metrics.scrape());
    String name = "vmta_relay_tls_deliveries_total";
    assertThat(s).containsEntry(name + "{level=\"verify\",outcome=\"sent\",trust=\"verified\"}", "2.0")
        .containsEntry(name + "{level=\"verify\",outcome=\"deferred\",trust=\"trusted\"}", "1.0")
        .containsEntry(name + "{level=\"encrypt\",outcome=\"deferred\",trust=\"none\"}", "1.0")
        .containsEntry(name + "{level=\"encrypt\",outcome=\"expired\",trust=\"none\"}", "1.0")
        .containsEntry(name + "{level=\"may\",outcome=\"sent\",trust=\"untrusted\"}", "1.0");
    assertThat(s.keySet().stream().filter(k -> k.startsWith(name))).hasSize(5);
  }

  @Test
  void theQueueGaugeReadsTheQueueNotTheEvents() {
    AtomicInteger size = new AtomicInteger(3);
    MtaMetrics metrics = new MtaMetrics(registry);
    await(metrics.followQueue(vertx, size::get));
    metrics.onEvent(event("queued"));
    assertThat(samples(metrics.scrape())).containsEntry("vmta_queue_size", "3.0");
    size.set(0);
    metrics.onEvent(event("removed"));
    assertThat(samples(metrics.scrape())).containsEntry("vmta_queue_size", "0.0");
  }

  @Test
  void outcomesFillTheDelayHistogramByOutcome() {
    MtaMetrics metrics = new MtaMetrics(registry);
    await(metrics.followQueue(vertx, () -> 0));
    metrics.onEvent(outcome("sent", 0.05));
    metrics.onEvent(outcome("sent", 42));
    metrics.onEvent(outcome("sent", -3)); // a receiving node's clock ahead of this one: 0
    metrics.onEvent(outcome("bounced", 7200));
    metrics.onEvent(outcome("expired", 5 * 86400));
    metrics.onEvent(outcome("deferred", 300)); // not final: no observation
    metrics.onEvent(event("sent")); // no delay (an older queue): counted, not observed
    Map<String, String> s = samples(metrics.scrape());
    assertThat(s).containsEntry("vmta_delivery_delay_seconds_count{outcome=\"sent\"}", "3")
        .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"sent\",le=\"0.1\"}", "2")
        .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"sent\",le=\"30.0\"}", "2")
        .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"sent\",le=\"60.0\"}", "3")
        .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"sent\",le=\"432000.0\"}", "3")
        .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"sent\",le=\"+Inf\"}", "3")
        .containsEntry("vmta_delivery_delay_seconds_sum{outcome=\"sent\"}", "42.05")
        .containsEntry("vmta_delivery_delay_seconds_max{outcome=\"sent\"}", "42.0")
        .containsEntry("vmta_delivery_delay_seconds_count{outcome=\"bounced\"}", "1")
        .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"bounced\",le=\"3600.0\"}", "0")
        .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"bounced\",le=\"7200.0\"}", "1")
        .containsEntry("vmta_delivery_delay_seconds_count{outcome=\"expired\"}", "1")
        .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"expired\",le=\"172800.0\"}", "0")
        .containsEntry("vmta_delivery_delay_seconds_bucket{outcome=\"expired\",le=\"432000.0\"}", "1")
        .containsEntry("vmta_messages_delivered_total", "4.0");
  }

  @Test
  void smtpMetersReadTheServerStatsOfTheConfiguredModes() {
    MtaMetrics metrics = new MtaMetrics(registry);
    metrics.followServers(SmtpServerStats.of(vertx), List.of(ListenerMode.MX, ListenerMode.SMTPS, ListenerMode.MX));
    Map<String, String> s = samples(metrics.scrape());
    assertThat(s).containsEntry("vmta_smtp_connections{mode=\"mx\"}", "0.0")
        .containsEntry("vmta_smtp_connections{mode=\"smtps\"}", "0.0")
        .containsEntry("vmta_auth_failures_total{mode=\"mx\"}", "0.0")
        .containsEntry("vmta_auth_failures_total{mode=\"smtps\"}", "0.0")
        .containsEntry("vmta_smtp_connections_refused_total{mode=\"smtps\"}", "0.0")
        .doesNotContainKey("vmta_smtp_connections{mode=\"submission\"}");
    assertThat(s.keySet()).noneMatch(k -> k.startsWith("vmta_messages_") || k.startsWith("vmta_queue_"));
    // The numbers themselves are counted over real sockets in smtp-server's ServerStatsTest, and
    // scraped from the jar in it-tests' MetricsTest.
  }

  @Test
  void aLaterInstanceOnTheSameRegistryReplacesTheLiveMeters() {
    MtaMetrics first = new MtaMetrics(registry);
    await(first.followQueue(vertx, () -> 5));
    first.onEvent(event("queued"));
    await(first.stop());
    MtaMetrics second = new MtaMetrics(registry);
    await(second.followQueue(vertx, () -> 1));
    second.onEvent(event("queued"));
    assertThat(samples(second.scrape())).containsEntry("vmta_queue_size", "1.0")
        .containsEntry("vmta_messages_received_total", "2.0");
  }

  /** Sample name with its labels, as printed, to value (the Prometheus text format). */
  static Map<String, String> samples(String text) {
    Map<String, String> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        out.put(line.substring(0, space).trim(), line.substring(space + 1).trim());
      }
    }
    return out;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
