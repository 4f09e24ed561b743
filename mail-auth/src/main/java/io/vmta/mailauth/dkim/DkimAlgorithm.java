package io.vmta.mailauth.dkim;

import java.util.Locale;

/** The signing algorithms of RFC 6376 3.3 and RFC 8463 3 that this server signs with. */
public enum DkimAlgorithm {
  /** RFC 6376 3.3.1: RSASSA-PKCS1-v1_5 over SHA-256; 2048-bit keys by default (RFC 8301 3.2). */
  RSA_SHA256("rsa-sha256", "rsa", "RSA", "SHA256withRSA"),
  /** RFC 8463 3: PureEdDSA (Ed25519) over the SHA-256 hash of the data to be signed. */
  ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519", "Ed25519");

  private final String tag;
  private final String keyType;
  private final String jcaKey;
  private final String jcaSignature;

  DkimAlgorithm(String tag, String keyType, String jcaKey, String jcaSignature) {
    this.tag = tag;
    this.keyType = keyType;
    this.jcaKey = jcaKey;
    this.jcaSignature = jcaSignature;
  }

  /** The {@code a=} tag value, also the configuration value, e.g. {@code rsa-sha256}. */
  public String tag() {
    return tag;
  }

  /** The {@code k=} value of the key record (RFC 6376 3.6.1), e.g. {@code rsa}. */
  public String keyType() {
    return keyType;
  }

  /** The JCA key algorithm name ({@code KeyFactory}, {@code KeyPairGenerator}). */
  public String jcaKey() {
    return jcaKey;
  }

  /** The JCA {@code Signature} algorithm name. */
  String jcaSignature() {
    return jcaSignature;
  }

  /** The algorithm of an {@code a=} tag or configuration value. */
  public static DkimAlgorithm fromTag(String tag) {
    String t = tag.toLowerCase(Locale.ROOT);
    for (DkimAlgorithm a : values()) {
      if (a.tag.equals(t)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown DKIM algorithm: " + tag);
  }
}
