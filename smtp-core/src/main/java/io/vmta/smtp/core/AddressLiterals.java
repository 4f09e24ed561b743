package io.vmta.smtp.core;

/** Shape checks for address literals (RFC 5321 section 4.1.3); text only, no lookups. */
final class AddressLiterals {

  private static final String IPV6_TAG = "IPv6:";

  private AddressLiterals() {
  }

  /** Accepts {@code [dotted quad]} or {@code [IPv6:...]}; IllegalArgumentException otherwise. */
  static void validate(String text) {
    if (text.length() < 3 || !text.startsWith("[") || !text.endsWith("]")) {
      throw new IllegalArgumentException("address literal must be enclosed in brackets");
    }
    String inner = text.substring(1, text.length() - 1);
    boolean valid;
    if (inner.regionMatches(true, 0, IPV6_TAG, 0, IPV6_TAG.length())) {
      valid = isIpv6(inner.substring(IPV6_TAG.length()));
    } else {
      // General-address-literal tags other than IPv6 are not registered; refuse them.
      valid = isIpv4(inner);
    }
    if (!valid) {
      throw new IllegalArgumentException("address literal is not a valid IPv4 or IPv6 address");
    }
  }

  /** IPv4-address-literal: Snum 3("." Snum), Snum 1*3DIGIT in 0..255. */
  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.length() > 3 || !Ascii.isDigits(part) || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * IPv6-addr: full, compressed, and both with a trailing IPv4 address. As RFC 5321 says, "::"
   * stands for at least two groups, so at most six groups (four with IPv4) may sit beside it.
   */
  static boolean isIpv6(String s) {
    int groups = 8;
    String hexPart = s;
    int lastColon = s.lastIndexOf(':');
    if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
      if (!isIpv4(s.substring(lastColon + 1))) {
        return false;
      }
      groups = 6;
      // Keep "::" intact when the IPv4 part follows it directly.
      hexPart = s.substring(0, lastColon > 0 && s.charAt(lastColon - 1) == ':' ? lastColon + 1 : lastColon);
    }
    int compress = hexPart.indexOf("::");
    if (compress < 0) {
      return countGroups(hexPart) == groups;
    }
    if (hexPart.indexOf("::", compress + 1) >= 0) {
      return false;
    }
    int before = countGroups(hexPart.substring(0, compress));
    int after = countGroups(hexPart.substring(compress + 2));
    return before >= 0 && after >= 0 && before + after <= groups - 2;
  }

  /** The number of colon-separated 1-4 digit hex groups; 0 for the empty string, -1 when malformed. */
  private static int countGroups(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    String[] parts = s.split(":", -1);
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(AddressLiterals::isHex)) {
        return -1;
      }
    }
    return parts.length;
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
