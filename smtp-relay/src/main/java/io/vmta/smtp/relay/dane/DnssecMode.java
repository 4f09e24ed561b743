package io.vmta.smtp.relay.dane;

/**
 * {@code relay.dnssec}: whether, and how, the relay knows that a DNS answer is DNSSEC-validated,
 * which DANE (RFC 7672) needs. See docs/tls.md, "DANE", for why {@link #VALIDATE} is the right
 * choice and {@link #TRUST_AD} only for a validating resolver on the same host.
 */
public enum DnssecMode {
  /** No DNSSEC, so no DANE: the default (DESIGN.md). JSON {@code false}. */
  OFF("false"),
  /**
   * vmta validates every answer it needs for DANE itself (dnsjava's {@code ValidatingResolver})
   * from the root trust anchor (or {@code relay.dnssecTrustAnchors}), whatever the upstream
   * resolver says. JSON {@code "validate"} (or {@code true}).
   */
  VALIDATE("validate"),
  /**
   * The upstream resolvers validate, and their AD bit is believed (RFC 4035 section 3.2.3, RFC
   * 6840 section 5.7): only for a resolver on this host or at the end of a trusted path.
   * JSON {@code "trust-ad"}.
   */
  TRUST_AD("trust-ad");

  private final String jsonName;

  DnssecMode(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The JSON form: {@code false}, {@code "validate"} or {@code "trust-ad"}. */
  public Object toJson() {
    return this == OFF ? Boolean.FALSE : jsonName;
  }

  /** The mode of a JSON value ({@code true}, {@code false} or a name in any case), or null when it names none. */
  public static DnssecMode parse(Object value) {
    if (value instanceof Boolean b) {
      return b ? VALIDATE : OFF;
    }
    if (value instanceof String s) {
      for (DnssecMode m : values()) {
        if (m.jsonName.equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
      if ("true".equalsIgnoreCase(s.trim())) {
        return VALIDATE;
      }
    }
    return null;
  }
}
