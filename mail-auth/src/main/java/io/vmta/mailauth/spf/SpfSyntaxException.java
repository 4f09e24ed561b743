package io.vmta.mailauth.spf;

/** A record, term or macro that breaks RFC 7208's grammar: the check ends in {@code permerror}. */
final class SpfSyntaxException extends Exception {

  private static final long serialVersionUID = 1L;

  SpfSyntaxException(String message) {
    // An expected outcome of hostile input: no stack trace.
    super(message, null, false, false);
  }
}
