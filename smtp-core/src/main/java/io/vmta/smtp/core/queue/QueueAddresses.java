package io.vmta.smtp.core.queue;

/** Event-bus addresses shared by the modules. */
public final class QueueAddresses {

  /**
   * Request: a {@link QueuedMessage}. Reply: the queue id (a String), sent only once the message
   * is on disk; a failure reply means nothing was kept.
   */
  public static final String SUBMIT = "mta.queue.submit";

  /** Published: a JSON object per message event ({@code event}, {@code id} and details). */
  public static final String EVENTS = "mta.events";

  private QueueAddresses() {
  }
}
