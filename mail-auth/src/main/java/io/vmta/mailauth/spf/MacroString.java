package io.vmta.mailauth.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed macro-string or explain-string (RFC 7208 section 7.1): literal text and macros, checked
 * against the grammar when parsed so that expansion cannot fail on syntax.
 */
final class MacroString {

  /** One piece: literal text, or a macro to expand. */
  sealed interface Token permits Literal, Macro {
  }

  /** Literal text; {@code escape} for what {@code %%}, {@code %_} or {@code %-} stand for. */
  record Literal(String text, boolean escape) implements Token {
  }

  /**
   * {@code %{letter digits r delimiters}}.
   *
   * @param letter      the macro letter, lower case
   * @param urlEscape   whether the letter was upper case: the value is URL-escaped (7.3)
   * @param rightParts  how many right-hand parts to keep; 0 for all
   * @param reverse     whether the parts are reversed first
   * @param delimiters  the characters the value is split on ({@code "."} by default)
   */
  record Macro(char letter, boolean urlEscape, int rightParts, boolean reverse, String delimiters)
      implements Token {
  }

  /** Parts beyond this are all of a name anyway (at most 127 labels fit in 253 octets). */
  private static final int MAX_PARTS = 128;
  private static final String DELIMITERS = ".-+,/_=";

  private final String text;
  private final List<Token> tokens;

  private MacroString(String text, List<Token> tokens) {
    this.text = text;
    this.tokens = List.copyOf(tokens);
  }

  /**
   * Parses {@code text}; {@code explain} allows what only explanation strings may hold: spaces and
   * the letters c, r and t (7.1).
   */
  static MacroString parse(String text, boolean explain) throws SpfSyntaxException {
    List<Token> tokens = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '%') {
        boolean visible = c >= 0x21 && c <= 0x7e;
        if (!visible && !(explain && c == ' ')) {
          throw new SpfSyntaxException("character " + describe(c) + " not allowed in " + text);
        }
        literal.append(c);
        i++;
        continue;
      }
      if (i + 1 >= text.length()) {
        throw new SpfSyntaxException("'%' at the end of " + text);
      }
      char next = text.charAt(i + 1);
      if (next == '{') {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new SpfSyntaxException("unterminated macro in " + text);
        }
        flush(literal, tokens);
        tokens.add(macro(text.substring(i + 2, end), explain, text));
        i = end + 1;
        continue;
      }
      String escaped = switch (next) {
        case '%' -> "%";
        case '_' -> " ";
        case '-' -> "%20";
        default -> throw new SpfSyntaxException("'%' followed by " + describe(next) + " in " + text);
      };
      // %%, %_ and %- are macro-expands too, which matters to the domain-end rule (7.1).
      flush(literal, tokens);
      tokens.add(new Literal(escaped, true));
      i += 2;
    }
    flush(literal, tokens);
    return new MacroString(text, tokens);
  }

  private static void flush(StringBuilder literal, List<Token> tokens) {
    if (!literal.isEmpty()) {
      tokens.add(new Literal(literal.toString(), false));
      literal.setLength(0);
    }
  }

  private static Macro macro(String body, boolean explain, String text) throws SpfSyntaxException {
    if (body.isEmpty()) {
      throw new SpfSyntaxException("empty macro in " + text);
    }
    char raw = body.charAt(0);
    char letter = Character.toLowerCase(raw);
    if ("slodiphv".indexOf(letter) < 0 && !(explain && "crt".indexOf(letter) >= 0)) {
      throw new SpfSyntaxException("macro letter '" + raw + "' not allowed here: " + text);
    }
    int i = 1;
    long digits = 0;
    boolean hasDigits = false;
    while (i < body.length() && Character.isDigit(body.charAt(i))) {
      digits = Math.min(MAX_PARTS, digits * 10 + (body.charAt(i) - '0'));
      hasDigits = true;
      i++;
    }
    if (hasDigits && digits == 0) {
      throw new SpfSyntaxException("macro keeping zero parts: " + text);
    }
    boolean reverse = false;
    if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
      reverse = true;
      i++;
    }
    String delimiters = body.substring(i);
    for (char d : delimiters.toCharArray()) {
      if (DELIMITERS.indexOf(d) < 0) {
        throw new SpfSyntaxException("macro delimiter " + describe(d) + " not allowed: " + text);
      }
    }
    return new Macro(letter, Character.isUpperCase(raw), (int) digits, reverse,
        delimiters.isEmpty() ? "." : delimiters);
  }

  /**
   * Whether this is a domain-spec: it ends in a macro or in {@code "." toplabel ["."]} (7.1), so
   * that a name of one label or a numeric top label is refused before any expansion.
   */
  boolean isDomainSpec() {
    if (tokens.isEmpty()) {
      return false;
    }
    if (!(tokens.get(tokens.size() - 1) instanceof Literal last) || last.escape()) {
      return true;
    }
    String tail = last.text();
    if (tail.endsWith(".")) {
      tail = tail.substring(0, tail.length() - 1);
    }
    int dot = tail.lastIndexOf('.');
    return dot >= 0 && isTopLabel(tail.substring(dot + 1));
  }

  private static boolean isTopLabel(String label) {
    return label.matches("[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")
        || label.matches("[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");
  }

  /** Whether expansion needs the validated name of the client (the {@code p} macro). */
  boolean needsPtr() {
    return tokens.stream().anyMatch(t -> t instanceof Macro m && m.letter() == 'p');
  }

  List<Token> tokens() {
    return tokens;
  }

  /** The value of one macro after the transformers and escaping of 7.3. */
  static String transform(Macro macro, String value) {
    String result = value;
    if (macro.rightParts() > 0 || macro.reverse() || !macro.delimiters().equals(".")) {
      List<String> parts = split(value, macro.delimiters());
      if (macro.reverse()) {
        java.util.Collections.reverse(parts);
      }
      if (macro.rightParts() > 0 && macro.rightParts() < parts.size()) {
        parts = parts.subList(parts.size() - macro.rightParts(), parts.size());
      }
      result = String.join(".", parts);
    }
    return macro.urlEscape() ? urlEscape(result) : result;
  }

  private static List<String> split(String value, String delimiters) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      if (delimiters.indexOf(value.charAt(i)) >= 0) {
        parts.add(value.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(value.substring(start));
    return parts;
  }

  /** Escapes all but RFC 3986's unreserved characters, octet by octet of the UTF-8 encoding. */
  static String urlEscape(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
      if (unreserved) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return out.toString();
  }

  private static String describe(char c) {
    return c >= 0x21 && c <= 0x7e ? "'" + c + "'" : String.format(Locale.ROOT, "0x%02X", (int) c);
  }

  @Override
  public String toString() {
    return text;
  }
}
