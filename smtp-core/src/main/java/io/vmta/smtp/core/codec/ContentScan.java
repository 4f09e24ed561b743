package io.vmta.smtp.core.codec;

import io.vertx.core.buffer.Buffer;

/**
 * What a message's bytes ask of the next hop, found in one pass: whether any octet is above 127
 * (the message is 8-bit data: RFC 6152 section 3 lets it go only to a server that offers
 * 8BITMIME), and whether one is in the header section, before the first empty line (with
 * SMTPUTF8 those are UTF-8 header fields, RFC 6532 section 3, which only an SMTPUTF8 server may
 * receive, RFC 6531 section 3.2).
 *
 * @param eightBit        an octet above 127 anywhere in the message
 * @param eightBitHeaders an octet above 127 in the header section
 */
public record ContentScan(boolean eightBit, boolean eightBitHeaders) {

  /** The scan of a message of 7-bit octets only. */
  public static final ContentScan SEVEN_BIT = new ContentScan(false, false);

  private static final long HIGH_BITS = 0x8080808080808080L;

  /** The header section holds an 8-bit octet only if the message does. */
  public ContentScan {
    if (eightBitHeaders && !eightBit) {
      throw new IllegalArgumentException("8-bit headers make an 8-bit message");
    }
  }

  /** Scans {@code message}, header section and body as RFC 5322 section 2.1 separates them (CRLF CRLF). */
  public static ContentScan of(Buffer message) {
    int length = message.length();
    int i = 0;
    boolean lineStart = true;
    byte previous = 0;
    while (i < length) {
      byte b = message.getByte(i);
      if (b < 0) {
        return new ContentScan(true, true);
      }
      if (lineStart && b == '\r' && i + 1 < length && message.getByte(i + 1) == '\n') {
        return new ContentScan(eightBitFrom(message, i + 2), false);
      }
      lineStart = b == '\n' && previous == '\r';
      previous = b;
      i++;
    }
    return SEVEN_BIT;
  }

  /** Whether an octet from {@code from} on is above 127; eight at a time. */
  private static boolean eightBitFrom(Buffer b, int from) {
    int i = from;
    int length = b.length();
    for (; i + 8 <= length; i += 8) {
      if ((b.getLong(i) & HIGH_BITS) != 0) {
        return true;
      }
    }
    for (; i < length; i++) {
      if (b.getByte(i) < 0) {
        return true;
      }
    }
    return false;
  }
}
