package io.vmta.mailauth.spf;

import java.net.IDN;
import java.util.Locale;

/** Domain names as SPF checks them (RFC 7208 section 4.3) and truncates them (section 7.3). */
final class SpfNames {

  /** The longest name a macro expansion may produce; longer ones lose labels from the left (7.3). */
  static final int MAX_NAME_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;

  private SpfNames() {
  }

  /**
   * The identity's domain in A-labels, lower case, without trailing dot; or null when it is
   * malformed, a domain literal or not a multi-label name (4.3: the result is then "none").
   */
  static String identity(String domain) {
    if (domain.startsWith("[")) {
      return null;
    }
    String ascii = domain;
    if (!domain.chars().allMatch(c -> c < 0x80)) {
      try {
        ascii = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    String name = lookupName(ascii);
    return name == null || !name.contains(".") ? null : name.toLowerCase(Locale.ROOT);
  }

  /**
   * A name to ask DNS for, without trailing dot, or null when DNS cannot hold it: an empty label,
   * a label over 63 octets, more than 253 octets, a control or non-ASCII character, or a backslash
   * (which dnsjava would read as an escape).
   */
  static String lookupName(String text) {
    String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return null;
    }
    int labelStart = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i == name.length() || name.charAt(i) == '.') {
        int length = i - labelStart;
        if (length == 0 || length > MAX_LABEL_LENGTH) {
          return null;
        }
        labelStart = i + 1;
        continue;
      }
      char c = name.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '\\') {
        return null;
      }
    }
    return name;
  }

  /**
   * An expanded domain-spec made fit for a query: a trailing dot dropped, then labels removed from
   * the left until at most 253 characters remain (7.3).
   */
  static String truncate(String expanded) {
    String name = expanded.endsWith(".") ? expanded.substring(0, expanded.length() - 1) : expanded;
    while (name.length() > MAX_NAME_LENGTH) {
      int dot = name.indexOf('.');
      if (dot < 0) {
        return name;
      }
      name = name.substring(dot + 1);
    }
    return name;
  }
}
