package io.vmta.mailauth.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A DKIM key record (RFC 6376 3.6.1, RFC 8463 4.2) read from the TXT record at
 * {@code <s>._domainkey.<d>}, checked against the signature that asked for it.
 *
 * @param key     the public key
 * @param testing {@code t=y}: the domain is testing DKIM
 */
record DkimKeyRecord(PublicKey key, boolean testing) {

  /** RFC 8301 3.2: verifiers MUST NOT consider signatures with RSA keys under 1024 bits valid. */
  static final int MIN_RSA_BITS = 1024;
  /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 4), followed by the 32 raw octets. */
  private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");
  /** The DER prefix of an RSA SubjectPublicKeyInfo's AlgorithmIdentifier (rsaEncryption, NULL). */
  private static final byte[] RSA_ALGORITHM = HexFormat.of().parseHex("300d06092a864886f70d0101010500");

  /**
   * The key of the TXT record texts at the key's name: the first record whose {@code v=}, if
   * any, is {@code DKIM1} (records with another version are discarded, RFC 6376 3.6.1; RFC 6376
   * 3.6.2.2 leaves several records undefined, so the first acceptable one is used).
   *
   * @param maxRsaBits larger RSA keys are refused (bounded work)
   * @throws DkimCheckException permerror for no usable record, a record that does not parse, a
   *                            revoked key, a key that does not fit the signature; fail for an RSA
   *                            key under 1024 bits
   */
  static DkimKeyRecord select(List<String> texts, DkimSignature signature, int maxRsaBits)
      throws DkimCheckException {
    for (String text : texts) {
      TagList tags;
      try {
        tags = TagList.parse(text);
      } catch (IllegalArgumentException e) {
        throw DkimCheckException.permerror("key record does not parse: " + e.getMessage());
      }
      String v = tags.value("v");
      if (v == null || v.equals("DKIM1")) {
        return of(tags, signature, maxRsaBits);
      }
    }
    throw DkimCheckException.permerror("no DKIM1 key record");
  }

  private static DkimKeyRecord of(TagList tags, DkimSignature signature, int maxRsaBits) throws DkimCheckException {
    String k = tags.value("k") == null ? "rsa" : tags.value("k").toLowerCase(Locale.ROOT);
    DkimAlgorithm algorithm = signature.algorithm();
    if (!k.equals(algorithm.keyType())) {
      throw DkimCheckException.permerror(k.equals("rsa") || k.equals("ed25519")
          ? "key type does not match a=" : "unknown key type");
    }
    List<String> hashes = list(tags.value("h"));
    if (hashes != null && !hashes.contains("sha256")) {
      throw DkimCheckException.permerror("key not for sha256 (h=)");
    }
    List<String> services = list(tags.value("s"));
    if (services != null && !services.contains("*") && !services.contains("email")) {
      throw DkimCheckException.permerror("key not for email (s=)");
    }
    List<String> flags = list(tags.value("t"));
    flags = flags == null ? List.of() : flags;
    if (flags.contains("s") && signature.identityDomain() != null
        && !signature.identityDomain().equals(signature.domain())) {
      throw DkimCheckException.permerror("i= is a subdomain of d= but the key has t=s");
    }
    String p = tags.value("p");
    if (p == null) {
      throw DkimCheckException.permerror("key record without p=");
    }
    p = TagList.stripWhitespace(p);
    if (p.isEmpty()) {
      throw DkimCheckException.permerror("key revoked (empty p=)");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(p);
    } catch (IllegalArgumentException e) {
      throw DkimCheckException.permerror("key record p= is not base64");
    }
    PublicKey key = algorithm == DkimAlgorithm.ED25519_SHA256 ? ed25519(der) : rsa(der, maxRsaBits);
    return new DkimKeyRecord(key, flags.contains("y"));
  }

  private static PublicKey ed25519(byte[] raw) throws DkimCheckException {
    if (raw.length != 32) {
      throw DkimCheckException.permerror("Ed25519 key is not 32 octets");
    }
    byte[] spki = new byte[ED25519_SPKI.length + 32];
    System.arraycopy(ED25519_SPKI, 0, spki, 0, ED25519_SPKI.length);
    System.arraycopy(raw, 0, spki, ED25519_SPKI.length, 32);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw DkimCheckException.permerror("Ed25519 key does not parse");
    }
  }

  /**
   * An RSA key as SubjectPublicKeyInfo (what RFC 6376 3.6.1 and every signer publish) or, as some
   * old records have it, a bare PKCS#1 RSAPublicKey.
   */
  private static PublicKey rsa(byte[] der, int maxRsaBits) throws DkimCheckException {
    RSAPublicKey key = parseRsa(der);
    if (key == null) {
      key = parseRsa(spki(der));
    }
    if (key == null) {
      throw DkimCheckException.permerror("RSA key does not parse");
    }
    int bits = key.getModulus().bitLength();
    if (bits < MIN_RSA_BITS) {
      throw DkimCheckException.fail("RSA key of " + bits + " bits, under " + MIN_RSA_BITS + " (RFC 8301)");
    }
    if (bits > maxRsaBits) {
      throw DkimCheckException.permerror("RSA key of " + bits + " bits, over " + maxRsaBits);
    }
    return key;
  }

  private static RSAPublicKey parseRsa(byte[] der) {
    try {
      return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /** PKCS#1 RSAPublicKey wrapped into a SubjectPublicKeyInfo: SEQUENCE { alg, BIT STRING { 0, key } }. */
  private static byte[] spki(byte[] pkcs1) {
    byte[] bitString = concat(new byte[] {0x03}, length(pkcs1.length + 1), new byte[] {0}, pkcs1);
    byte[] body = concat(RSA_ALGORITHM, bitString);
    return concat(new byte[] {0x30}, length(body.length), body);
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x100) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** A colon-separated list, trimmed, lower case; null for an absent tag. */
  private static List<String> list(String value) {
    if (value == null) {
      return null;
    }
    return TagList.split(value.toLowerCase(Locale.ROOT));
  }
}
