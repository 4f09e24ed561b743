package io.vmta.smtp.relay.requiretls;

import io.vmta.smtp.core.Reply;
import io.vmta.smtp.relay.client.PeerTrust;
import io.vmta.smtp.relay.client.SmtpClientException;
import io.vmta.smtp.relay.client.SmtpClientSession;
import io.vmta.smtp.relay.client.TlsLevel;

/**
 * What REQUIRETLS (RFC 8689 section 4.2.1) asks of a relay, and how the {@code TLS-Required: No}
 * header field (section 4.2.2) relaxes the TLS policies of a destination. docs/tls.md "REQUIRETLS".
 *
 * <p>A message with REQUIRETLS goes only to a host reached over TLS whose certificate verified
 * (level {@code verify}: chain and MX or smarthost name) and that offers REQUIRETLS after
 * STARTTLS; each MX host is tried in turn; when none qualifies for a policy reason the recipients
 * fail permanently: 5.7.10 (no TLS, or a certificate that did not verify) or 5.7.30 (a verified
 * host without REQUIRETLS), as section 4.2.1 lists them. A host that cannot be reached at all is
 * a transient failure as for any message: the message waits and another attempt may find a
 * qualifying host.
 */
public final class RequireTls {

  /** X.7.30 "REQUIRETLS support required" (RFC 8689 section 6). */
  public static final String NOT_OFFERED = "5.7.30";
  /** X.7.10 "Encryption needed" (RFC 5248), for "unable to establish a TLS-protected session". */
  public static final String NO_VERIFIED_TLS = "5.7.10";

  private RequireTls() {
  }

  /**
   * The level a host gets for a message with REQUIRETLS: {@code verify}, whatever the destination's
   * own level, as the RFC wants a certificate verified by its chain and the MX host name.
   * TODO(DANE): a host with a DNSSEC-secure TLSA set may stand in with level {@code dane} once
   * the DANE work makes that level authenticate (RFC 8689 section 4.2.1 step 4 allows either).
   */
  public static TlsLevel levelFor(TlsLevel destinationLevel) {
    return TlsLevel.VERIFY;
  }

  /** Whether {@code session} may carry a REQUIRETLS message: verified TLS, REQUIRETLS offered. */
  public static boolean qualifies(SmtpClientSession session) {
    return session.isTls() && session.tlsStatus().trust() == PeerTrust.VERIFIED
        && session.capabilities().requireTls();
  }

  /** The failure of a session that did not qualify (after TLS, so: REQUIRETLS not offered). */
  public static SmtpClientException notOffered(SmtpClientSession session, String relay) {
    return SmtpClientException.local("REQUIRETLS not offered by " + relay, Reply.of(550, NOT_OFFERED,
        "REQUIRETLS support required: " + relay + " does not offer REQUIRETLS (RFC 8689 section 4.2.1)"
            + " (synthesized by the client)"), null).withTls(session.tlsStatus());
  }

  /**
   * The permanent status for a host that failed a REQUIRETLS message, or null when the failure
   * says nothing about the host's TLS (a connection refused, a 4xx greeting: transient). The
   * client fails a level it cannot meet with 4.7.x (no STARTTLS, a failed handshake, a
   * certificate that did not verify).
   */
  public static String policyStatus(Throwable e) {
    if (!(e instanceof SmtpClientException ce) || ce.reply() == null || ce.reply().status() == null) {
      return null;
    }
    String status = ce.reply().status().toString();
    if (status.equals(NOT_OFFERED)) {
      return NOT_OFFERED;
    }
    return status.startsWith("4.7.") ? NO_VERIFIED_TLS : null;
  }

  /** What the hosts tried for one REQUIRETLS delivery said: all refused for policy reasons, or not. */
  public static final class Tally {
    private boolean transientSeen;
    private boolean notOfferedSeen;
    private int policyFailures;

    /** Counts the failure of one host. */
    public void failed(Throwable e) {
      String status = policyStatus(e);
      if (status == null) {
        transientSeen = true;
      } else {
        policyFailures++;
        notOfferedSeen |= status.equals(NOT_OFFERED);
      }
    }

    /**
     * The status to bounce with when every host tried failed the requirement (5.7.30 when one was
     * verified but lacked REQUIRETLS, else 5.7.10), or null when the message should wait.
     */
    public String permanentStatus() {
      if (transientSeen || policyFailures == 0) {
        return null;
      }
      return notOfferedSeen ? NOT_OFFERED : NO_VERIFIED_TLS;
    }
  }
}
