package io.vmta.smtp.core.queue;

/** Event-bus addresses shared by the modules. */
public final class QueueAddresses {

  /**
   * Request: a {@link QueuedMessage}. Reply: the queue id (a String), sent only once the message
   * is on disk; a failure reply means nothing was kept.
   */
  public static final String SUBMIT = "mta.queue.submit";

  /**
   * The queue of one cluster node, {@code mta.queue.submit.<nodeId>}: the same request and reply
   * as {@link #SUBMIT}. A queue in a cluster consumes both, so that a server can choose the node
   * itself and give up at once when that node leaves the cluster before answering.
   */
  public static String submitOn(String nodeId) {
    return SUBMIT + "." + nodeId;
  }

  /**
   * Header of a {@link #SUBMIT} request: how many milliseconds the sender waits for the reply. A
   * queue that finishes writing later than that (less a margin for the reply's way back) removes
   * the message again and fails the request: the sender has already told its client 451, and
   * the client's retry must not make a second copy.
   */
  public static final String TIMEOUT_HEADER = "vmta-timeout-ms";

  /** Published: a JSON object per message event ({@code event}, {@code id} and details). */
  public static final String EVENTS = "mta.events";

  /**
   * Request: a JSON object {@code {"action": "list"|"show"|"retry"|"flush"|"delete", ...}} to this
   * node's queue. Reply: a JSON object; failures carry an HTTP-like code (400, 404, 409).
   */
  public static final String ADMIN = "mta.queue.admin";

  /**
   * Request: anything. Reply: {@code {"status": "UP"}} from a running queue, on any node of a
   * cluster (a clustered address, unlike {@link #ADMIN}): how a node checks that some queue takes mail.
   */
  public static final String HEALTH = "mta.queue.health";

  private QueueAddresses() {
  }
}
