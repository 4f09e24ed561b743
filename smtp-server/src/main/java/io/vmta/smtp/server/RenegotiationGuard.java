package io.vmta.smtp.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the JDK's TLS servers refuse a renegotiation the client starts (TLS 1.2; TLS 1.3 has
 * none): each one costs the server a full handshake, so a client that asks again and again can
 * keep a core busy for free (CVE-2011-1473). The JDK has no per-engine switch for this, Vert.x
 * and Netty none for the JDK engine (only Netty's OpenSSL engine, which needs netty-tcnative,
 * refuses it on its own), so this sets the JVM-wide system property
 * {@code jdk.tls.rejectClientInitiatedRenegotiation}. The JDK reads it once, when its first
 * server handshake starts, so it must be set before: the product's main and
 * {@link SmtpServerVerticle}'s class initialisation both call {@link #install()}.
 */
public final class RenegotiationGuard {

  /** The JDK system property (read by {@code sun.security.ssl.ServerHandshakeContext}). */
  public static final String PROPERTY = "jdk.tls.rejectClientInitiatedRenegotiation";

  private RenegotiationGuard() {
  }

  /**
   * Sets the property to {@code true} unless it was set already (an operator's explicit
   * {@code -Djdk.tls.rejectClientInitiatedRenegotiation=false} wins, with a warning).
   */
  public static synchronized void install() {
    String current = System.getProperty(PROPERTY);
    if (current == null) {
      System.setProperty(PROPERTY, "true");
    } else if (!Boolean.parseBoolean(current)) {
      // Looked up here, not in a static field: main calls this before logging is configured.
      Logger log = LoggerFactory.getLogger(RenegotiationGuard.class);
      log.warn("-D{}={}: TLS clients may renegotiate, which costs the server a handshake each time",
          PROPERTY, current);
    }
  }
}
