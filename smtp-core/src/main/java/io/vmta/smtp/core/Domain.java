package io.vmta.smtp.core;

import java.net.IDN;
import java.util.Locale;

/**
 * A domain name in lower-cased A-label form, or an address literal such as {@code [192.0.2.1]} or
 * {@code [IPv6:2001:db8::1]} kept as given (RFC 5321 section 4.1.2 and 4.1.3, RFC 5890).
 *
 * <p>The constructor normalises: {@code new Domain("Bücher.example").ascii()} is
 * {@code xn--bcher-kva.example}. No DNS lookups happen here.
 *
 * @param ascii the A-label form, or the address literal with its brackets
 */
public record Domain(String ascii) {

  /** RFC 5321 section 4.5.3.1.2. */
  public static final int MAX_LENGTH = 255;
  /** RFC 1035 section 2.3.4. */
  public static final int MAX_LABEL_LENGTH = 63;

  /** Validates the text and normalises it to lower-cased A-labels; see {@link #parse(String)}. */
  public Domain {
    ascii = canonical(ascii);
  }

  /**
   * Parses a domain (ASCII or U-labels, converted with IDNA, STD3 rules, unassigned code points
   * refused) or an address literal; IllegalArgumentException saying what is wrong otherwise.
   */
  public static Domain parse(String text) {
    return new Domain(text);
  }

  /** The domain with U-labels (IDN.toUnicode); an address literal unchanged. */
  public String unicode() {
    return isLiteral() ? ascii : IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES);
  }

  /** Whether this is an address literal in brackets. */
  public boolean isLiteral() {
    return ascii.startsWith("[");
  }

  /** The A-label form. */
  @Override
  public String toString() {
    return ascii;
  }

  private static String canonical(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("domain is empty");
    }
    if (Ascii.hasControl(text)) {
      throw new IllegalArgumentException("domain contains a control character");
    }
    if (text.startsWith("[")) {
      AddressLiterals.validate(text);
      return text;
    }
    if (text.length() > MAX_LENGTH * 4) {
      throw new IllegalArgumentException("domain longer than " + MAX_LENGTH + " octets");
    }
    if (text.endsWith(".")) {
      throw new IllegalArgumentException("domain ends with a dot");
    }
    StringBuilder out = new StringBuilder(text.length());
    for (String label : text.split("\\.", -1)) {
      if (label.isEmpty()) {
        throw new IllegalArgumentException("domain has an empty label");
      }
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(asciiLabel(label));
    }
    if (out.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("domain longer than " + MAX_LENGTH + " octets");
    }
    return out.toString();
  }

  private static String asciiLabel(String label) {
    String ascii = label;
    if (!Ascii.isAscii(label)) {
      try {
        // IDNA2003 as implemented by java.net.IDN; unassigned code points are refused.
        ascii = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("domain has an invalid internationalized label", e);
      }
      if (ascii.isEmpty()) {
        throw new IllegalArgumentException("domain has an empty label");
      }
    }
    ascii = Ascii.lower(ascii);
    if (ascii.length() > MAX_LABEL_LENGTH) {
      throw new IllegalArgumentException("domain label longer than " + MAX_LABEL_LENGTH + " octets");
    }
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
        throw new IllegalArgumentException("domain contains a character that is not allowed");
      }
    }
    if (ascii.startsWith("-") || ascii.endsWith("-")) {
      throw new IllegalArgumentException("domain label starts or ends with a hyphen");
    }
    if (ascii.startsWith("xn--")
        && IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT).equals(ascii)) {
      // toUnicode hands back its input when the punycode does not decode to a valid U-label.
      throw new IllegalArgumentException("domain has an invalid A-label");
    }
    return ascii;
  }
}
