package io.vmta.mailauth.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One {@code DKIM-Signature} field, parsed and checked for what can be checked without the key
 * (RFC 6376 3.5, 6.1.1).
 *
 * @param domain         {@code d=}, lower case
 * @param selector       {@code s=}
 * @param algorithm      {@code a=}, one we verify
 * @param relaxedHeader  {@code c=} header canonicalization is relaxed (else simple)
 * @param relaxedBody    {@code c=} body canonicalization is relaxed (else simple)
 * @param signedHeaders  {@code h=}, lower case, in order
 * @param bodyHash       {@code bh=}, decoded
 * @param signature      {@code b=}, decoded
 * @param identityDomain the domain of {@code i=}, lower case, or null without {@code i=}
 * @param length         {@code l=}, or -1 without it
 * @param unsignedField  the field's octets with the value of {@code b=} removed (RFC 6376 3.7)
 */
record DkimSignature(String domain, String selector, DkimAlgorithm algorithm, boolean relaxedHeader,
    boolean relaxedBody, List<String> signedHeaders, byte[] bodyHash, byte[] signature, String identityDomain,
    long length, byte[] unsignedField) {

  /** RFC 6008 2: header.b carries at least 8 characters of the signature. */
  static final int SIGNATURE_PREFIX = 8;

  /**
   * What names a signature in an outcome, each left empty when the field's own value is not
   * well-formed (so that no odd text reaches a header comment or a log).
   */
  record Names(String domain, String selector, String algorithm, String signaturePrefix) {

    static final Names NONE = new Names("", "", "", "");

    static Names of(TagList tags) {
      String d = tags.value("d");
      String s = tags.value("s");
      String a = tags.value("a");
      String b = tags.value("b");
      String prefix = b == null ? "" : TagList.stripWhitespace(b);
      prefix = prefix.substring(0, Math.min(SIGNATURE_PREFIX, prefix.length()));
      return new Names(d != null && isDomain(d) ? d.toLowerCase(Locale.ROOT) : "",
          s != null && isDomain(s) ? s : "",
          a != null && a.matches("[A-Za-z0-9-]{1,32}") ? a : "",
          prefix.matches("[A-Za-z0-9+/=]*") ? prefix : "");
    }

    DkimOutcome outcome(DkimResult result, String reason) {
      return new DkimOutcome(result, domain, selector, algorithm, signaturePrefix, reason);
    }
  }

  /**
   * Checks the tags of the field {@code message[start, end)} whose tag list is {@code tags}
   * (offsets relative to {@code valueOffset}, the octet after the field's colon).
   *
   * @param now       the verification time, epoch seconds
   * @param clockSkew how far in the future {@code t=} may be, and how long past {@code x=}, seconds
   * @throws DkimCheckException with permerror for what RFC 6376 6.1.1 calls PERMFAIL, fail for
   *                            {@code rsa-sha1} (RFC 8301 3.1), neutral for an unknown algorithm
   */
  static DkimSignature check(byte[] message, int start, int end, int valueOffset, TagList tags, long now,
      long clockSkew) throws DkimCheckException {
    for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
      if (tags.value(required) == null) {
        throw DkimCheckException.permerror("signature without " + required + "=");
      }
    }
    if (!tags.value("v").equals("1")) {
      throw DkimCheckException.permerror("unknown signature version");
    }
    String a = tags.value("a").toLowerCase(Locale.ROOT);
    DkimAlgorithm algorithm = switch (a) {
      case "rsa-sha256" -> DkimAlgorithm.RSA_SHA256;
      case "ed25519-sha256" -> DkimAlgorithm.ED25519_SHA256;
      case "rsa-sha1" -> throw DkimCheckException.fail("rsa-sha1 not accepted (RFC 8301)");
      default -> throw new DkimCheckException(DkimResult.NEUTRAL, "unknown algorithm");
    };
    String domain = tags.value("d").toLowerCase(Locale.ROOT);
    if (!isDomain(domain)) {
      throw DkimCheckException.permerror("d= is not a domain name");
    }
    String selector = tags.value("s");
    if (!isDomain(selector)) {
      throw DkimCheckException.permerror("s= is not a selector");
    }
    boolean[] canon = canonicalization(tags.value("c"));
    List<String> signed = signedHeaders(tags.value("h"));
    byte[] bodyHash = base64(tags.value("bh"), "bh=");
    byte[] signature = base64(tags.value("b"), "b=");
    if (signature.length == 0) {
      throw DkimCheckException.permerror("empty b=");
    }
    String q = tags.value("q");
    if (q != null && !TagList.split(q.toLowerCase(Locale.ROOT)).contains("dns/txt")) {
      throw DkimCheckException.permerror("q= without dns/txt");
    }
    String identityDomain = identityDomain(tags.value("i"), domain);
    long length = tags.value("l") == null ? -1 : number(tags.value("l"), "l=", 76);
    long t = tags.value("t") == null ? -1 : number(tags.value("t"), "t=", 18);
    long x = tags.value("x") == null ? -1 : number(tags.value("x"), "x=", 18);
    if (t >= 0 && x >= 0 && x < t) {
      throw DkimCheckException.permerror("x= before t=");
    }
    if (t > now + clockSkew) {
      throw DkimCheckException.permerror("t= in the future");
    }
    if (x >= 0 && x < now - clockSkew) {
      throw DkimCheckException.permerror("signature expired (x=)");
    }
    TagList.Tag b = tags.tags().get("b");
    int cutFrom = start + valueOffset + b.valueStart();
    int cutTo = start + valueOffset + b.valueEnd();
    byte[] unsigned = new byte[end - start - (cutTo - cutFrom)];
    System.arraycopy(message, start, unsigned, 0, cutFrom - start);
    System.arraycopy(message, cutTo, unsigned, cutFrom - start, end - cutTo);
    return new DkimSignature(domain, selector, algorithm, canon[0], canon[1], signed, bodyHash, signature,
        identityDomain, length, unsigned);
  }

  /** The field's text from {@code start} to {@code end}, one char per octet. */
  static String text(byte[] message, int start, int end) {
    return new String(message, start, end - start, StandardCharsets.ISO_8859_1);
  }

  /** {@code c=}: {@code [relaxedHeader, relaxedBody]}; default simple/simple, "x" alone is x/simple. */
  private static boolean[] canonicalization(String c) throws DkimCheckException {
    if (c == null) {
      return new boolean[] {false, false};
    }
    String[] parts = c.toLowerCase(Locale.ROOT).split("/", -1);
    if (parts.length > 2) {
      throw DkimCheckException.permerror("bad c=");
    }
    return new boolean[] {relaxed(parts[0]), parts.length == 2 && relaxed(parts[1])};
  }

  private static boolean relaxed(String name) throws DkimCheckException {
    return switch (name) {
      case "relaxed" -> true;
      case "simple" -> false;
      default -> throw DkimCheckException.permerror("unknown canonicalization");
    };
  }

  /** {@code h=}: field names separated by ":", lower case; From among them (RFC 6376 6.1.1). */
  private static List<String> signedHeaders(String h) throws DkimCheckException {
    List<String> names = new ArrayList<>();
    for (String item : TagList.split(h)) {
      String name = item.toLowerCase(Locale.ROOT);
      if (name.isEmpty() || !name.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e)) {
        throw DkimCheckException.permerror("bad h=");
      }
      names.add(name);
    }
    if (!names.contains("from")) {
      throw DkimCheckException.permerror("From not signed");
    }
    return names;
  }

  /** The domain of {@code i=} when it is {@code d=} or below it (RFC 6376 6.1.1); null without one. */
  private static String identityDomain(String i, String domain) throws DkimCheckException {
    if (i == null) {
      return null;
    }
    int at = i.lastIndexOf('@');
    String id = at < 0 ? "" : i.substring(at + 1).toLowerCase(Locale.ROOT);
    if (at < 0 || !(id.equals(domain) || id.endsWith("." + domain))) {
      throw DkimCheckException.permerror("i= not in d=");
    }
    return id;
  }

  private static long number(String value, String tag, int maxDigits) throws DkimCheckException {
    if (!value.matches("[0-9]{1," + maxDigits + "}")) {
      throw DkimCheckException.permerror("bad " + tag);
    }
    return value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
  }

  private static byte[] base64(String value, String tag) throws DkimCheckException {
    try {
      return Base64.getDecoder().decode(TagList.stripWhitespace(value));
    } catch (IllegalArgumentException e) {
      throw DkimCheckException.permerror("bad base64 in " + tag);
    }
  }

  /**
   * Whether {@code name} is a domain name as DKIM puts it in DNS: dot-separated labels of letters,
   * digits, hyphens and underscores, 1 to 63 octets each, at most 253 in all.
   */
  static boolean isDomain(String name) {
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    int label = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.') {
        if (label == 0) {
          return false;
        }
        label = 0;
      } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
        if (++label > 63) {
          return false;
        }
      } else {
        return false;
      }
    }
    return label > 0;
  }
}
