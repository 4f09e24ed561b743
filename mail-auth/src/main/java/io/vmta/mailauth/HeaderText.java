package io.vmta.mailauth;

import java.util.List;

/** Turns untrusted text into header syntax: RFC 2045 values and RFC 5322 comments. */
final class HeaderText {

  /** A comment word is cut into pieces of at most this many characters so that it can fold. */
  private static final int MAX_COMMENT_WORD = 60;
  private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

  private HeaderText() {
  }

  /**
   * {@code text} as an RFC 2045 {@code value}: a token when it is one, a quoted-string otherwise;
   * control characters removed, non-ASCII replaced by {@code ?}, cut at MAX_VALUE characters.
   */
  static String value(String text) {
    StringBuilder clean = new StringBuilder(Math.min(text.length(), AuthenticationResults.MAX_VALUE));
    for (int i = 0; i < text.length() && clean.length() < AuthenticationResults.MAX_VALUE; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        continue;
      }
      clean.append(c > 0x7e ? '?' : c);
    }
    boolean token = clean.length() > 0;
    for (int i = 0; i < clean.length() && token; i++) {
      char c = clean.charAt(i);
      token = c != ' ' && TSPECIALS.indexOf(c) < 0;
    }
    if (token) {
      return clean.toString();
    }
    StringBuilder quoted = new StringBuilder(clean.length() + 8).append('"');
    for (int i = 0; i < clean.length(); i++) {
      char c = clean.charAt(i);
      if (c == '"' || c == '\\') {
        quoted.append('\\');
      }
      quoted.append(c);
    }
    return quoted.append('"').toString();
  }

  /**
   * Adds {@code text} as a comment to {@code words}, one word per space-separated piece so that it
   * can fold: control characters become spaces, non-ASCII {@code ?}, {@code (}, {@code )} and
   * {@code \} are escaped; nothing is added for an empty text.
   */
  static void comment(String text, List<String> words) {
    if (text == null) {
      return;
    }
    StringBuilder clean = new StringBuilder();
    int limit = AuthenticationResults.MAX_REASON;
    for (int i = 0; i < text.length(); i++) {
      if (i == limit) {
        clean.append("...");
        break;
      }
      char c = text.charAt(i);
      clean.append(c < 0x20 || c == 0x7f ? ' ' : c > 0x7e ? '?' : c);
    }
    String[] pieces = clean.toString().strip().split(" +");
    if (pieces.length == 1 && pieces[0].isEmpty()) {
      return;
    }
    int from = words.size();
    for (String piece : pieces) {
      StringBuilder word = new StringBuilder();
      for (int i = 0; i < piece.length(); i++) {
        char c = piece.charAt(i);
        if (word.length() >= MAX_COMMENT_WORD) {
          words.add(word.toString());
          word.setLength(0);
        }
        if (c == '(' || c == ')' || c == '\\') {
          word.append('\\'); // a quoted-pair never split from its character
        }
        word.append(c);
      }
      words.add(word.toString());
    }
    words.set(from, "(" + words.get(from));
    int last = words.size() - 1;
    words.set(last, words.get(last) + ")");
  }
}
