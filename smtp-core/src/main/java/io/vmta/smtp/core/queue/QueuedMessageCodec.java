package io.vmta.smtp.core.queue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Carries a {@link QueuedMessage} over the event bus, across a cluster too: a length-prefixed
 * JSON envelope followed by a length-prefixed body. Locally the record itself is passed (it is
 * immutable apart from the buffer, which the sender no longer touches).
 */
public final class QueuedMessageCodec implements MessageCodec<QueuedMessage, QueuedMessage> {

  /** The codec name as registered on the event bus. */
  public static final String NAME = "vmta.queued-message";

  /** Registers this codec as the default for {@link QueuedMessage}, once per Vert.x instance. */
  public static void register(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(QueuedMessage.class, new QueuedMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Another verticle of this Vert.x instance registered it first.
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, QueuedMessage message) {
    Buffer envelope = message.envelope().toJson().toBuffer();
    buffer.appendInt(envelope.length()).appendBuffer(envelope);
    buffer.appendInt(message.content().length()).appendBuffer(message.content());
  }

  @Override
  public QueuedMessage decodeFromWire(int pos, Buffer buffer) {
    int envelopeLength = buffer.getInt(pos);
    pos += 4;
    Envelope envelope = Envelope.fromJson(new JsonObject(buffer.getBuffer(pos, pos + envelopeLength)));
    pos += envelopeLength;
    int contentLength = buffer.getInt(pos);
    pos += 4;
    return new QueuedMessage(envelope, buffer.getBuffer(pos, pos + contentLength));
  }

  @Override
  public QueuedMessage transform(QueuedMessage message) {
    return message;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
