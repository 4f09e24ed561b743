package io.vmta.smtp.relay.spool;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.QueuedMessage;

import java.util.List;

/** The queue's durable storage: messages, per-recipient progress and retry state. */
public interface Spool {

  /** Stores the message durably; the future completes only after the data is fsynced. */
  Future<Void> store(QueuedMessage message);

  /** Durably records that these recipients of message id are finished (delivered, or bounced). */
  Future<Void> markDone(String id, List<String> recipients);

  /** Durably records per-recipient retry state (attempt count, next attempt time, last error), replacing the previous one. */
  Future<Void> saveState(String id, JsonObject state);

  /** Removes the message once every recipient is done. */
  Future<Void> remove(String id);

  /** Reads the message bytes back (for delivery). */
  Future<Buffer> content(String id);

  /** Everything in the spool at start-up: envelope, recipients still to do, last saved state. */
  Future<List<SpoolEntry>> recover();

  /** Finishes the writes already accepted, then refuses new ones. */
  Future<Void> close();
}
