package io.vmta.mailauth.dkim;

import java.security.MessageDigest;

/**
 * The "simple" canonicalization of RFC 6376 3.4.1 (header fields: unchanged) and 3.4.3 (body:
 * empty lines at the end removed, a CRLF added when the body does not end in one), on bytes.
 */
public final class SimpleCanonicalizer {

  private static final byte[] CRLF = {'\r', '\n'};

  private SimpleCanonicalizer() {
  }

  /** One header field {@code field[from, to)} (without its final CRLF) as it is, plus CRLF. */
  public static byte[] header(byte[] field, int from, int to) {
    byte[] out = new byte[to - from + 2];
    System.arraycopy(field, from, out, 0, to - from);
    out[to - from] = '\r';
    out[to - from + 1] = '\n';
    return out;
  }

  /**
   * Hashes the body {@code message[from, to)} canonicalized per RFC 6376 3.4.3: every CRLF at the
   * end removed, then one CRLF; an empty body (or one of empty lines only) becomes a single CRLF.
   */
  public static void body(byte[] message, int from, int to, MessageDigest digest) {
    int end = to;
    while (end - from >= 2 && message[end - 2] == '\r' && message[end - 1] == '\n') {
      end -= 2;
    }
    digest.update(message, from, end - from);
    digest.update(CRLF);
  }
}
