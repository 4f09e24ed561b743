package io.vmta.smtp.server;

import static io.vmta.smtp.core.x509.Der.explicit;
import static io.vmta.smtp.core.x509.Der.oid;
import static io.vmta.smtp.core.x509.Der.sequence;

import io.vmta.smtp.core.x509.Der;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A self-signed certificate and its key, PEM, for when no certificate is configured: RSA 2048
 * (every SMTP client has it) signed with SHA-256, the host name as CN and as subjectAltName
 * (RFC 6125 6.4.4: clients look at the SAN), valid for {@link #VALIDITY}. Made with
 * {@code java.security} and a small DER encoder ({@link Der}), so no JDK-internal API and no
 * library: Vert.x's and Netty's generators can do neither a SAN nor a chosen validity.
 */
public record SelfSignedPair(String certificatePem, String privateKeyPem) {

  /** How long a generated certificate is valid. */
  public static final Duration VALIDITY = Duration.ofDays(180);
  /** A generated certificate with less than this left is made anew at start. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";

  public SelfSignedPair {
    Objects.requireNonNull(certificatePem);
    Objects.requireNonNull(privateKeyPem);
  }

  /** A new pair for {@code hostname}, valid from an hour before {@code now} for {@link #VALIDITY}. */
  public static SelfSignedPair create(String hostname, Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair keys = generator.generateKeyPair();
      byte[] algorithm = sequence(oid(SHA256_WITH_RSA), Der.nul());
      byte[] name = sequence(Der.set(sequence(oid(COMMON_NAME), Der.utf8String(hostname))));
      byte[] serial = new byte[16];
      new SecureRandom().nextBytes(serial);
      serial[0] &= 0x7f;
      byte[] tbs = sequence(
          explicit(0, Der.integer(BigInteger.TWO)), // v3
          Der.integer(new BigInteger(1, serial)),
          algorithm,
          name,
          sequence(Der.time(now.minus(Duration.ofHours(1)).atZone(ZoneOffset.UTC)),
              Der.time(now.plus(VALIDITY).atZone(ZoneOffset.UTC))),
          name,
          keys.getPublic().getEncoded(), // SubjectPublicKeyInfo, DER already
          explicit(3, sequence(
              // RFC 5280 4.2.1.6: a dNSName, [2] IMPLICIT IA5String.
              sequence(oid(SUBJECT_ALT_NAME), Der.octetString(sequence(
                  Der.tlv(0x82, hostname.getBytes(StandardCharsets.US_ASCII))))),
              // RFC 5280 4.2.1.9: not a CA (an empty SEQUENCE: cA defaults to false).
              sequence(oid(BASIC_CONSTRAINTS), Der.octetString(sequence())))));
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(keys.getPrivate());
      signer.update(tbs);
      byte[] certificate = sequence(tbs, algorithm, Der.bitString(signer.sign()));
      return new SelfSignedPair(pem("CERTIFICATE", certificate),
          pem("PRIVATE KEY", keys.getPrivate().getEncoded())); // PKCS#8
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a self-signed certificate: " + e, e);
    }
  }

  /**
   * Whether the certificate in {@code pem} should be made anew at {@code now}: it expires within
   * {@link #RENEW_BEFORE}, is valid much longer than {@link #VALIDITY} (the old kind, until
   * 9999), does not name {@code hostname} in a subjectAltName, or cannot be read.
   */
  public static boolean needsRenewal(String pem, String hostname, Instant now) {
    try {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      Instant notAfter = cert.getNotAfter().toInstant();
      return notAfter.isBefore(now.plus(RENEW_BEFORE))
          || notAfter.isAfter(now.plus(VALIDITY).plus(Duration.ofDays(1)))
          || !dnsNames(cert).contains(hostname.toLowerCase(java.util.Locale.ROOT));
    } catch (GeneralSecurityException | RuntimeException e) {
      return true;
    }
  }

  private static List<String> dnsNames(X509Certificate cert) throws GeneralSecurityException {
    Collection<List<?>> names = cert.getSubjectAlternativeNames();
    if (names == null) {
      return List.of();
    }
    return names.stream().filter(n -> Integer.valueOf(2).equals(n.get(0)))
        .map(n -> n.get(1).toString().toLowerCase(java.util.Locale.ROOT)).toList();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
