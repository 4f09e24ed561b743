package io.vmta.smtp.relay.client;

import java.security.cert.Certificate;
import java.util.List;

/**
 * How the client judges a server's certificate after the TLS handshake, before anything is sent
 * over it: {@link PeerVerifier} (PKIX, the trust store and the host name) or DANE's TLSA match
 * ({@code io.vmta.smtp.relay.dane.DaneVerifier}). May be CPU work: called on a worker.
 */
public interface PeerCheck {

  /**
   * How far {@code chain} (the leaf first, as the server sent it) is to be trusted for the host
   * {@code host}.
   */
  PeerVerifier.Result check(List<? extends Certificate> chain, String host);

  /**
   * Whether this check makes authenticated TLS mandatory whatever the {@link TlsLevel} says: a
   * DNSSEC-secure set of usable TLSA records does (RFC 7672 section 2.2). False by default.
   */
  default boolean requiresVerifiedTls() {
    return false;
  }
}
