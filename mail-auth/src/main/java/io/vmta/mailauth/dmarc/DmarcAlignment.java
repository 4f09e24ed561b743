package io.vmta.mailauth.dmarc;

/** Identifier alignment modes, {@code adkim=} and {@code aspf=} (RFC 7489 3.1). */
public enum DmarcAlignment {
  /** {@code r}: the two domains share an organizational domain. */
  RELAXED,
  /** {@code s}: the two domains are equal. */
  STRICT;

  /** Whether {@code authenticated} aligns with {@code from} in this mode (both lower case). */
  public boolean aligned(String authenticated, String from) {
    if (authenticated == null || authenticated.isEmpty()) {
      return false;
    }
    String a = OrganizationalDomain.normalize(authenticated);
    String f = OrganizationalDomain.normalize(from);
    return switch (this) {
      case STRICT -> a.equals(f);
      case RELAXED -> OrganizationalDomain.of(a).equals(OrganizationalDomain.of(f));
    };
  }

  /** {@code r} or {@code s} (case-insensitive), or null. */
  static DmarcAlignment parse(String token) {
    if ("r".equalsIgnoreCase(token)) {
      return RELAXED;
    }
    return "s".equalsIgnoreCase(token) ? STRICT : null;
  }
}
