package io.vmta.smtp.relay.impl;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;

import java.util.List;

/** Queues the delivery status notification for recipients that failed for good. */
public interface Bouncer {

  /** A recipient that will never be delivered, and why. */
  record Failure(String recipient, String status, String detail, String relay, boolean expired) {
  }

  /**
   * Queues one bounce to the sender of {@code original} for {@code failures}; completes once it
   * is durably queued (or when none may be sent: the original sender was the null path).
   */
  Future<Void> bounce(Envelope original, Buffer content, List<Failure> failures);
}
