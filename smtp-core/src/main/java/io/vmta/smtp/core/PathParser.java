package io.vmta.smtp.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** Splits and checks the {@code FROM:<path> params} and {@code TO:<path> params} arguments (RFC 5321 section 4.1.2). */
final class PathParser {

  /** RFC 5321 section 4.5.3.1.3, brackets included. */
  static final int MAX_PATH_LENGTH = 256;

  /** The text between the angle brackets, and what follows the SP after them ({@code null} when nothing). */
  record PathAndParams(String path, String params) {
    boolean nullPath() {
      return path.isEmpty();
    }
  }

  private PathParser() {
  }

  /** Checks {@code prefix} (e.g. {@code FROM:}, ASCII case-insensitive) and splits off the bracketed path. */
  static PathAndParams split(String argument, String prefix) {
    String usage = "Syntax: " + ("TO:".equals(prefix) ? "RCPT TO:<address>" : "MAIL FROM:<address>");
    if (argument == null || argument.length() < prefix.length()
        || !Ascii.upper(argument.substring(0, prefix.length())).equals(prefix)) {
      throw CommandParser.syntax(usage);
    }
    int start = prefix.length();
    // RFC 5321 has no space here, but many clients send "MAIL FROM: <a@b>"; one space is tolerated.
    if (start < argument.length() && argument.charAt(start) == ' ') {
      start++;
    }
    if (start >= argument.length() || argument.charAt(start) != '<') {
      throw CommandParser.syntax(usage);
    }
    int end = closingBracket(argument, start + 1);
    if (end < 0) {
      throw CommandParser.syntax(usage);
    }
    if (Ascii.utf8Length(argument.substring(start, end + 1)) > MAX_PATH_LENGTH) {
      throw CommandParser.syntax("Error: path longer than " + MAX_PATH_LENGTH + " octets");
    }
    String rest = argument.substring(end + 1);
    if (!rest.isEmpty() && rest.charAt(0) != ' ') {
      throw CommandParser.syntax(usage);
    }
    return new PathAndParams(argument.substring(start + 1, end), rest.isEmpty() ? null : rest.substring(1));
  }

  /** The index of the {@code >} that closes the path, skipping a Quoted-string; -1 when absent. */
  private static int closingBracket(String s, int from) {
    boolean quoted = false;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '>') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The mailbox of a non-empty path. A source route ({@code @a,@b:}) is checked and discarded
   * (RFC 5321 section 4.1.2 and appendix C). {@code Postmaster} without domain only for RCPT
   * (section 4.5.1). Bad addresses give 553 5.1.3.
   */
  static MailAddress address(String path, boolean rcpt) {
    String mailbox = path;
    boolean routed = path.startsWith("@");
    if (routed) {
      int colon = routeEnd(path);
      if (colon < 0) {
        throw badAddress("source route without ':'");
      }
      for (String hop : path.substring(0, colon).split(",", -1)) {
        if (!hop.startsWith("@")) {
          throw badAddress("bad source route");
        }
        try {
          Domain.parse(hop.substring(1));
        } catch (IllegalArgumentException e) {
          throw badAddress("bad source route: " + e.getMessage());
        }
      }
      mailbox = path.substring(colon + 1);
    }
    MailAddress address;
    try {
      address = MailAddress.parse(mailbox);
    } catch (IllegalArgumentException e) {
      throw badAddress(e.getMessage());
    }
    if (address.domain() == null && (!rcpt || routed)) {
      throw badAddress("address has no @domain");
    }
    return address;
  }

  /** The ':' ending a source route, ignoring colons inside address literals; -1 when absent. */
  private static int routeEnd(String path) {
    boolean literal = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '[') {
        literal = true;
      } else if (c == ']') {
        literal = false;
      } else if (c == ':' && !literal) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Parameters {@code esmtp-param *(SP esmtp-param)} (RFC 5321 section 4.1.2, UTF-8 values per RFC
   * 6531 section 3.3): keys upper-cased, order kept, null value for a bare keyword, duplicates
   * refused. The map is mutable for the caller.
   */
  static Map<String, String> parameters(String text) {
    Map<String, String> params = new LinkedHashMap<>();
    if (text == null) {
      return params;
    }
    for (String token : text.split(" ", -1)) {
      int eq = token.indexOf('=');
      String key = Ascii.upper(eq < 0 ? token : token.substring(0, eq));
      String value = eq < 0 ? null : token.substring(eq + 1);
      if (!isKeyword(key)) {
        throw CommandParser.syntax("Error: bad parameter keyword");
      }
      if (value != null && !isValue(value)) {
        throw CommandParser.syntax("Error: bad parameter value");
      }
      if (params.containsKey(key)) {
        throw CommandParser.syntax("Error: duplicate parameter");
      }
      params.put(key, value);
    }
    return params;
  }

  /** esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"), already upper-cased. */
  private static boolean isKeyword(String key) {
    if (key.isEmpty() || key.charAt(0) == '-') {
      return false;
    }
    return key.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-');
  }

  /** esmtp-value = 1*(%d33-60 / %d62-126 / UTF8-non-ascii); control characters never get here. */
  private static boolean isValue(String value) {
    if (value.isEmpty()) {
      return false;
    }
    return value.codePoints().allMatch(c -> (c >= 33 && c <= 126 && c != '=') || (c >= 0x80 && !Ascii.isControl(c)));
  }

  private static SmtpSyntaxException badAddress(String why) {
    return new SmtpSyntaxException(Replies.BAD_ADDRESS_SYNTAX.withText("Error: bad address syntax: " + why));
  }
}
