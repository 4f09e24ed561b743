package io.vmta.smtp.core.codec;

import io.vertx.core.buffer.Buffer;

/**
 * Where a message's header section ends (RFC 5322 section 2.1: at the first empty line, CRLF
 * CRLF), found without copying the message: what reads or changes only the header needs only
 * those bytes, never the body (which may be 25 MB, and must not be copied on an event loop).
 */
public final class HeaderSection {

  private HeaderSection() {
  }

  /**
   * The offset of the empty line that ends the header section: 0 for a message that starts with
   * one, the message's length when there is none (all header, or no empty line at all).
   */
  public static int end(Buffer message) {
    int length = message.length();
    if (length >= 2 && message.getByte(0) == '\r' && message.getByte(1) == '\n') {
      return 0;
    }
    for (int i = 0; i + 3 < length; i++) {
      if (message.getByte(i + 2) == '\r' && message.getByte(i) == '\r' && message.getByte(i + 1) == '\n'
          && message.getByte(i + 3) == '\n') {
        return i + 2;
      }
    }
    return length;
  }

  /** The header section with the empty line that ends it (when there is one), copied. */
  public static byte[] bytes(Buffer message) {
    int end = end(message);
    return message.getBytes(0, Math.min(message.length(), end + 2));
  }
}
