package io.vmta.smtp.relay.client;

import java.util.Locale;

/**
 * How much TLS a destination gets, by Postfix's names for its {@code smtp_tls_security_level}
 * ({@code relay.tls.policy}). Only {@link #MAY} ever falls back to plaintext; a level that cannot
 * be met defers the message with 4.7.x.
 */
public enum TlsLevel {
  /** Never STARTTLS, even when offered. */
  NONE,
  /**
   * STARTTLS when offered, certificate not enforced (RFC 7435 opportunistic security); a failed
   * handshake is retried once over a new plaintext connection. The default.
   */
  MAY,
  /** TLS is mandatory, the certificate is not enforced: no STARTTLS or a failed handshake defers. */
  ENCRYPT,
  /**
   * TLS is mandatory and the certificate must verify: a chain to a trusted CA (the JDK's trust
   * store and {@code relay.tls.caFile}) and a name matching the host connected to (the MX host
   * name as found in DNS, or the smarthost's configured name; RFC 7817 section 3, RFC 6125).
   */
  VERIFY,
  /**
   * Opportunistic DANE (RFC 7672), as Postfix's {@code dane}: TLSA records of the MX host, when
   * DNSSEC-validated, make authenticated TLS mandatory; without usable TLSA records the level is
   * {@link #MAY} ({@link #effective()}). With {@code relay.dnssec} on, DANE applies at
   * {@code may} and {@code encrypt} as well ({@code io.vmta.smtp.relay.dane.DanePolicy}); a host
   * with usable records gets this level and a {@link PeerCheck} that makes verified TLS mandatory.
   */
  DANE;

  /** The name in the configuration: {@code none}, {@code may}, ... */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The level named {@code text} (any case), or null when there is none by that name. */
  public static TlsLevel parse(String text) {
    for (TlsLevel level : values()) {
      if (level.jsonName().equalsIgnoreCase(text)) {
        return level;
      }
    }
    return null;
  }

  /**
   * The level the client applies by itself. {@link #DANE} is {@link #MAY}: the level of a host
   * without usable TLSA records; with them, the session's {@link PeerCheck#requiresVerifiedTls()}
   * makes verified TLS mandatory on top.
   */
  public TlsLevel effective() {
    return this == DANE ? MAY : this;
  }

  /** Whether mail goes only over TLS at this level (no plaintext, no fallback). */
  public boolean requiresTls() {
    TlsLevel e = effective();
    return e == ENCRYPT || e == VERIFY;
  }

  /**
   * This level for a message carrying {@code TLS-Required: No} (RFC 8689 section 4.2.2), when
   * the level comes from a policy the recipient domain published (MTA-STS, DANE): {@link #MAY},
   * so that TLS is still tried but a policy failure no longer holds the message. {@link #NONE}
   * and {@link #MAY} are kept. The operator's own {@code relay.tls.policy} entries and the
   * smarthost's settings are not recipient policies and are never relaxed (docs/tls.md).
   */
  public TlsLevel relaxedForTlsRequiredNo() {
    return this == NONE ? NONE : MAY;
  }

  /** Whether the server's certificate must verify at this level. */
  public boolean requiresVerification() {
    return effective() == VERIFY;
  }
}
