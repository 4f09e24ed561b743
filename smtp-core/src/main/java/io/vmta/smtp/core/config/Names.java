package io.vmta.smtp.core.config;

import java.net.IDN;
import java.util.Locale;

/** Checks and normalises the domain names and addresses written in the configuration. */
public final class Names {

  private Names() {}

  /**
   * A domain name in lower-case ASCII (IDNs through {@link IDN#toASCII}); one trailing dot is
   * dropped.
   *
   * @throws ConfigException at {@code path} when it is not a valid name
   */
  public static String domain(String text, String path) {
    String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    String ascii;
    try {
      ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw ConfigReader.bad(path, "a domain name", text);
    }
    if (ascii.isEmpty() || ascii.length() > 253) {
      throw ConfigReader.bad(path, "a domain name", text);
    }
    for (String label : ascii.split("\\.", -1)) {
      if (!label.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
        throw ConfigReader.bad(path, "a domain name", text);
      }
    }
    return ascii;
  }

  /**
   * A mail address {@code local@domain}, lower-cased, its domain as by {@link #domain}.
   *
   * @throws ConfigException at {@code path} when it is not one
   */
  public static String address(String text, String path) {
    int at = text.lastIndexOf('@');
    String local = at < 0 ? "" : text.substring(0, at);
    if (at <= 0 || at == text.length() - 1 || local.indexOf('@') >= 0 || local.length() > 64
        || text.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
            || Character.isSpaceChar(c))) {
      throw ConfigReader.bad(path, "a mail address like \"user@example.test\"", text);
    }
    String domain;
    try {
      domain = domain(text.substring(at + 1), path);
    } catch (ConfigException e) {
      throw ConfigReader.bad(path, "a mail address like \"user@example.test\"", text);
    }
    return local.toLowerCase(Locale.ROOT) + "@" + domain;
  }

  /**
   * A host to bind or connect to: a name or IP literal, without spaces or control characters.
   *
   * @throws ConfigException at {@code path} otherwise
   */
  public static String host(String text, String path) {
    if (!text.matches("[A-Za-z0-9._:\\-%\\[\\]]+")) {
      throw ConfigReader.bad(path, "a host name or IP address", text);
    }
    return text;
  }
}
