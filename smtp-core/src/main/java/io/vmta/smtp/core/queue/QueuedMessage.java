package io.vmta.smtp.core.queue;

import io.vertx.core.buffer.Buffer;

import java.util.Objects;

/**
 * A message on its way into the queue: the envelope and the exact bytes to deliver (the
 * {@code Received:} header already prepended, dot-stuffing removed, CRLF line ends).
 */
public record QueuedMessage(Envelope envelope, Buffer content) {

  public QueuedMessage {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(content, "content");
  }
}
