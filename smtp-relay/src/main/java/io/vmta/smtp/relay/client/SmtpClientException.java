package io.vmta.smtp.relay.client;

import io.vmta.smtp.core.Reply;
import java.util.Objects;

/**
 * A failure of the SMTP client, always with a reply: the server's own, or one synthesized by the
 * client when the server gave none (a lost connection, a timeout, a local policy), whose text then
 * says so. {@link #isTransient()} tells whether trying again later may help.
 */
public final class SmtpClientException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Reply reply;
  private final boolean synthesized;
  private transient TlsStatus tls;

  private SmtpClientException(String message, Reply reply, boolean synthesized, Throwable cause) {
    super(message + ": " + reply, cause);
    this.reply = Objects.requireNonNull(reply, "reply");
    this.synthesized = synthesized;
  }

  /** The server refused: {@code reply} is what it said. */
  public static SmtpClientException refused(String what, Reply reply) {
    return new SmtpClientException(what + " refused", reply, false, null);
  }

  /** The client gave up without a server reply; {@code reply} is synthesized. */
  public static SmtpClientException local(String what, Reply reply, Throwable cause) {
    return new SmtpClientException(what, reply, true, cause);
  }

  /** The connection broke or timed out: 451 4.4.2 (RFC 3463 "bad connection"). */
  public static SmtpClientException connectionProblem(String what, Throwable cause) {
    return local(what,
        Reply.of(451, "4.4.2", what + " (no reply from the server; synthesized by the client)"),
        cause);
  }

  /** The reply that explains the failure. */
  public Reply reply() {
    return reply;
  }

  /** Whether the reply was made up by the client rather than sent by the server. */
  public boolean isSynthesized() {
    return synthesized;
  }

  /** The TLS of the session that failed, when it got as far as the greeting; else null. */
  public TlsStatus tls() {
    return tls;
  }

  /** Records the TLS of the session that failed, unless one is recorded already; returns this. */
  public SmtpClientException withTls(TlsStatus status) {
    if (tls == null) {
      tls = status;
    }
    return this;
  }

  /** Whether a later attempt may succeed: every reply but a 5xx. */
  public boolean isTransient() {
    return !reply.isPermanent();
  }
}
