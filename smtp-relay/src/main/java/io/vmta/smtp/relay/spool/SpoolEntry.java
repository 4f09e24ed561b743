package io.vmta.smtp.relay.spool;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.Envelope;

import java.util.List;

/**
 * A message found in the spool: its envelope as received, the recipients not yet marked done (empty
 * when all are done but the message was not removed) and the last state saved for it.
 */
public record SpoolEntry(Envelope envelope, List<String> pendingRecipients, JsonObject state) {

  public SpoolEntry {
    pendingRecipients = List.copyOf(pendingRecipients);
    state = state == null ? new JsonObject() : state;
  }
}
