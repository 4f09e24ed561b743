package io.vmta.mailauth.dkim;

import java.util.Locale;

/** The results of checking one DKIM signature (RFC 8601 section 2.7.1), as headers write them. */
public enum DkimResult {
  NONE, PASS, FAIL, POLICY, NEUTRAL, TEMPERROR, PERMERROR;

  /** The lower-case token of RFC 8601, e.g. {@code temperror}. */
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }
}
