package io.vmta.mta;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vmta.smtp.core.queue.QueueAddresses;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The MTA's own Prometheus metrics, kept from this node's queue events on {@code mta.events}:
 * {@code vmta_messages_received_total} (queued), {@code vmta_messages_delivered_total} (sent),
 * {@code vmta_messages_deferred_total} (deferred), {@code vmta_messages_bounced_total} (bounced
 * or expired) and the gauge {@code vmta_queue_size} (+1 queued, -1 removed, never below 0).
 * The counters count recipients for the delivery events and messages for {@code queued}.
 *
 * <p>The registry is Vert.x's own (vertx-micrometer-metrics, enabled by {@link Cli}) when it is a
 * Prometheus one, so Vert.x's metrics (net server connections, event bus, ...) are scraped too;
 * otherwise (an embedding Vert.x without metrics) a private {@link PrometheusMeterRegistry}.
 */
public final class MtaMetrics {

  private final PrometheusMeterRegistry registry;
  private final Counter received;
  private final Counter delivered;
  private final Counter deferred;
  private final Counter bounced;
  private final AtomicLong queueSize = new AtomicLong();
  private MessageConsumer<JsonObject> consumer;

  /** Metrics in {@code registry}. */
  public MtaMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.received = counter("vmta.messages.received", "Messages accepted into the queue");
    this.delivered = counter("vmta.messages.delivered", "Recipients delivered");
    this.deferred = counter("vmta.messages.deferred", "Delivery attempts deferred (per recipient)");
    this.bounced = counter("vmta.messages.bounced", "Recipients bounced or expired");
    // The registry holds gauges weakly: the AtomicLong is kept by this object, and this object by its user.
    Gauge.builder("vmta.queue.size", queueSize, AtomicLong::get)
        .description("Messages in the queue").register(registry);
  }

  /** Vert.x's Prometheus registry when metrics are enabled with Prometheus, else a new private one. */
  public static PrometheusMeterRegistry defaultRegistry() {
    MeterRegistry vertxRegistry = BackendRegistries.getDefaultNow();
    return vertxRegistry instanceof PrometheusMeterRegistry p ? p : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  /** Starts following this node's queue events. */
  public Future<Void> start(Vertx vertx) {
    consumer = vertx.eventBus().<JsonObject>localConsumer(QueueAddresses.EVENTS, m -> onEvent(m.body()));
    return consumer.completion();
  }

  /** Stops following the events (the meters stay registered). */
  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  void onEvent(JsonObject event) {
    if (event == null) {
      return;
    }
    switch (String.valueOf(event.getValue("event"))) {
      case "queued" -> {
        received.increment();
        queueSize.incrementAndGet();
      }
      case "sent" -> delivered.increment();
      case "deferred" -> deferred.increment();
      case "bounced", "expired" -> bounced.increment();
      case "removed" -> queueSize.updateAndGet(n -> Math.max(0, n - 1));
      default -> {
      }
    }
  }

  /** The registry scraped by {@code GET /metrics}. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition (format 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }
}
