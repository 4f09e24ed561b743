package io.vmta.mailauth.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs messages with DKIM (RFC 6376 5): relaxed/relaxed, {@code t=}, no {@code l=}, the header
 * fields of {@link #SIGNED} that are present, and {@code From} once more than it occurs so that no
 * From field can be added without breaking the signature (over-signing, RFC 6376 8.15). Immutable
 * and thread-safe; signing is CPU work (see docs/architecture.md "DKIM signing" for where it runs).
 */
public final class DkimSigner {

  /** The header fields signed when present (RFC 6376 5.4.1's list, less the trace fields). */
  static final List<String> SIGNED = List.of("from", "sender", "reply-to", "subject", "date", "to", "cc",
      "message-id", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
      "content-id", "content-description", "list-id", "list-unsubscribe", "list-unsubscribe-post");

  private final Map<String, List<DkimKey>> byDomain = new HashMap<>();

  /** A signer with these keys (at most one per domain and algorithm, as {@link DkimOptions} ensures). */
  public DkimSigner(List<DkimKey> keys) {
    for (DkimKey k : keys) {
      byDomain.computeIfAbsent(k.options().domain(), d -> new ArrayList<>()).add(k);
    }
    // Ed25519 first, as in RFC 8463 Appendix A; the order does not matter to verifiers.
    byDomain.values().forEach(l -> l.sort((a, b) -> b.options().algorithm().compareTo(a.options().algorithm())));
  }

  /** Loads every configured key (blocking: on a worker); a ConfigException names the bad one. */
  public static DkimSigner load(DkimOptions options) {
    List<DkimKey> keys = new ArrayList<>();
    List<DkimKeyOptions> list = options.getKeys();
    for (int i = 0; i < list.size(); i++) {
      keys.add(DkimKey.load(list.get(i), "dkim.keys[" + i + "]"));
    }
    return new DkimSigner(keys);
  }

  /** Whether no key is configured (nothing is ever signed). */
  public boolean isEmpty() {
    return byDomain.isEmpty();
  }

  /**
   * The {@code DKIM-Signature} fields (each ending in CRLF) to put in front of {@code message}, one
   * per key of the domain of its From field; empty when that domain has no key or there is no
   * single From address ({@link FromDomain}).
   */
  public byte[] sign(byte[] message, Instant now) {
    HeaderFields headers = HeaderFields.parse(message);
    String domain = FromDomain.of(message, headers);
    List<DkimKey> keys = domain == null ? null : byDomain.get(domain);
    if (keys == null) {
      return new byte[0];
    }
    String bh = Base64.getEncoder().encodeToString(bodyHash(message, headers.bodyStart()));
    List<String> signed = signedNames(headers);
    StringBuilder out = new StringBuilder();
    for (DkimKey key : keys) {
      String unsigned = unsignedField(key.options(), now.getEpochSecond(), signed, bh);
      byte[] input = signatureInput(message, headers, signed, unsigned);
      out.append(unsigned).append(fold(Base64.getEncoder().encodeToString(sign(key, input)))).append("\r\n");
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The SHA-256 hash of the relaxed-canonicalized body (RFC 6376 3.7, {@code bh=}). */
  static byte[] bodyHash(byte[] message, int bodyStart) {
    MessageDigest sha256 = sha256();
    RelaxedCanonicalizer.body(message, bodyStart, message.length, sha256);
    return sha256.digest();
  }

  /** The {@code h=} names: each listed field as often as it occurs, {@code from} once more. */
  static List<String> signedNames(HeaderFields headers) {
    List<String> names = new ArrayList<>();
    for (String name : SIGNED) {
      int count = headers.named(name).size() + (name.equals("from") ? 1 : 0);
      for (int i = 0; i < count; i++) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * The data to sign (RFC 6376 3.7): the signed fields canonicalized in {@code h=} order, each name
   * taking the next instance from the bottom up (5.4.2; a name with none left adds nothing), then
   * the DKIM-Signature field itself with an empty {@code b=}, canonicalized, without its CRLF.
   */
  static byte[] signatureInput(byte[] message, HeaderFields headers, List<String> signed, String unsignedField) {
    var out = new java.io.ByteArrayOutputStream();
    Map<String, Integer> used = new HashMap<>();
    for (String name : signed) {
      List<HeaderFields.Field> instances = headers.named(name);
      int n = used.merge(name, 1, Integer::sum);
      if (n <= instances.size()) {
        HeaderFields.Field f = instances.get(instances.size() - n);
        out.writeBytes(RelaxedCanonicalizer.header(message, f.start(), f.end()));
      }
    }
    byte[] own = unsignedField.getBytes(StandardCharsets.US_ASCII);
    byte[] canonical = RelaxedCanonicalizer.header(own, 0, own.length);
    out.write(canonical, 0, canonical.length - 2);
    return out.toByteArray();
  }

  /** Signs {@code input}: RSA over it; Ed25519 over its SHA-256 hash (RFC 8463 3). */
  static byte[] sign(DkimKey key, byte[] input) {
    try {
      DkimAlgorithm algorithm = key.options().algorithm();
      Signature signature = Signature.getInstance(algorithm.jcaSignature());
      signature.initSign(key.privateKey());
      signature.update(algorithm == DkimAlgorithm.ED25519_SHA256 ? sha256().digest(input) : input);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("DKIM signing failed: " + e.getMessage(), e);
    }
  }

  /** The field up to and including {@code b=}, folded under 78 columns (RFC 5322 2.1.1). */
  private static String unsignedField(DkimKeyOptions key, long time, List<String> signed, String bh) {
    StringBuilder sb = new StringBuilder(300);
    sb.append("DKIM-Signature: v=1; a=").append(key.algorithm().tag()).append("; c=relaxed/relaxed;\r\n")
        .append("\td=").append(key.domain()).append("; s=").append(key.selector()).append("; t=").append(time)
        .append(";\r\n\th=");
    int column = 10;
    for (int i = 0; i < signed.size(); i++) {
      String name = signed.get(i) + (i + 1 < signed.size() ? ":" : ";");
      if (column + name.length() > 76) {
        sb.append("\r\n\t ");
        column = 9;
      }
      sb.append(name);
      column += name.length();
    }
    return sb.append("\r\n\tbh=").append(bh).append(";\r\n\tb=").toString();
  }

  /** The base64 signature folded into lines of at most 76 characters after the tab. */
  private static String fold(String b64) {
    StringBuilder sb = new StringBuilder(b64.length() + 32);
    int first = Math.min(b64.length(), 66);
    sb.append(b64, 0, first);
    for (int i = first; i < b64.length(); i += 74) {
      sb.append("\r\n\t ").append(b64, i, Math.min(b64.length(), i + 74));
    }
    return sb.toString();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
