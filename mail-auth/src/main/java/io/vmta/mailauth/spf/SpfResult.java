package io.vmta.mailauth.spf;

import java.util.Locale;

/** The results of an SPF check (RFC 7208 section 2.6), as they appear in headers. */
public enum SpfResult {
  NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

  /** The lower-case token of RFC 7208 and RFC 8601, e.g. {@code softfail}. */
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }
}
