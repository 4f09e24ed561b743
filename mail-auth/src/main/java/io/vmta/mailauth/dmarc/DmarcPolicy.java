package io.vmta.mailauth.dmarc;

import java.util.Locale;

/** A DMARC policy ({@code p=}, {@code sp=}) and the disposition it asks for (RFC 7489 6.3). */
public enum DmarcPolicy {
  NONE, QUARANTINE, REJECT;

  /** The lower-case token of the record and of RFC 8601 comments, e.g. {@code quarantine}. */
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The next lower policy, for a failing message that {@code pct} did not select (RFC 7489 6.6.4):
   * reject becomes quarantine, quarantine becomes none, none stays none.
   */
  public DmarcPolicy lower() {
    return switch (this) {
      case REJECT -> QUARANTINE;
      case QUARANTINE, NONE -> NONE;
    };
  }

  /** The policy named {@code token} (case-insensitive), or null when it names none. */
  static DmarcPolicy parse(String token) {
    for (DmarcPolicy p : values()) {
      if (p.token().equalsIgnoreCase(token)) {
        return p;
      }
    }
    return null;
  }
}
