package io.vmta.mailauth.dkim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DKIM tag=value list (RFC 6376 3.2), as in a {@code DKIM-Signature} field or a key record:
 * each tag with its value (folding whitespace around it removed) and where its raw value lies in
 * the parsed text, so that the verifier can empty {@code b=} (RFC 6376 3.7).
 *
 * @param tags the tags by name (names are case-sensitive), in the order written
 */
record TagList(Map<String, Tag> tags) {

  /**
   * One tag.
   *
   * @param name       the tag name
   * @param value      the value without the folding whitespace around it
   * @param valueStart the offset just after the {@code =}
   * @param valueEnd   the offset of the {@code ;} that ends the tag, or the text length
   */
  record Tag(String name, String value, int valueStart, int valueEnd) {
  }

  TagList {
    tags = Collections.unmodifiableMap(tags);
  }

  /** The value of {@code name}, or null when the tag is absent. */
  String value(String name) {
    Tag t = tags.get(name);
    return t == null ? null : t.value();
  }

  /**
   * Parses {@code text} (one char per octet). Syntax: {@code tag-spec *(";" tag-spec) [";"]},
   * {@code tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]}, a tag name an ALPHA followed
   * by ALPHA, DIGIT or "_", a value of printable characters other than ";" with whitespace only
   * inside it. Octets above 127 are let through in values (RFC 8616 allows UTF-8 in {@code i=}).
   *
   * @throws IllegalArgumentException on a syntax error or a tag that occurs twice, with a short
   *                                  reason that contains none of the input
   */
  static TagList parse(String text) {
    Map<String, Tag> tags = new LinkedHashMap<>();
    int n = text.length();
    int i = 0;
    while (true) {
      int specEnd = text.indexOf(';', i);
      if (specEnd < 0) {
        specEnd = n;
      }
      int p = skipWhitespace(text, i, specEnd);
      if (p == specEnd) {
        if (specEnd == n) {
          break; // nothing after the last ";" (or an empty list)
        }
        throw new IllegalArgumentException("empty tag");
      }
      int nameStart = p;
      if (!isAlpha(text.charAt(p))) {
        throw new IllegalArgumentException("bad tag name");
      }
      while (p < specEnd && (isAlpha(text.charAt(p)) || isDigit(text.charAt(p)) || text.charAt(p) == '_')) {
        p++;
      }
      String name = text.substring(nameStart, p);
      p = skipWhitespace(text, p, specEnd);
      if (p == specEnd || text.charAt(p) != '=') {
        throw new IllegalArgumentException("tag without '='");
      }
      int valueStart = p + 1;
      int vs = skipWhitespace(text, valueStart, specEnd);
      int ve = specEnd;
      while (ve > vs && isWhitespace(text.charAt(ve - 1))) {
        ve--;
      }
      for (int j = vs; j < ve; j++) {
        char c = text.charAt(j);
        if (c < 0x21 && !isWhitespace(c) || c == 0x7f) {
          throw new IllegalArgumentException("control character in a tag value");
        }
      }
      if (tags.putIfAbsent(name, new Tag(name, text.substring(vs, ve), valueStart, specEnd)) != null) {
        throw new IllegalArgumentException("duplicate tag");
      }
      if (specEnd == n) {
        break;
      }
      i = specEnd + 1;
    }
    return new TagList(tags);
  }

  /**
   * The colon-separated items of a value ({@code h=}, {@code q=}, a key's {@code h= s= t=}),
   * each without the whitespace around it, in one pass (a regular expression split backtracks on
   * long runs of whitespace).
   */
  static List<String> split(String value) {
    List<String> items = new ArrayList<>();
    int from = 0;
    while (true) {
      int colon = value.indexOf(':', from);
      int end = colon < 0 ? value.length() : colon;
      int a = skipWhitespace(value, from, end);
      int b = end;
      while (b > a && isWhitespace(value.charAt(b - 1))) {
        b--;
      }
      items.add(value.substring(a, b));
      if (colon < 0) {
        return items;
      }
      from = colon + 1;
    }
  }

  /** {@code s} without any whitespace (SP, HTAB, CR, LF), as base64 values are read. */
  static String stripWhitespace(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isWhitespace(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Folding whitespace: SP, HTAB and the CRLF of a fold. */
  static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static int skipWhitespace(String text, int from, int to) {
    while (from < to && isWhitespace(text.charAt(from))) {
      from++;
    }
    return from;
  }

  private static boolean isAlpha(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
