package io.vmta.smtp.core.client;

import io.vertx.core.buffer.Buffer;

/**
 * The DATA encoder (RFC 5321 section 4.5.2): doubles a "." at the start of every line and ends
 * the data with {@code .<CRLF>}, after a CRLF of its own when the content does not end with one.
 * Nothing else changes: no line-end normalisation, no re-encoding.
 *
 * <p>Streaming: call {@link #encode(Buffer)} for each chunk of content in order, then
 * {@link #finish()} once; the state that matters across chunks (at a line start, after a CR) is
 * carried between calls. Only CRLF starts a new line, as in the decoder: the queue never holds a
 * bare CR or LF, because the server rejects them (the SMTP smuggling defence).
 */
public final class DotStuffer {

  private static final Buffer END_AFTER_CRLF = Buffer.buffer(".\r\n");
  private static final Buffer END_WITH_CRLF = Buffer.buffer("\r\n.\r\n");

  private boolean atLineStart = true;
  private boolean afterCr;
  private boolean finished;

  /** Whole-message convenience: the wire bytes for {@code content}, end marker included. */
  public static Buffer stuff(Buffer content) {
    DotStuffer stuffer = new DotStuffer();
    return stuffer.encode(content).appendBuffer(stuffer.finish());
  }

  /** The wire bytes for the next chunk of content; {@code chunk} itself is not modified. */
  public Buffer encode(Buffer chunk) {
    if (finished) {
      throw new IllegalStateException("the data was already finished");
    }
    // One bulk copy per chunk: a tight loop over an array, not a call per octet.
    byte[] bytes = chunk.getBytes();
    int n = bytes.length;
    Buffer out = Buffer.buffer(n + 16);
    int copied = 0;
    for (int i = 0; i < n; i++) {
      byte b = bytes[i];
      if (atLineStart && b == '.') {
        // Copy up to and including this dot, and let the next run copy it again.
        out.appendBytes(bytes, copied, i + 1 - copied);
        copied = i;
      }
      atLineStart = afterCr && b == '\n';
      afterCr = b == '\r';
    }
    out.appendBytes(bytes, copied, n - copied);
    return out;
  }

  /** The end of the data: {@code .<CRLF>}, preceded by a CRLF unless the content ended with one. */
  public Buffer finish() {
    if (finished) {
      throw new IllegalStateException("the data was already finished");
    }
    finished = true;
    return (atLineStart ? END_AFTER_CRLF : END_WITH_CRLF).copy();
  }
}
