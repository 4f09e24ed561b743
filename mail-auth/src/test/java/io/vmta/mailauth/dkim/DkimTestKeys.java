package io.vmta.mailauth.dkim;

import io.vmta.mailauth.testing.FakeDnsServer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** Key pairs for the verifier's tests and the TXT records that publish them. */
final class DkimTestKeys {

  static final KeyPair RSA = pair("RSA", 2048);
  static final KeyPair ED = pair("Ed25519", 0);

  private DkimTestKeys() {
  }

  static KeyPair pair(String algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (bits > 0) {
        g.initialize(bits);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code p=} value: SubjectPublicKeyInfo for RSA, the raw 32 octets for Ed25519 (RFC 8463 4.2). */
  static String p(PublicKey key) {
    byte[] der = key.getEncoded();
    return Base64.getEncoder().encodeToString(key.getAlgorithm().equals("RSA") ? der
        : Arrays.copyOfRange(der, der.length - 32, der.length));
  }

  /** The key record of {@code key}: {@code v=DKIM1; k=...; p=...}. */
  static String record(PublicKey key) {
    return "v=DKIM1; k=" + (key.getAlgorithm().equals("RSA") ? "rsa" : "ed25519") + "; p=" + p(key);
  }

  /** Publishes {@code text} at {@code <selector>._domainkey.<domain>} in strings of at most 255 octets. */
  static void publish(FakeDnsServer dns, String selector, String domain, String text) {
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < text.length(); i += 255) {
      strings.add(text.substring(i, Math.min(text.length(), i + 255)));
    }
    dns.txt(selector + "._domainkey." + domain, strings.toArray(String[]::new));
  }
}
