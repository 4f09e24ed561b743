package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stands in for remote delivery where none is deployed: the message waits in the queue. */
public final class UnavailableTransport implements Transport {

  @Override
  public Future<Map<String, DeliveryResult>> deliver(Envelope envelope, List<String> recipients, Buffer content) {
    Map<String, DeliveryResult> out = new LinkedHashMap<>();
    recipients.forEach(r -> out.put(r, new DeliveryResult.Transient("none", "4.4.0", "remote delivery is not available")));
    return Future.succeededFuture(out);
  }
}
