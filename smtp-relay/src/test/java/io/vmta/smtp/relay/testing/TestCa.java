package io.vmta.smtp.relay.testing;

import static io.vmta.smtp.core.x509.Der.concat;
import static io.vmta.smtp.core.x509.Der.oid;
import static io.vmta.smtp.core.x509.Der.sequence;
import static io.vmta.smtp.core.x509.Der.tlv;

import io.vmta.smtp.core.x509.Der;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A certificate authority made in the test, with the JDK's key generators and a few DER
 * encodings (ITU-T X.690): EC P-256 keys, ECDSA with SHA-256. It issues server certificates with
 * the names and validity a test asks for; {@link #writePem} gives the CA as a PEM bundle for
 * {@code relay.tls.caFile}.
 */
public final class TestCa {

  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";

  private final String name;
  private final KeyPair keys;
  private final X509Certificate certificate;

  /** A server certificate and its key, ready for a Vert.x server. */
  public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate issuer) {
    /** The key and the chain (leaf, then the CA) for a Vert.x server. */
    public KeyCertOptions keyCertOptions() {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, "test".toCharArray(), new Certificate[] {certificate, issuer});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, "test".toCharArray());
        return new PfxOptions().setValue(Buffer.buffer(out.toByteArray())).setPassword("test");
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Writes the chain (leaf, then the CA) and the PKCS#8 key as PEM, for a server outside the JVM. */
    public void writePem(Path chainFile, Path keyFile) {
      try {
        Files.writeString(chainFile, pem("CERTIFICATE", certificate.getEncoded()) + pem("CERTIFICATE", issuer.getEncoded()),
            StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private TestCa(String name, KeyPair keys, X509Certificate certificate) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A new CA named {@code name}, valid from a day ago for a year. */
  public static TestCa create(String name) {
    KeyPair keys = newKeys();
    byte[] subject = name(name);
    Instant now = Instant.now();
    byte[] tbs = tbs(subject, subject, keys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)),
        // RFC 5280 4.2.1.9: cA TRUE, critical.
        sequence(oid(BASIC_CONSTRAINTS), tlv(0x01, new byte[] {(byte) 0xff}),
            tlv(0x04, sequence(tlv(0x01, new byte[] {(byte) 0xff})))));
    return new TestCa(name, keys, sign(tbs, keys.getPrivate()));
  }

  /** The CA's own certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** A server certificate for {@code names} (host names, or IP literals), valid now for a month. */
  public Issued issue(String... names) {
    Instant now = Instant.now();
    return issue(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), names);
  }

  /** A server certificate for {@code names}, valid from {@code notBefore} to {@code notAfter}. */
  public Issued issue(Instant notBefore, Instant notAfter, String... names) {
    return issue(names[0], notBefore, notAfter, names);
  }

  /** A server certificate with the subject CN {@code cn} and the subjectAltNames {@code names}. */
  public Issued issueWithCommonName(String cn, String... names) {
    Instant now = Instant.now();
    return issue(cn, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), names);
  }

  private Issued issue(String cn, Instant notBefore, Instant notAfter, String... names) {
    KeyPair leaf = newKeys();
    List<byte[]> sans = new ArrayList<>();
    for (String n : names) {
      if (n.chars().allMatch(c -> c == '.' || Character.isDigit(c)) || n.contains(":")) {
        try {
          sans.add(tlv(0x87, InetAddress.getByName(n).getAddress()));  // iPAddress [7]
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else {
        sans.add(tlv(0x82, n.getBytes(StandardCharsets.US_ASCII)));  // dNSName [2]
      }
    }
    byte[] extension = sequence(oid(SUBJECT_ALT_NAME), tlv(0x04, sequence(sans.toArray(byte[][]::new))));
    byte[] tbs = tbs(name(cn), name(name), leaf, notBefore, notAfter, extension);
    return new Issued(sign(tbs, keys.getPrivate()), leaf.getPrivate(), certificate);
  }

  /** A certificate whose only name is the subject CN {@code cn} (no subjectAltName). */
  public Issued issueCommonNameOnly(String cn) {
    KeyPair leaf = newKeys();
    Instant now = Instant.now();
    byte[] tbs = tbs(name(cn), name(name), leaf, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), null);
    return new Issued(sign(tbs, keys.getPrivate()), leaf.getPrivate(), certificate);
  }

  /** Writes the CA certificate as PEM into {@code file} (with a comment line, as bundles have). */
  public Path writePem(Path file) {
    try {
      Files.writeString(file, "# " + name + "\n" + pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
      return file;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] tbs(byte[] subject, byte[] issuer, KeyPair keys, Instant notBefore, Instant notAfter,
      byte[] extension) {
    byte[] serial = new byte[12];
    new SecureRandom().nextBytes(serial);
    serial[0] &= 0x7f;
    List<byte[]> parts = new ArrayList<>(List.of(
        tlv(0xA0, tlv(0x02, BigInteger.TWO.toByteArray())),  // v3
        tlv(0x02, new BigInteger(1, serial).toByteArray()),
        sequence(oid(ECDSA_WITH_SHA256)),
        issuer,
        sequence(time(notBefore), time(notAfter)),
        subject,
        keys.getPublic().getEncoded()));
    if (extension != null) {
      parts.add(tlv(0xA3, sequence(extension)));
    }
    return sequence(parts.toArray(byte[][]::new));
  }

  private static X509Certificate sign(byte[] tbs, PrivateKey key) {
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(tbs);
      byte[] der = sequence(tbs, sequence(oid(ECDSA_WITH_SHA256)), tlv(0x03, concat(new byte[] {0}, signer.sign())));
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] name(String cn) {
    return sequence(Der.set(sequence(oid(COMMON_NAME), Der.utf8String(cn))));
  }

  private static byte[] time(Instant t) {
    return Der.time(t.atZone(ZoneOffset.UTC));
  }
}
