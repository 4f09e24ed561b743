package io.vmta.smtp.relay.impl;

/**
 * Where a queued message stands in the delivery schedule: every state and every transition is
 * here, and {@link Deliveries} does what the {@link Step} of a transition says.
 *
 * <pre>
 * state          event                 next           action
 * IDLE           requested, slot free  RUNNING        RUN
 * IDLE           requested, no slot    WAITING        WAIT_FOR_SLOT (join the line)
 * WAITING        requested             WAITING        NONE (already in line)
 * WAITING        slot freed            RUNNING        RUN
 * WAITING        withdrawn             IDLE           NONE (taken out of the line)
 * IDLE           withdrawn             IDLE           NONE
 * RUNNING        requested             RUNNING_AGAIN  NONE (once more after this attempt)
 * RUNNING_AGAIN  requested             RUNNING_AGAIN  NONE
 * RUNNING        ended                 IDLE           NONE
 * RUNNING_AGAIN  ended                 IDLE           REQUEST_AGAIN
 * </pre>
 * Any other event is a bug: an attempt is never withdrawn while it runs (the administrator's
 * delete waits for it), and only a running attempt ends. A retry timer may be pending in any
 * state; when it fires it is a "requested".
 */
enum AttemptState {
  /** No attempt under way or waiting for a slot. */
  IDLE,
  /** Waiting in line for one of the limited delivery slots. */
  WAITING,
  /** An attempt is under way. */
  RUNNING,
  /** An attempt is under way and another was asked for meanwhile (a retry or flush). */
  RUNNING_AGAIN;

  /** What {@link Deliveries} does after a transition. */
  enum Action { NONE, RUN, WAIT_FOR_SLOT, REQUEST_AGAIN }

  /** The outcome of a transition: the next state and what to do. */
  record Step(AttemptState next, Action action) {
  }

  /** An attempt is asked for: a new message, its retry timer, or the administrator. */
  Step requested(boolean slotFree) {
    return switch (this) {
      case IDLE -> slotFree ? new Step(RUNNING, Action.RUN) : new Step(WAITING, Action.WAIT_FOR_SLOT);
      case WAITING -> new Step(WAITING, Action.NONE);
      case RUNNING, RUNNING_AGAIN -> new Step(RUNNING_AGAIN, Action.NONE);
    };
  }

  /** A slot was freed and this message is first in line. */
  Step slotFreed() {
    if (this != WAITING) {
      throw illegal("slot freed");
    }
    return new Step(RUNNING, Action.RUN);
  }

  /** The message is taken out of the schedule (deleted, or before a failed delete puts it back). */
  Step withdrawn() {
    if (this == RUNNING || this == RUNNING_AGAIN) {
      throw illegal("withdrawn");
    }
    return new Step(IDLE, Action.NONE);
  }

  /** The attempt under way ended, whatever its outcome. */
  Step ended() {
    return switch (this) {
      case RUNNING -> new Step(IDLE, Action.NONE);
      case RUNNING_AGAIN -> new Step(IDLE, Action.REQUEST_AGAIN);
      case IDLE, WAITING -> throw illegal("ended");
    };
  }

  /** Whether an attempt is under way. */
  boolean running() {
    return this == RUNNING || this == RUNNING_AGAIN;
  }

  private IllegalStateException illegal(String event) {
    return new IllegalStateException("attempt " + event + " in state " + this);
  }
}
