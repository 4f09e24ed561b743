package io.vmta.smtp.core.client;

/**
 * A server sent something that is not an SMTP reply (RFC 5321 section 4.2): a malformed code, a
 * line over the limit, mixed codes within one reply. The connection cannot be trusted afterwards.
 */
public final class ReplyFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with a message that names the problem, never the whole offending line. */
  public ReplyFormatException(String message) {
    super(message);
  }
}
