package io.vmta.smtp.core.codec;

import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * Finds command lines in the SMTP command stream: only CRLF ends a line (RFC 5321 2.3.8) and a
 * line, CRLF included, is at most {@code maxLineLength} octets (RFC 5321 4.5.3.1.4: 512).
 *
 * <p>The reader is stateless and does not own the input: the caller keeps one input buffer,
 * appends what the socket delivers, and calls {@link #scan(Buffer, int, int)} from the index of
 * the first unconsumed byte:
 *
 * <ul>
 *   <li>{@link Status#LINE}: {@code line} holds the bytes before the CRLF (a copy); continue at
 *       {@code end}, just past the CRLF.
 *   <li>{@link Status#BARE_LINE_END}: a CRLF-terminated line contained a bare CR or a bare LF
 *       (neither ends a line); reply 500 and continue at {@code end}. {@code line} is null.
 *   <li>{@link Status#INCOMPLETE}: no CRLF yet and fewer than {@code maxLineLength} bytes are
 *       available (a trailing CR counts as the start of a CRLF): wait for more. {@code end} is -1.
 *   <li>{@link Status#TOO_LONG}: {@code maxLineLength} bytes without a CRLF among them. If a CRLF
 *       follows later in the input, {@code end} is past it; otherwise {@code end} is -1 and the
 *       caller must discard input until {@link #skipPastCrlf} finds one, dropping at most up to
 *       {@link #discardableEnd} so that a CR split from its LF is not lost.
 * </ul>
 *
 * <p>Control characters other than CR and LF (NUL included) are left to the command parser.
 */
public final class CommandLineReader {

  /** Command line limit of RFC 5321 4.5.3.1.4, counting the CRLF. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 512;

  static final byte CR = '\r';
  static final byte LF = '\n';

  private static final LineResult INCOMPLETE = new LineResult(Status.INCOMPLETE, -1, null);

  /** What {@link #scan} found. */
  public enum Status {
    /** A complete, clean line. */
    LINE,
    /** No CRLF yet, still under the limit: wait for more input. */
    INCOMPLETE,
    /** The limit was reached without a CRLF. */
    TOO_LONG,
    /** A CRLF-terminated line that contains a bare CR or bare LF. */
    BARE_LINE_END
  }

  /** Outcome of a scan: {@code end} is past the CRLF or -1; {@code line} is set only for LINE. */
  public record LineResult(Status status, int end, Buffer line) {

    /** Validates the combination of fields. */
    public LineResult {
      Objects.requireNonNull(status, "status");
      if ((line != null) != (status == Status.LINE)) {
        throw new IllegalArgumentException("line is present exactly for LINE");
      }
    }
  }

  private final int maxLineLength;

  /** A reader bound to one limit; {@code maxLineLength} counts the CRLF. */
  public CommandLineReader(int maxLineLength) {
    this.maxLineLength = checkMax(maxLineLength);
  }

  /** The limit this reader applies, CRLF included. */
  public int maxLineLength() {
    return maxLineLength;
  }

  /** Same as {@link #scan(Buffer, int, int)} with this reader's limit. */
  public LineResult scan(Buffer input, int from) {
    return scan(input, from, maxLineLength);
  }

  /** Looks for the next CRLF-terminated line in {@code input} starting at {@code from}. */
  public static LineResult scan(Buffer input, int from, int maxLineLength) {
    checkMax(maxLineLength);
    int length = input.length();
    Objects.checkFromToIndex(from, length, length);
    // Only the first maxLineLength bytes can hold an acceptable line, its LF included.
    int limit = (int) Math.min(length, (long) from + maxLineLength);
    boolean bare = false;
    for (int i = from; i < limit; i++) {
      byte b = input.getByte(i);
      if (b == LF) {
        bare = true; // an LF that is part of a CRLF is consumed with its CR below
      } else if (b == CR && i + 1 < limit) {
        if (input.getByte(i + 1) == LF) {
          return bare
              ? new LineResult(Status.BARE_LINE_END, i + 2, null)
              : new LineResult(Status.LINE, i + 2, input.getBuffer(from, i));
        }
        bare = true;
      }
    }
    if (limit - from < maxLineLength) {
      return INCOMPLETE;
    }
    // The last byte of the window may be a CR whose LF lies just beyond the limit.
    return new LineResult(Status.TOO_LONG, skipPastCrlf(input, limit - 1), null);
  }

  /** Index just past the next CRLF at or after {@code from}, or -1 if there is none yet. */
  public static int skipPastCrlf(Buffer input, int from) {
    int length = input.length();
    Objects.checkFromToIndex(from, length, length);
    for (int i = from; i + 1 < length; i++) {
      if (input.getByte(i) == CR && input.getByte(i + 1) == LF) {
        return i + 2;
      }
    }
    return -1;
  }

  /**
   * While discarding (after {@link #skipPastCrlf} returned -1): the index up to which bytes from
   * {@code from} may be dropped, i.e. the input length, less one if the last byte is a CR whose LF
   * may still arrive.
   */
  public static int discardableEnd(Buffer input, int from) {
    int length = input.length();
    Objects.checkFromToIndex(from, length, length);
    return length > from && input.getByte(length - 1) == CR ? length - 1 : length;
  }

  private static int checkMax(int maxLineLength) {
    if (maxLineLength < 2) {
      throw new IllegalArgumentException("maxLineLength below 2 (CRLF): " + maxLineLength);
    }
    return maxLineLength;
  }
}
