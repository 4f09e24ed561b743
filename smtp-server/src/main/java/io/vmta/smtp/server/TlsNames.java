package io.vmta.smtp.server;

import io.vmta.smtp.core.config.ConfigException;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The protocol and cipher suite names {@code tls.protocols} and {@code tls.ciphers} may use: the
 * ones this JDK supports (not only those enabled by default), read once.
 */
final class TlsNames {

  /** TLS 1.2 and 1.3: SSLv3, TLS 1.0 and 1.1 are deprecated by RFC 8996. */
  static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * The TLS 1.3 suites (all AEAD, all forward-secret) and, for TLS 1.2, only ECDHE with AES-GCM
   * or ChaCha20-Poly1305 (RFC 9325 4.2): no CBC, no static RSA key exchange, no DHE (whose group
   * the client cannot choose), no SHA-1.
   */
  static final List<String> DEFAULT_CIPHERS = List.of(
      "TLS_AES_256_GCM_SHA384",
      "TLS_AES_128_GCM_SHA256",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsNames() {
  }

  /** {@code name} if the JDK supports that protocol, else an error naming {@code path}. */
  static String protocol(String name, String path) {
    return check(name, path, Supported.PROTOCOLS, "a TLS protocol this JVM supports");
  }

  /** {@code name} if the JDK supports that cipher suite (JSSE/IANA name), else an error. */
  static String cipher(String name, String path) {
    return check(name, path, Supported.CIPHERS, "a cipher suite name (IANA) this JVM supports,"
        + " like \"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"");
  }

  private static String check(String name, String path, Set<String> supported, String expected) {
    if (!supported.contains(name)) {
      throw new ConfigException(path, "must be " + expected + ", got \"" + name + "\"");
    }
    return name;
  }

  /** Loaded on first use: making an SSLContext reads the JDK's security configuration. */
  private static final class Supported {
    static final Set<String> PROTOCOLS;
    static final Set<String> CIPHERS;

    static {
      try {
        SSLParameters p = SSLContext.getDefault().getSupportedSSLParameters();
        PROTOCOLS = Set.of(p.getProtocols());
        CIPHERS = Set.of(p.getCipherSuites());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM has no TLS", e);
      }
    }
  }
}
