package io.vmta.smtp.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ESMTP parameters of MAIL FROM (RFC 5321 section 4.1.2 Mail-parameters).
 *
 * @param size     the SIZE value (RFC 1870), {@code null} when absent
 * @param body     the BODY value (RFC 6152, RFC 3030), {@code null} when absent
 * @param smtputf8 whether SMTPUTF8 was given (RFC 6531 section 3.4)
 * @param other    every further parameter, keys upper-cased, value {@code null} for a bare keyword,
 *                 in the order given; the server refuses those it does not support with 555
 * @param auth     the AUTH value (RFC 4954 section 5), {@code null} when absent
 * @param requireTls whether REQUIRETLS was given (RFC 8689 section 2): the message must travel
 *                 only over verified TLS to servers that offer REQUIRETLS
 */
public record MailParameters(Long size, BodyType body, boolean smtputf8, Map<String, String> other,
                             AuthParameter auth, boolean requireTls) {

  /** No parameters at all. */
  public static final MailParameters NONE = new MailParameters(null, null, false, Map.of());

  /** Checks SIZE and copies {@code other} (null values allowed) into an unmodifiable map. */
  public MailParameters {
    if (size != null && size < 0) {
      throw new IllegalArgumentException("SIZE must not be negative");
    }
    other = other == null || other.isEmpty()
        ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(other));
  }

  /** Parameters without AUTH. */
  public MailParameters(Long size, BodyType body, boolean smtputf8, Map<String, String> other) {
    this(size, body, smtputf8, other, null);
  }

  /** Parameters without REQUIRETLS. */
  public MailParameters(Long size, BodyType body, boolean smtputf8, Map<String, String> other,
                        AuthParameter auth) {
    this(size, body, smtputf8, other, auth, false);
  }

  /**
   * These parameters as a server keeps them: an AUTH value only from a client it trusts to
   * assert the submitter (one that authenticated), else {@code AUTH=<>} (RFC 4954 section 5).
   */
  public MailParameters trustingAuth(boolean clientTrusted) {
    if (auth == null || auth == AuthParameter.UNKNOWN || clientTrusted) {
      return this;
    }
    return new MailParameters(size, body, smtputf8, other, AuthParameter.UNKNOWN, requireTls);
  }

  /** The body type to assume: {@code body}, or 7BIT when absent (RFC 6152 section 2). */
  public BodyType effectiveBody() {
    return body == null ? BodyType.SEVEN_BIT : body;
  }
}
