package io.vmta.mailauth.dkim;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;

/**
 * The "relaxed" canonicalization of RFC 6376 3.4.2 (header fields) and 3.4.4 (body), on bytes:
 * 8-bit header and body octets pass through unchanged.
 */
public final class RelaxedCanonicalizer {

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private RelaxedCanonicalizer() {
  }

  /**
   * One header field (name, colon, value and folded continuation lines, without its final CRLF)
   * canonicalized per RFC 6376 3.4.2: name in lower case, value unfolded, runs of WSP reduced to one
   * SP, WSP at the end of the value and around the colon removed; ends with CRLF.
   */
  public static byte[] header(byte[] field, int from, int to) {
    int colon = from;
    while (colon < to && field[colon] != ':') {
      colon++;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + 2);
    int nameEnd = colon;
    while (nameEnd > from && isWsp(field[nameEnd - 1])) {
      nameEnd--;
    }
    for (int i = from; i < nameEnd; i++) {
      byte b = field[i];
      out.write(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
    }
    out.write(':');
    boolean pendingSpace = false;
    boolean started = false;
    for (int i = colon + 1; i < to; i++) {
      byte b = field[i];
      if (b == CR || b == LF) {
        continue; // unfold: CRLF removed, the WSP that follows it stays (and is reduced)
      }
      if (isWsp(b)) {
        pendingSpace = started;
        continue;
      }
      if (pendingSpace) {
        out.write(' ');
        pendingSpace = false;
      }
      out.write(b);
      started = true;
    }
    out.write(CR);
    out.write(LF);
    return out.toByteArray();
  }

  /**
   * Hashes the body {@code message[from, to)} canonicalized per RFC 6376 3.4.4: WSP at the end of
   * each line removed, other runs of WSP reduced to one SP, empty lines at the end ignored, and a
   * non-empty body ending in CRLF. The body is CRLF-delimited (the server refuses bare CR and LF).
   */
  public static void body(byte[] message, int from, int to, MessageDigest digest) {
    byte[] line = new byte[1024];
    int emptyLines = 0;
    int i = from;
    while (i < to) {
      int end = i;
      while (end < to && !(message[end] == CR && end + 1 < to && message[end + 1] == LF)) {
        end++;
      }
      if (line.length < end - i) {
        line = new byte[end - i];
      }
      int n = 0;
      boolean pendingSpace = false;
      for (int j = i; j < end; j++) {
        byte b = message[j];
        if (isWsp(b)) {
          pendingSpace = true;
          continue;
        }
        if (pendingSpace) {
          line[n++] = ' ';
          pendingSpace = false;
        }
        line[n++] = b;
      }
      if (n == 0) {
        emptyLines++;
      } else {
        for (; emptyLines > 0; emptyLines--) {
          digest.update(CR);
          digest.update(LF);
        }
        digest.update(line, 0, n);
        digest.update(CR);
        digest.update(LF);
      }
      i = end + 2;
    }
  }

  private static boolean isWsp(byte b) {
    return b == ' ' || b == '\t';
  }
}
