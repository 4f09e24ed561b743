package io.vmta.smtp.core;

/**
 * The AUTH parameter of MAIL FROM (RFC 4954 section 5): the mailbox that submitted the message,
 * as asserted by the client, or {@code <>} when the submitter is not known.
 *
 * @param submitter the asserted mailbox, {@code null} for {@code AUTH=<>}
 */
public record AuthParameter(MailAddress submitter) {

  /** {@code AUTH=<>}: the submitter is not known (or not trusted). */
  public static final AuthParameter UNKNOWN = new AuthParameter(null);

  /**
   * Parses the value after {@code AUTH=}: xtext (RFC 3461 section 4) that decodes to {@code <>}
   * or to an addr-spec. IllegalArgumentException, never repeating the input, otherwise.
   */
  public static AuthParameter parse(String xtext) {
    if (xtext == null || xtext.isEmpty()) {
      throw new IllegalArgumentException("AUTH needs a value");
    }
    String value = Xtext.decode(xtext);
    if (value.equals("<>")) {
      return UNKNOWN;
    }
    return new AuthParameter(MailAddress.parse(value));
  }

  /** The parameter value as sent: xtext of the mailbox, or {@code <>}. */
  public String toXtext() {
    return submitter == null ? "<>" : Xtext.encode(submitter.toString());
  }
}
