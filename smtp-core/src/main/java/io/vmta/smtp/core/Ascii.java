package io.vmta.smtp.core;

import java.nio.charset.StandardCharsets;

/** Small text helpers shared by the parsers; ASCII-only case folding so that {@code ı} never becomes {@code I}. */
final class Ascii {

  private Ascii() {
  }

  /** Upper-cases a-z only. */
  static String upper(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        if (out == null) {
          out = new StringBuilder(s);
        }
        out.setCharAt(i, (char) (c - 32));
      }
    }
    return out == null ? s : out.toString();
  }

  /** Lower-cases A-Z only. */
  static String lower(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (out == null) {
          out = new StringBuilder(s);
        }
        out.setCharAt(i, (char) (c + 32));
      }
    }
    return out == null ? s : out.toString();
  }

  /** Whether every char is below 0x80. */
  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** A C0 control, DEL, a C1 control, or half a surrogate pair standing alone. */
  static boolean isControl(int codePoint) {
    return codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)
        || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE);
  }

  /** Whether the text holds any character that {@link #isControl(int)} refuses. */
  static boolean hasControl(String s) {
    return s.codePoints().anyMatch(Ascii::isControl);
  }

  /** The length in UTF-8 octets. */
  static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Whether the text is all ASCII digits and not empty. */
  static boolean isDigits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
