package io.vmta.smtp.relay.client;

/**
 * How a TLS peer was authenticated, by the words of Postfix's "... TLS connection established"
 * log line: checked whatever the level, enforced only where the level says so.
 */
public enum PeerTrust {
  /** The chain leads to a trusted CA and the certificate names the host connected to. */
  VERIFIED("Verified"),
  /** The chain leads to a trusted CA, but the certificate does not name the host. */
  TRUSTED("Trusted"),
  /** The chain does not verify (unknown CA, expired, malformed) or there is none. */
  UNTRUSTED("Untrusted");

  private final String word;

  PeerTrust(String word) {
    this.word = word;
  }

  /** Postfix's word: {@code Verified}, {@code Trusted} or {@code Untrusted}. */
  public String word() {
    return word;
  }

  /** The trust named by {@link #word()} (any case), or null. */
  public static PeerTrust parse(String text) {
    for (PeerTrust t : values()) {
      if (t.word.equalsIgnoreCase(text)) {
        return t;
      }
    }
    return null;
  }
}
