package io.vmta.smtp.core.codec;

import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * Decodes the mail data that follows DATA (RFC 5321 4.1.1.4): finds the terminating
 * {@code <CRLF>.<CRLF>} (the CRLF ending the DATA command counts as the first CRLF, so data may
 * end with {@code .<CRLF>} straight away), removes dot-stuffing (RFC 5321 4.5.2) and enforces
 * the line rules of {@link LineValidator}. Nothing is normalised: a bare CR or LF is an error,
 * never a line end.
 *
 * <p>After the first error the content is dropped and the decoder only looks for the exact
 * terminator, so that the server can reply once and resynchronise. One instance per message; not
 * thread-safe.
 */
public final class DataDecoder {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte DOT = '.';
  private static final byte[] TERMINATOR = {CR, LF, DOT, CR, LF};
  private static final int INITIAL_CAPACITY = 16 * 1024;

  /** What a call to {@link #feed} ended with. */
  public enum State {
    /** Every byte was consumed; the terminator has not been seen yet. */
    NEED_MORE,
    /** The terminator was found; bytes after it were not touched. */
    DONE
  }

  /** Why the message is refused; the first one found wins. */
  public enum Error {
    /** A CR not immediately followed by LF. */
    BARE_CR,
    /** An LF not immediately preceded by CR. */
    BARE_LF,
    /** A NUL octet (RFC 6152 3). */
    NUL,
    /** A line longer than the limit, CRLF included (RFC 5321 4.5.3.1.6). */
    LINE_TOO_LONG,
    /** More decoded octets than the size limit (RFC 1870). */
    TOO_BIG
  }

  /** Outcome of {@link #feed}: input is consumed up to, not including, {@code consumedUpTo}. */
  public record Result(State state, int consumedUpTo) {
  }

  /** Where the decoder stands; the comments give the terminator bytes matched so far. */
  private enum Phase {
    /** Inside a line, no CR pending (0), or just after a CR (1): see the validator. */
    IN_LINE,
    /** After a CRLF, or at the very start (2). */
    LINE_START,
    /** After a dot at the start of a line (3). */
    DOT,
    /** After a dot and a CR at the start of a line (4): only LF, the end, may follow. */
    DOT_CR,
    /** After an error: only {@link #matched} counts. */
    SKIPPING,
    /** The terminator was consumed. */
    DONE
  }

  private final LineValidator validator;
  private Buffer content;
  private Phase phase = Phase.LINE_START;
  private int matched;
  private Error error;

  /** A decoder for one message; {@code maxLineLength} counts the CRLF but not a stuffing dot. */
  public DataDecoder(long maxMessageSize, int maxLineLength) {
    this.validator = new LineValidator(maxMessageSize, maxLineLength);
    this.content = Buffer.buffer((int) Math.min(maxMessageSize, INITIAL_CAPACITY));
  }

  /** Consumes {@code chunk} from {@code from} up to its end or just past the terminator. */
  public Result feed(Buffer chunk, int from) {
    int end = chunk.length();
    Objects.checkFromToIndex(from, end, end);
    if (phase == Phase.DONE) {
      throw new IllegalStateException("the terminator was already consumed");
    }
    int runStart = from;
    for (int i = from; i < end; i++) {
      byte b = chunk.getByte(i);
      switch (phase) {
        case SKIPPING -> {
          matched = advance(matched, b);
          if (matched == TERMINATOR.length) {
            phase = Phase.DONE;
            return new Result(State.DONE, i + 1);
          }
          continue;
        }
        case LINE_START -> {
          if (b == DOT) {
            append(chunk, runStart, i);
            runStart = i + 1; // the dot is either stuffing or the terminator's
            phase = Phase.DOT;
            continue;
          }
        }
        case DOT -> {
          if (b == CR) {
            runStart = i + 1; // this CR is the terminator's, or a bare CR
            phase = Phase.DOT_CR;
            continue;
          }
        }
        case DOT_CR -> {
          if (b == LF) {
            phase = Phase.DONE;
            return new Result(State.DONE, i + 1);
          }
          fail(Error.BARE_CR, b);
          continue;
        }
        default -> {
          // IN_LINE: every byte goes to the validator
        }
      }
      Error e = validator.accept(b);
      if (e != null) {
        fail(e, b);
      } else {
        phase = b == LF ? Phase.LINE_START : Phase.IN_LINE;
      }
    }
    if (phase != Phase.SKIPPING) {
      append(chunk, runStart, end);
    }
    return new Result(State.NEED_MORE, end);
  }

  /** The decoded message so far (all of it once DONE), owned by the caller; not after an error. */
  public Buffer content() {
    if (error != null) {
      throw new IllegalStateException("content was dropped after " + error);
    }
    return content;
  }

  /** The first error found, or null. */
  public Error error() {
    return error;
  }

  /** Decoded octets so far (up to the first error), trailing CRLF included. */
  public long size() {
    return validator.size();
  }

  /** Whether the terminator has been consumed. */
  public boolean isDone() {
    return phase == Phase.DONE;
  }

  private void append(Buffer chunk, int start, int end) {
    if (end > start) {
      content.appendBuffer(chunk, start, end - start);
    }
  }

  private void fail(Error e, byte b) {
    error = e;
    content = null;
    matched = advance(matchedBefore(), b);
    phase = Phase.SKIPPING;
  }

  /**
   * Terminator bytes matched before the byte being processed (the validator is unchanged). Today
   * only a pending CR changes the outcome (a byte that fails right after CRLF or CRLF-dot cannot
   * continue the match), but the full mapping keeps that true if the rules change.
   */
  private int matchedBefore() {
    return switch (phase) {
      case LINE_START -> 2;
      case DOT -> 3;
      case DOT_CR -> 4;
      default -> validator.crPending() ? 1 : 0;
    };
  }

  /** One step of matching CR LF . CR LF: only CR restarts a match. */
  private static int advance(int matched, byte b) {
    if (b == TERMINATOR[matched]) {
      return matched + 1;
    }
    return b == CR ? 1 : 0;
  }
}
