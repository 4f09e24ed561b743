package io.vmta.mailauth.dkim;

import io.vmta.smtp.core.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A signing key ready for use: its options and the private key loaded from its PEM file.
 *
 * @param options    what the configuration says
 * @param privateKey the key, of the algorithm's type
 */
public record DkimKey(DkimKeyOptions options, PrivateKey privateKey) {

  /** RFC 8301 3.2: signers MUST use RSA keys of at least 1024 bits. */
  static final int MIN_RSA_BITS = 1024;

  /**
   * Loads the key file of {@code options} (blocking: call it on a worker).
   *
   * @param path the configuration path of the item, e.g. {@code dkim.keys[0]}, for errors that
   *             name {@code dkim.keys[0].keyPath}
   * @throws ConfigException when the file is missing, unreadable, not PEM PKCS#8, or not a key of
   *                         the configured algorithm
   */
  public static DkimKey load(DkimKeyOptions options, String path) {
    String key = path + ".keyPath";
    String pem;
    try {
      pem = Files.readString(Path.of(options.keyPath()), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, "no such file: " + options.keyPath());
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(key, "cannot read " + options.keyPath() + ": " + e.getMessage());
    }
    return new DkimKey(options, parse(pem, options.algorithm(), key));
  }

  /** Parses a PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of {@code algorithm}. */
  static PrivateKey parse(String pem, DkimAlgorithm algorithm, String key) {
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new ConfigException(key, "must be a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----);"
          + " convert one with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
    }
    String base64 = pem.substring(begin + 27, end).replaceAll("\\s", "");
    try {
      PrivateKey privateKey = KeyFactory.getInstance(algorithm.jcaKey())
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
      if (privateKey instanceof RSAPrivateKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw new ConfigException(key, "an RSA key of " + rsa.getModulus().bitLength()
            + " bits; DKIM needs at least " + MIN_RSA_BITS + " (RFC 8301 3.2), 2048 is usual");
      }
      return privateKey;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ConfigException(key, "not a " + algorithm.jcaKey() + " private key as "
          + algorithm.tag() + " needs: " + e.getMessage());
    }
  }
}
