package io.vmta.mailauth.dmarc;

import java.util.Locale;

/** The results of a DMARC evaluation (RFC 7489 11.2), as {@code Authentication-Results} writes them. */
public enum DmarcResult {
  /** No policy record was found (or several were: RFC 7489 6.6.3 says apply none). */
  NONE,
  /** An aligned identifier passed SPF or DKIM. */
  PASS,
  /** A policy record exists and no aligned identifier passed. */
  FAIL,
  /** DNS trouble while looking for the policy; asking again later may help. */
  TEMPERROR,
  /** The policy record is malformed, or the From domain cannot be evaluated. */
  PERMERROR;

  /** The lower-case token, e.g. {@code temperror}. */
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }
}
