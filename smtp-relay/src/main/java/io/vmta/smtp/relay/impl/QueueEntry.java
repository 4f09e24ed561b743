package io.vmta.smtp.relay.impl;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.Envelope;

import java.util.LinkedHashSet;
import java.util.Set;

/** What the queue keeps in memory about one spooled message: never its bytes. */
final class QueueEntry {

  final Envelope envelope;
  final Set<String> pending;
  int attempts;
  long nextAttemptAt;
  String lastError;
  long timer = -1;
  private AttemptState state = AttemptState.IDLE;

  QueueEntry(Envelope envelope, Iterable<String> pending) {
    this.envelope = envelope;
    this.pending = new LinkedHashSet<>();
    pending.forEach(this.pending::add);
  }

  String id() {
    return envelope.id();
  }

  /** Whether a delivery attempt of this message is under way. */
  boolean attemptRunning() {
    return state.running();
  }

  /** An attempt is asked for; see {@link AttemptState} for what follows. */
  AttemptState.Action requested(boolean slotFree) {
    return take(state.requested(slotFree));
  }

  /** A slot was freed for this message, first in line. */
  AttemptState.Action slotFreed() {
    return take(state.slotFreed());
  }

  /** Taken out of the schedule. */
  void withdrawn() {
    take(state.withdrawn());
  }

  /** The attempt under way ended. */
  AttemptState.Action ended() {
    return take(state.ended());
  }

  private AttemptState.Action take(AttemptState.Step step) {
    state = step.next();
    return step.action();
  }

  /** The retry state as the spool stores it. */
  JsonObject state() {
    JsonObject json = new JsonObject().put("attempts", attempts).put("nextAttemptAt", nextAttemptAt);
    if (lastError != null) {
      json.put("lastError", lastError);
    }
    return json;
  }

  /** Restores what {@link #state()} wrote; an empty or missing state means "never tried". */
  void restore(JsonObject state) {
    if (state != null) {
      attempts = state.getInteger("attempts", 0);
      nextAttemptAt = state.getLong("nextAttemptAt", 0L);
      lastError = state.getString("lastError");
    }
  }
}
