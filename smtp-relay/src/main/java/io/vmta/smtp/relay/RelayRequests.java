package io.vmta.smtp.relay;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.relay.transport.DeliveryResult;
import io.vmta.smtp.relay.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers the {@value RelayVerticle#ADDRESS} requests of {@link RelayVerticle} through a
 * transport. Every request gets a reply: a delivery that fails or throws is a transient result
 * for all its recipients, logged, so that the queue retries it with its backoff instead of
 * waiting for the event bus to time out.
 */
final class RelayRequests {

  private static final Logger log = LoggerFactory.getLogger(RelayRequests.class);

  private final Transport transport;

  RelayRequests(Transport transport) {
    this.transport = transport;
  }

  /** Delivers the request's message and replies with one result per recipient. */
  void handle(Message<QueuedMessage> request) {
    QueuedMessage m = request.body();
    String id = m.envelope().id();
    List<String> recipients = m.envelope().recipients();
    deliver(m, recipients)
        .map(RelayRequests::toJson)
        .otherwise(e -> {
          log.error("{}: relay failed: {}", id, e.toString(), e);
          return toJson(transientForAll(recipients, "local error: " + e.getMessage()));
        })
        .onSuccess(request::reply);
  }

  private static JsonObject toJson(Map<String, DeliveryResult> results) {
    JsonObject reply = new JsonObject();
    results.forEach((rcpt, r) -> reply.put(rcpt, r.toJson()));
    return reply;
  }

  private Future<Map<String, DeliveryResult>> deliver(QueuedMessage m, List<String> recipients) {
    try {
      Future<Map<String, DeliveryResult>> results = transport.deliver(m.envelope(), recipients, m.content());
      return results != null ? results : Future.failedFuture(new IllegalStateException("no result"));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static Map<String, DeliveryResult> transientForAll(List<String> recipients, String detail) {
    Map<String, DeliveryResult> out = new LinkedHashMap<>();
    recipients.forEach(r -> out.put(r, new DeliveryResult.Transient("none", "4.3.0", detail)));
    return out;
  }
}
