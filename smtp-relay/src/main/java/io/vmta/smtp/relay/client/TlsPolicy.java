package io.vmta.smtp.relay.client;

/** When the client uses STARTTLS (RFC 3207) on a plaintext connection. */
public enum TlsPolicy {
  /** Never start TLS, even when offered. */
  NONE,
  /**
   * Start TLS when offered, without verifying the certificate (RFC 7435 opportunistic security);
   * when the handshake fails, deliver over a new plaintext connection.
   */
  OPPORTUNISTIC,
  /** Deliver only over TLS: not offered, refused or a failed handshake defers with 4.7.x. */
  REQUIRED
}
