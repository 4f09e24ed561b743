package io.vmta.smtp.core;

import java.util.Objects;

/** A command line the parser refuses, with the reply to send; the message is the reply text. */
public class SmtpSyntaxException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Reply reply;

  /** An exception carrying {@code reply}; no stack trace, since this is ordinary client error. */
  public SmtpSyntaxException(Reply reply) {
    super(Objects.requireNonNull(reply, "reply").text(), null, false, false);
    this.reply = reply;
  }

  /** The reply to send to the client. */
  public Reply reply() {
    return reply;
  }
}
