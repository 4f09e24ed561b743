package io.vmta.smtp.auth.sasl;

import io.vmta.smtp.auth.AuthReplies;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The SASL mechanisms the server offers, and the decoding of AUTH response lines. */
public final class SaslMechanisms {

  /**
   * Longest response line accepted, in octets without the CRLF. RFC 4954 section 4 lifts the
   * 512-octet command limit for AUTH lines; 12288 holds a 9 KiB token in base64.
   */
  public static final int MAX_RESPONSE_LINE_OCTETS = 12288;

  private static final List<String> NAMES = List.of("PLAIN", "LOGIN");

  private SaslMechanisms() {
  }

  /** The names to advertise after {@code AUTH} in EHLO, in order of preference. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * A new exchange for a mechanism named case-insensitively (RFC 4422 section 3.1).
   *
   * @throws IllegalArgumentException for a name not in {@link #names()}; the server answers
   *     {@link AuthReplies#UNSUPPORTED_MECHANISM}
   */
  public static SaslServer create(String name) {
    Objects.requireNonNull(name, "name");
    switch (name.toUpperCase(Locale.ROOT)) {
      case "PLAIN":
        return new PlainServer();
      case "LOGIN":
        return new LoginServer();
      default:
        throw new IllegalArgumentException("unsupported SASL mechanism");
    }
  }

  /** Tells whether a client line cancels the exchange: a single {@code *} (RFC 4954 4). */
  public static boolean isCancel(String line) {
    return "*".equals(line);
  }

  /**
   * Decodes a client response line (without its CRLF), or the initial response of the AUTH
   * command: {@code =} is the empty response (RFC 4954 section 4), anything else must be base64.
   *
   * @throws SaslCancelledException for {@code *} (501 5.0.0, RFC 4954 section 4)
   * @throws SaslException with 500 5.5.6 for a line longer than
   *     {@link #MAX_RESPONSE_LINE_OCTETS} (RFC 4954 section 6), or 501 5.5.2 for invalid base64
   *     (RFC 4954 section 4)
   */
  public static byte[] decodeResponse(String line) throws SaslException {
    Objects.requireNonNull(line, "line");
    if (utf8Length(line) > MAX_RESPONSE_LINE_OCTETS) {
      throw new SaslException(AuthReplies.LINE_TOO_LONG);
    }
    if (isCancel(line)) {
      throw new SaslCancelledException();
    }
    if ("=".equals(line)) {
      return new byte[0];
    }
    try {
      // The basic RFC 4648 alphabet: no whitespace, no line breaks, no URL-safe characters.
      return Base64.getDecoder().decode(line);
    } catch (IllegalArgumentException e) {
      throw new SaslException(AuthReplies.INVALID_BASE64);
    }
  }

  /** The UTF-8 length of a string, stopping early once past the limit. */
  private static int utf8Length(String s) {
    if (s.length() > MAX_RESPONSE_LINE_OCTETS) {
      return s.length();
    }
    int octets = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      octets += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return octets;
  }
}
