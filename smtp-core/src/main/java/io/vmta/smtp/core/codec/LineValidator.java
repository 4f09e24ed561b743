package io.vmta.smtp.core.codec;

/**
 * The line rules DATA and BDAT content share, one decoded byte at a time: CR only immediately
 * before LF and LF only immediately after CR (RFC 5321 2.3.8, 4.1.1.4; the SMTP-smuggling
 * defence), no NUL (RFC 6152 3: 8BITMIME data has none), at most {@code maxLineLength} octets per
 * line counting the CRLF (RFC 5321 4.5.3.1.6), at most {@code maxSize} octets in all (RFC 1870).
 *
 * <p>{@link #accept} changes nothing when it reports an error, so the caller can still tell where
 * it was; after an error the caller stops using the validator.
 */
final class LineValidator {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte NUL = 0;

  private final long maxSize;
  private final int maxLineLength;
  private boolean crPending;
  private int lineLength;
  private long size;

  LineValidator(long maxSize, int maxLineLength) {
    if (maxSize < 0) {
      throw new IllegalArgumentException("maxMessageSize must not be negative: " + maxSize);
    }
    if (maxLineLength < 2) {
      throw new IllegalArgumentException("maxLineLength below 2 (CRLF): " + maxLineLength);
    }
    this.maxSize = maxSize;
    this.maxLineLength = maxLineLength;
  }

  /** Counts {@code b} as content and returns null, or returns the rule it breaks. */
  DataDecoder.Error accept(byte b) {
    if (crPending) {
      if (b != LF) {
        return DataDecoder.Error.BARE_CR;
      }
    } else if (b == LF) {
      return DataDecoder.Error.BARE_LF;
    } else if (b == NUL) {
      return DataDecoder.Error.NUL;
    }
    if (lineLength >= maxLineLength) {
      return DataDecoder.Error.LINE_TOO_LONG;
    }
    if (size >= maxSize) {
      return DataDecoder.Error.TOO_BIG;
    }
    size++;
    crPending = b == CR;
    lineLength = b == LF ? 0 : lineLength + 1;
    return null;
  }

  /** Whether the last accepted byte was a CR, so that only LF may follow. */
  boolean crPending() {
    return crPending;
  }

  /** Octets accepted so far. */
  long size() {
    return size;
  }
}
