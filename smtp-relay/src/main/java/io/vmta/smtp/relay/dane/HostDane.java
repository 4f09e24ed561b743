package io.vmta.smtp.relay.dane;

/**
 * What DANE (RFC 7672 section 2.2) says about one MX host: nothing (no DNSSEC, or a secure denial
 * of TLSA records), authenticated TLS by its TLSA records, TLS without authentication (a secure
 * TLSA set with no usable record), or do not use this host (its TLSA lookup failed, or it is not
 * in the secure MX set).
 */
public sealed interface HostDane {

  /** No DANE for this host: the level of {@code relay.tls.policy} applies as it is. */
  record None(String why) implements HostDane {
  }

  /** Usable TLSA records: TLS is mandatory and the certificate must match one of them. */
  record Authenticated(DaneVerifier verifier) implements HostDane {
  }

  /**
   * A secure TLSA set of which no record is usable: TLS is mandatory, the certificate is not
   * authenticated (RFC 7672 section 2.2, as Postfix's "encrypt" for that host).
   */
  record EncryptOnly() implements HostDane {
  }

  /** Not to be tried: mail would go without the protection DNS may ask for (RFC 7672 section 2.1.1). */
  record Skip(String reason) implements HostDane {
  }
}
