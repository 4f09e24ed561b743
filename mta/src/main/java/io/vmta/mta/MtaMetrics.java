package io.vmta.mta;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.server.ListenerMode;
import io.vmta.smtp.server.SmtpServerStats;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The MTA's own Prometheus metrics. The queue meters (on a node with a queue, {@link #followQueue}):
 * {@code vmta_messages_received_total} (queued), {@code vmta_messages_delivered_total} (sent),
 * {@code vmta_messages_deferred_total} (deferred), {@code vmta_messages_bounced_total} (bounced
 * or expired), kept from this node's {@code mta.events}; the histogram
 * {@code vmta_delivery_delay_seconds{outcome=sent|bounced|expired}} (receipt to final outcome, per
 * recipient, from the events' {@code delay});
 * {@code vmta_relay_tls_deliveries_total{level, trust, outcome}}, the remote delivery attempts per
 * recipient by TLS level asked for ({@code none}, {@code may}, {@code encrypt}, {@code verify},
 * {@code dane}), how the peer was authenticated ({@code verified}, {@code trusted},
 * {@code untrusted}, or {@code none} without TLS) and outcome ({@code sent}, {@code deferred},
 * {@code bounced}, {@code expired}); and the gauge {@code vmta_queue_size}, read from the
 * queue itself (so messages recovered from the spool at start-up are in it). The SMTP meters (on
 * a node with listeners, {@link #followServers}), by listener {@code mode}: the gauge
 * {@code vmta_smtp_connections}, {@code vmta_smtp_connections_refused_total} and
 * {@code vmta_auth_failures_total}, read from {@link SmtpServerStats}.
 *
 * <p>The registry is Vert.x's own (vertx-micrometer-metrics, enabled by {@link Cli}) when it is a
 * Prometheus one, so Vert.x's metrics (net server connections, event bus, ...) are scraped too;
 * otherwise (an embedding Vert.x without metrics) a private {@link PrometheusMeterRegistry}.
 * One {@code MtaMetrics} per registry at a time: the meters read from live objects replace those
 * of an earlier instance (an MTA redeployed on the same Vert.x), the counters carry on.
 */
public final class MtaMetrics {

  /**
   * Buckets of {@code vmta_delivery_delay_seconds}: local delivery takes well under a second,
   * remote delivery seconds, and a deferred message minutes to the default maximum age of 5 days.
   */
  static final Duration[] DELAY_BUCKETS = {
      Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
      Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
      Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(5)};

  /** The outcomes of a delivery attempt in {@code mta.events}. */
  private static final java.util.Set<String> OUTCOMES = java.util.Set.of("sent", "deferred", "bounced", "expired");

  private final PrometheusMeterRegistry registry;
  private QueueMeters queue;
  /** Held here: function counters keep only a weak reference to what they read. */
  private SmtpServerStats serverStats;
  private MessageConsumer<JsonObject> consumer;

  /** Metrics in {@code registry}; no meter until {@link #followQueue} or {@link #followServers}. */
  public MtaMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** Vert.x's Prometheus registry when metrics are enabled with Prometheus, else a new private one. */
  public static PrometheusMeterRegistry defaultRegistry() {
    MeterRegistry vertxRegistry = BackendRegistries.getDefaultNow();
    return vertxRegistry instanceof PrometheusMeterRegistry p ? p : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Registers the queue meters and starts following this node's queue events; {@code queueSize}
   * is read on every scrape, from the scraping thread. Call it before the queue starts, so that
   * the outcomes of the first attempts on recovered messages are counted.
   */
  public Future<Void> followQueue(Vertx vertx, IntSupplier queueSize) {
    queue = new QueueMeters(queueSize);
    consumer = vertx.eventBus().<JsonObject>localConsumer(QueueAddresses.EVENTS, m -> onEvent(m.body()));
    return consumer.completion();
  }

  /** Registers the SMTP meters of the listener {@code modes} this node has, read from {@code stats}. */
  public void followServers(SmtpServerStats stats, Collection<ListenerMode> modes) {
    serverStats = stats;
    for (ListenerMode mode : modes.isEmpty() ? EnumSet.noneOf(ListenerMode.class) : EnumSet.copyOf(modes)) {
      Tags tags = Tags.of("mode", mode.jsonName());
      replace("vmta.smtp.connections", tags);
      Gauge.builder("vmta.smtp.connections", stats, s -> s.openConnections(mode))
          .description("SMTP connections open now").tags(tags).register(registry);
      replace("vmta.smtp.connections.refused", tags);
      FunctionCounter.builder("vmta.smtp.connections.refused", stats, s -> s.refusedConnections(mode))
          .description("SMTP connections refused at connect because a connection limit was reached")
          .tags(tags).register(registry);
      replace("vmta.auth.failures", tags);
      FunctionCounter.builder("vmta.auth.failures", stats, s -> s.authFailures(mode))
          .description("AUTH exchanges that failed with 535 (invalid credentials)").tags(tags).register(registry);
    }
  }

  /** Stops following the events (the meters stay registered). */
  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** One event of {@code mta.events}; ignored before {@link #followQueue}. */
  void onEvent(JsonObject event) {
    if (event != null && queue != null) {
      queue.count(event);
    }
  }

  /** Removes a meter read from a live object that an earlier instance registered: it would read that one. */
  private void replace(String name, Tags tags) {
    registry.find(name).tags(tags).meters().forEach(registry::remove);
  }

  /** The registry scraped by {@code GET /metrics}. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition (format 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /** The meters of a queue; used on the event loop that delivers {@code mta.events} only. */
  private final class QueueMeters {
    private final Counter received = counter("vmta.messages.received", "Messages accepted into the queue");
    private final Counter delivered = counter("vmta.messages.delivered", "Recipients delivered");
    private final Counter deferred = counter("vmta.messages.deferred", "Delivery attempts deferred (per recipient)");
    private final Counter bounced = counter("vmta.messages.bounced", "Recipients bounced or expired");
    private final Map<String, Timer> delays = Map.of("sent", delay("sent"), "bounced", delay("bounced"),
        "expired", delay("expired"));

    QueueMeters(IntSupplier size) {
      replace("vmta.queue.size", Tags.empty());
      // Held strongly by the registry: the supplier is usually a method reference made for it.
      Gauge.builder("vmta.queue.size", size::getAsInt).description("Messages in this node's queue")
          .strongReference(true).register(registry);
    }

    private Counter counter(String name, String description) {
      return Counter.builder(name).description(description).register(registry);
    }

    private Timer delay(String outcome) {
      return Timer.builder("vmta.delivery.delay")
          .description("Time from receipt to the final outcome of a recipient")
          .tag("outcome", outcome)
          .serviceLevelObjectives(DELAY_BUCKETS)
          .register(registry);
    }

    void count(JsonObject event) {
      String type = String.valueOf(event.getValue("event"));
      switch (type) {
        case "queued" -> received.increment();
        case "sent" -> delivered.increment();
        case "deferred" -> deferred.increment();
        case "bounced", "expired" -> bounced.increment();
        default -> {
        }
      }
      if (event.getValue("tlsLevel") instanceof String level && OUTCOMES.contains(type)) {
        Counter.builder("vmta.relay.tls.deliveries")
            .description("Remote delivery attempts per recipient by TLS level, peer authentication and outcome")
            .tag("level", level).tag("trust", String.valueOf(event.getValue("tlsTrust", "none")))
            .tag("outcome", type)
            .register(registry).increment();
      }
      Timer timer = delays.get(type);
      if (timer != null && event.getValue("delay") instanceof Number seconds) {
        // Clamped at 0: receipt was stamped by the receiving node, maybe with a clock ahead of this one.
        timer.record(Math.max(0, Math.round(seconds.doubleValue() * 1000)), TimeUnit.MILLISECONDS);
      }
    }
  }
}
