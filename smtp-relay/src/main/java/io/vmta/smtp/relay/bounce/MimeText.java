package io.vmta.smtp.relay.bounce;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Text helpers for the bounce: folding, wrapping, sanitising, dates and RFC 6533 addresses. */
final class MimeText {

  static final String CRLF = "\r\n";
  /** RFC 5322 section 2.1.1: a line MUST be at most 998 octets, excluding the CRLF. */
  static final int MAX_LINE = 998;
  /** RFC 5322 section 2.1.1: a line SHOULD be at most 78 characters, excluding the CRLF. */
  static final int SOFT_LINE = 78;
  /** The longest run without a space kept whole; longer runs are cut, see {@link #MAX_LINE}. */
  static final int MAX_WORD = 900;

  // RFC 5322 section 3.3: "Sun, 29 Nov 2026 14:05:09 +0000"; English whatever the default locale.
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

  private MimeText() {
  }

  /** An RFC 5322 date-time (section 3.3) in the given zone. */
  static String date(Instant instant, ZoneId zone) {
    return DATE.format(instant.atZone(zone));
  }

  /** A header field {@code name: value}, folded at spaces (RFC 5322 section 2.2.3), CRLF-ended. */
  static String field(String name, String value) {
    return layout(name + ": ", value, " ");
  }

  /** Free text wrapped at spaces into CRLF lines; continuation lines start with {@code indent}. */
  static String wrap(String text, String indent) {
    return layout("", text, indent);
  }

  /**
   * Greedy layout: words go on the current line while it stays within {@link #SOFT_LINE}; a word
   * longer than {@link #MAX_WORD} octets is cut, so no line exceeds {@link #MAX_LINE}. Runs of
   * spaces collapse to one; a folded header unfolds to the same words.
   */
  private static String layout(String first, String text, String indent) {
    List<String> words = new ArrayList<>();
    for (String word : text.split(" +")) {
      if (!word.isEmpty()) {
        words.addAll(cut(word, MAX_WORD));
      }
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    StringBuilder line = new StringBuilder(first);
    int octets = utf8Length(first);
    boolean empty = true;
    for (String word : words) {
      int length = utf8Length(word);
      if (!empty && octets + 1 + length > SOFT_LINE) {
        out.append(line).append(CRLF);
        line.setLength(0);
        line.append(indent);
        octets = utf8Length(indent);
        empty = true;
      }
      if (!empty) {
        line.append(' ');
        octets++;
      }
      line.append(word);
      octets += length;
      empty = false;
    }
    return out.append(stripTrailingSpace(line)).append(CRLF).toString();
  }

  /** The word in pieces of at most {@code maxOctets} UTF-8 octets, never splitting a code point. */
  static List<String> cut(String word, int maxOctets) {
    if (utf8Length(word) <= maxOctets) {
      return List.of(word);
    }
    List<String> pieces = new ArrayList<>();
    int start = 0;
    int octets = 0;
    for (int i = 0; i < word.length(); ) {
      int cp = word.codePointAt(i);
      int size = utf8Length(cp);
      if (octets + size > maxOctets) {
        pieces.add(word.substring(start, i));
        start = i;
        octets = 0;
      }
      octets += size;
      i += Character.charCount(cp);
    }
    pieces.add(word.substring(start));
    return pieces;
  }

  /** The text with every control character (C0, DEL, C1) and lone surrogate replaced by a space. */
  static String sanitize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> {
      boolean control = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)
          || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
      out.appendCodePoint(control ? ' ' : cp);
    });
    return out.toString().strip();
  }

  /** {@link #sanitize(String)}, then non-ASCII characters replaced by {@code ?}, for 7-bit text. */
  static String ascii(String text) {
    StringBuilder out = new StringBuilder(text.length());
    sanitize(text).codePoints().forEach(cp -> out.append(cp < 0x80 ? (char) cp : '?'));
    return out.toString();
  }

  /** Whether every char is below 0x80. */
  static boolean isAscii(String text) {
    return text.chars().allMatch(c -> c < 0x80);
  }

  /**
   * An address for a DSN address field: {@code rfc822; addr} when ASCII, else the 7-bit
   * {@code utf-8} form of RFC 6533 section 3 (utf-8-addr-xtext), where every non-ASCII character
   * and {@code + = \} and space become {@code \x{HEX}}, as message/delivery-status is 7-bit.
   */
  static String addressField(String address) {
    String clean = sanitize(address);
    if (isAscii(clean)) {
      return "rfc822; " + clean;
    }
    StringBuilder out = new StringBuilder("utf-8; ");
    clean.codePoints().forEach(cp -> {
      if (cp > 0x20 && cp < 0x7f && cp != '+' && cp != '=' && cp != '\\') {
        out.append((char) cp);
      } else {
        out.append("\\x{").append(Integer.toHexString(cp).toUpperCase(Locale.ROOT)).append('}');
      }
    });
    return out.toString();
  }

  /** The length of the text in UTF-8 octets. */
  static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static int utf8Length(int cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }

  private static String stripTrailingSpace(CharSequence line) {
    int end = line.length();
    while (end > 0 && line.charAt(end - 1) == ' ') {
      end--;
    }
    return line.subSequence(0, end).toString();
  }
}
