package io.vmta.smtp.auth.sasl;

import io.vmta.smtp.core.Reply;
import java.util.Objects;

/** An AUTH exchange that must end with the carried reply; its message is the reply's text. */
public class SaslException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Reply reply;

  /** An exception ending the exchange with {@code reply}. */
  public SaslException(Reply reply) {
    // A protocol outcome, not a bug: no stack trace to fill or log.
    super(Objects.requireNonNull(reply, "reply").text(), null, false, false);
    this.reply = reply;
  }

  /** The reply the server sends to end the exchange. */
  public Reply reply() {
    return reply;
  }
}
