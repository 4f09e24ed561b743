package io.vmta.smtp.relay.bounce;

import io.vertx.core.buffer.Buffer;

/**
 * The header section of the original message for the {@code text/rfc822-headers} part
 * (RFC 6522 section 4, formerly RFC 3462): the bytes up to the first empty line, never the body.
 * The result has CRLF line ends only, no line over 998 octets and at most {@link #MAX_OCTETS}.
 */
final class OriginalHeaders {

  /** The cap on the returned section, also when the original has no empty line (no body). */
  static final int MAX_OCTETS = 64 * 1024;

  private OriginalHeaders() {
  }

  /**
   * The header section of {@code original}: lines up to the first empty one (RFC 5322 section
   * 2.1), each ending in CRLF. A bare CR or a NUL inside a line becomes a space, a line longer than
   * 998 octets is folded, and whole lines past {@link #MAX_OCTETS} are left out.
   */
  static Buffer of(Buffer original) {
    Buffer out = Buffer.buffer();
    int length = original.length();
    int pos = 0;
    while (pos < length) {
      int lf = indexOf(original, (byte) '\n', pos);
      int next = lf < 0 ? length : lf + 1;
      int end = lf < 0 ? length : lf;
      if (end > pos && original.getByte(end - 1) == '\r') {
        end--;
      }
      if (end == pos) {
        break;
      }
      Buffer line = clean(original, pos, end);
      if (out.length() + line.length() > MAX_OCTETS) {
        break;
      }
      out.appendBuffer(line);
      pos = next;
    }
    return out;
  }

  /** The line {@code [from, to)} with bare CR and NUL made spaces, folded to fit, plus CRLF. */
  private static Buffer clean(Buffer original, int from, int to) {
    byte[] bytes = original.getBytes(from, to);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\r' || bytes[i] == 0) {
        bytes[i] = ' ';
      }
    }
    Buffer line = Buffer.buffer(bytes.length + 8);
    int start = 0;
    int room = MimeText.MAX_LINE;
    while (bytes.length - start > room) {
      int cut = start + room;
      // Do not split a UTF-8 sequence: back off over continuation bytes (10xxxxxx).
      while (cut > start + 1 && (bytes[cut] & 0xC0) == 0x80) {
        cut--;
      }
      line.appendBytes(bytes, start, cut - start).appendString(MimeText.CRLF + " ");
      start = cut;
      room = MimeText.MAX_LINE - 1;
    }
    return line.appendBytes(bytes, start, bytes.length - start).appendString(MimeText.CRLF);
  }

  /** The index of {@code b} at or after {@code from}, or -1. */
  static int indexOf(Buffer buffer, byte b, int from) {
    for (int i = from; i < buffer.length(); i++) {
      if (buffer.getByte(i) == b) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code needle} occurs anywhere in {@code haystack}. */
  static boolean contains(Buffer haystack, byte[] needle) {
    int last = haystack.length() - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
