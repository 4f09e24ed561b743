package io.vmta.smtp.auth.sasl;

import io.vmta.smtp.auth.AuthReplies;

/** The client cancelled the exchange with a "*" line; the reply is 501 5.0.0 (RFC 4954 4). */
public final class SaslCancelledException extends SaslException {

  private static final long serialVersionUID = 1L;

  /** The cancellation, carrying {@link AuthReplies#CANCELLED}. */
  public SaslCancelledException() {
    super(AuthReplies.CANCELLED);
  }
}
