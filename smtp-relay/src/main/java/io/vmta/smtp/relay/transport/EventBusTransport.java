package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.relay.RelayVerticle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The queue's side of remote delivery: asks this node's {@link RelayVerticle} over the event bus. */
public final class EventBusTransport implements Transport {

  /** Longer than the SMTP client's own timeouts add up to for one transaction. */
  static final long TIMEOUT_MILLIS = 30 * 60_000;

  private final Vertx vertx;

  public EventBusTransport(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Map<String, DeliveryResult>> deliver(Envelope envelope, List<String> recipients, Buffer content) {
    QueuedMessage request = new QueuedMessage(envelope.withRecipients(recipients), content);
    return vertx.eventBus().<JsonObject>request(RelayVerticle.ADDRESS, request,
            new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS).setLocalOnly(true))
        .map(reply -> {
          Map<String, DeliveryResult> out = new LinkedHashMap<>();
          for (String rcpt : recipients) {
            JsonObject r = reply.body().getJsonObject(rcpt);
            out.put(rcpt, r == null ? new DeliveryResult.Transient("none", "4.3.0", "no result from the relay")
                : DeliveryResult.fromJson(r));
          }
          return out;
        })
        .otherwise(e -> {
          Map<String, DeliveryResult> out = new LinkedHashMap<>();
          recipients.forEach(r -> out.put(r, new DeliveryResult.Transient("none", "4.3.0", "relay unavailable: " + e.getMessage())));
          return out;
        });
  }
}
