package io.vmta.smtp.relay.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Checks a server's certificate after the TLS handshake: the chain against the JDK's trust store
 * and, when given, the CAs of a PEM bundle ({@code relay.tls.caFile}); the name against the host
 * connected to ({@link HostnameMatch}). The handshake itself trusts every certificate, so that
 * levels that do not enforce verification still learn (and log) how the peer would have fared,
 * as Postfix does; nothing is sent over the connection before this check has decided. Building
 * one reads files (blocking); {@link #check} is CPU work of a few signature verifications.
 */
public final class PeerVerifier implements PeerCheck {

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");
  private static volatile PeerVerifier jdkDefault;

  private final List<X509TrustManager> trustManagers;

  private PeerVerifier(List<X509TrustManager> trustManagers) {
    this.trustManagers = List.copyOf(trustManagers);
  }

  /** The outcome of a check: the trust, and why it is not {@link PeerTrust#VERIFIED} (or null). */
  public record Result(PeerTrust trust, String reason) {
  }

  /** The JDK's trust store only; made once per JVM (blocking the first time: it reads cacerts). */
  public static PeerVerifier jdkDefault() {
    PeerVerifier v = jdkDefault;
    if (v == null) {
      v = new PeerVerifier(List.of(trustManager(null)));
      jdkDefault = v;
    }
    return v;
  }

  /**
   * The JDK's trust store plus the certificates of the PEM bundle {@code caFile}, or the JDK's
   * alone when it is null; blocking (it reads files).
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  public static PeerVerifier create(Path caFile) {
    if (caFile == null) {
      return jdkDefault();
    }
    List<X509Certificate> cas = readPem(caFile);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca" + i, cas.get(i));
      }
      return new PeerVerifier(List.of(trustManager(store), trustManager(null)));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot use the CAs of " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** The certificates of a PEM bundle; text around them is ignored. */
  static List<X509Certificate> readPem(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<X509Certificate> out = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException | IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " holds a malformed certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no PEM certificate");
    }
    return out;
  }

  /**
   * How far {@code chain} (the leaf first, as the server sent it) is to be trusted for the host
   * {@code host} (a name as found in DNS or configured, or an IP literal).
   */
  @Override
  public Result check(List<? extends Certificate> chain, String host) {
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate)) {
      return new Result(PeerTrust.UNTRUSTED, "no X.509 certificate");
    }
    X509Certificate[] certs = chain.stream().filter(X509Certificate.class::isInstance)
        .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    String authType = authType(certs[0]);
    String failure = null;
    boolean trusted = false;
    for (X509TrustManager tm : trustManagers) {
      try {
        tm.checkServerTrusted(certs, authType);
        trusted = true;
        break;
      } catch (CertificateException | RuntimeException e) {
        failure = failure == null ? String.valueOf(e.getMessage()) : failure;
      }
    }
    if (!trusted) {
      return new Result(PeerTrust.UNTRUSTED, "certificate chain not trusted: " + failure);
    }
    if (!HostnameMatch.matches(certs[0], host)) {
      return new Result(PeerTrust.TRUSTED, "certificate does not name " + host);
    }
    return new Result(PeerTrust.VERIFIED, null);
  }

  /**
   * The same trust for a handshake that must verify as it happens (the HTTPS fetch of MTA-STS
   * policies): the JDK's trust store or the CAs of {@code relay.tls.caFile}, with the host name
   * checked by the engine's endpoint identification.
   */
  public javax.net.ssl.X509ExtendedTrustManager trustManager() {
    return new AnyTrustManager(trustManagers);
  }

  /** An authType the JDK's end-entity check accepts for the key (the signature-based kinds). */
  private static String authType(X509Certificate leaf) {
    return switch (leaf.getPublicKey().getAlgorithm()) {
      case "RSA" -> "ECDHE_RSA";
      case "EC" -> "ECDHE_ECDSA";
      default -> "UNKNOWN";
    };
  }

  private static X509TrustManager trustManager(KeyStore store) {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509TrustManager in " + f.getAlgorithm());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the trust store: " + e.getMessage(), e);
    }
  }
}
