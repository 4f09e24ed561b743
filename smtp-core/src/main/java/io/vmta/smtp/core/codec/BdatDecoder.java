package io.vmta.smtp.core.codec;

import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * Collects the message of one transaction from its BDAT chunks (RFC 3030 2, 4): each chunk is
 * exactly the declared number of octets, with no dot-stuffing and no terminator. Without
 * BINARYMIME the content must still be text lines, so the rules of {@link LineValidator} apply
 * across chunk boundaries (a CR ending one chunk may be followed by the LF starting the next).
 *
 * <p>On the first error the content is dropped, but every declared octet is still consumed so the
 * command stream stays in sync. A message whose last line lacks a CRLF is accepted as it is: RFC
 * 3030 lets a chunk end anywhere and the content is passed on unchanged; only a dangling CR is an
 * error ({@link #finish}). One instance per transaction; not thread-safe.
 */
public final class BdatDecoder {

  private static final int INITIAL_CAPACITY = 16 * 1024;

  /** What a call to {@link #feed} ended with. */
  public enum State {
    /** Every byte offered was consumed; the chunk needs more. */
    NEED_MORE,
    /** The current chunk is complete; bytes after it were not touched. */
    CHUNK_DONE
  }

  /** Outcome of {@link #feed}: input is consumed up to, not including, {@code consumedUpTo}. */
  public record Result(State state, int consumedUpTo) {
  }

  private final LineValidator validator;
  private Buffer content;
  private DataDecoder.Error error;
  private long remaining;
  private boolean finished;

  /** A decoder for one transaction; {@code maxLineLength} counts the CRLF. */
  public BdatDecoder(long maxMessageSize, int maxLineLength) {
    this.validator = new LineValidator(maxMessageSize, maxLineLength);
    this.content = Buffer.buffer((int) Math.min(maxMessageSize, INITIAL_CAPACITY));
  }

  /** Starts a chunk of {@code size} octets, as declared by {@code BDAT <size>}. */
  public void beginChunk(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("chunk size must not be negative: " + size);
    }
    if (remaining > 0 || finished) {
      throw new IllegalStateException(finished ? "already finished" : remaining + " octets left");
    }
    remaining = size;
  }

  /** Consumes at most the rest of the current chunk from {@code input}, from {@code from}. */
  public Result feed(Buffer input, int from) {
    int length = input.length();
    Objects.checkFromToIndex(from, length, length);
    int n = (int) Math.min(remaining, length - from);
    int end = from + n;
    if (error == null) {
      for (int i = from; i < end; i++) {
        DataDecoder.Error e = validator.accept(input.getByte(i));
        if (e != null) {
          fail(e);
          break;
        }
      }
      if (error == null && n > 0) {
        content.appendBuffer(input, from, n);
      }
    }
    remaining -= n;
    return new Result(remaining == 0 ? State.CHUNK_DONE : State.NEED_MORE, end);
  }

  /** Octets of the current chunk still to come. */
  public long remaining() {
    return remaining;
  }

  /** Ends the message after its LAST chunk: a dangling CR is {@link DataDecoder.Error#BARE_CR}. */
  public void finish() {
    if (remaining > 0) {
      throw new IllegalStateException(remaining + " octets of the chunk are still to come");
    }
    if (!finished && error == null && validator.crPending()) {
      fail(DataDecoder.Error.BARE_CR);
    }
    finished = true;
  }

  /** The content so far (all of it after {@link #finish}), caller-owned; none after an error. */
  public Buffer content() {
    if (error != null) {
      throw new IllegalStateException("content was dropped after " + error);
    }
    return content;
  }

  /** The first error found, or null. */
  public DataDecoder.Error error() {
    return error;
  }

  /** Accepted octets so far (up to the first error). */
  public long size() {
    return validator.size();
  }

  private void fail(DataDecoder.Error e) {
    error = e;
    content = null;
  }
}
