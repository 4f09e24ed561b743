package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;

import java.util.List;
import java.util.Map;

/** A way to deliver a message: into local mailboxes, or to another MTA. */
public interface Transport {

  /**
   * Delivers {@code content} to {@code recipients}, which all share one domain. The future
   * holds one result per recipient and does not fail: trouble is a {@link DeliveryResult.Transient}.
   */
  Future<Map<String, DeliveryResult>> deliver(Envelope envelope, List<String> recipients, Buffer content);
}
