package io.vmta.mta;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MtaMetricsTest {

  private static JsonObject event(String type) {
    return new JsonObject().put("event", type).put("id", "X");
  }

  @Test
  void eventsBecomeCountersAndTheQueueGaugeNeverGoesBelowZero() {
    MtaMetrics metrics = new MtaMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    metrics.onEvent(event("removed"));
    metrics.onEvent(event("queued"));
    metrics.onEvent(event("queued"));
    metrics.onEvent(event("sent"));
    metrics.onEvent(event("deferred"));
    metrics.onEvent(event("bounced"));
    metrics.onEvent(event("expired"));
    metrics.onEvent(event("removed"));
    metrics.onEvent(new JsonObject());
    metrics.onEvent(null);
    String text = metrics.scrape();
    assertThat(text).contains("vmta_messages_received_total 2.0", "vmta_messages_delivered_total 1.0",
        "vmta_messages_deferred_total 1.0", "vmta_messages_bounced_total 2.0", "vmta_queue_size 1.0");
  }
}
