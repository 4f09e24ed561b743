package io.vmta.smtp.core;

/**
 * The xtext encoding of ESMTP parameter values (RFC 3461 section 4): printable ASCII except
 * {@code +} and {@code =} as themselves, every other octet as {@code +} and two upper-case hex
 * digits. Used by AUTH= (RFC 4954 section 5), and by ORCPT and ENVID should DSN come.
 */
public final class Xtext {

  private Xtext() {
  }

  /**
   * Decodes {@code xtext}; IllegalArgumentException, never repeating the input, when a character
   * is outside xchar or a {@code +} is not followed by two hex digits. Decoded octets are ASCII
   * as far as this project needs them (an address per RFC 4954), so an octet above 127 is refused.
   */
  public static String decode(String xtext) {
    StringBuilder out = new StringBuilder(xtext.length());
    for (int i = 0; i < xtext.length(); i++) {
      char c = xtext.charAt(i);
      if (c == '+') {
        if (i + 2 >= xtext.length() || hex(xtext.charAt(i + 1)) < 0 || hex(xtext.charAt(i + 2)) < 0) {
          throw new IllegalArgumentException("xtext: '+' must be followed by two hex digits");
        }
        int octet = hex(xtext.charAt(i + 1)) * 16 + hex(xtext.charAt(i + 2));
        if (octet > 127) {
          throw new IllegalArgumentException("xtext: encoded octet is not ASCII");
        }
        out.append((char) octet);
        i += 2;
      } else if (c >= '!' && c <= '~' && c != '=') {
        out.append(c);
      } else {
        throw new IllegalArgumentException("xtext: character outside xchar");
      }
    }
    return out.toString();
  }

  /** Encodes ASCII {@code text}: {@code +}, {@code =}, controls and space as {@code +HH}. */
  public static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > 127) {
        throw new IllegalArgumentException("xtext: only ASCII can be encoded");
      }
      if (c >= '!' && c <= '~' && c != '+' && c != '=') {
        out.append(c);
      } else {
        out.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** The value of a hex digit (RFC 3461 asks for upper case; lower case is accepted), -1 if none. */
  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0'
        : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : c >= 'a' && c <= 'f' ? c - 'a' + 10
        : -1;
  }
}
