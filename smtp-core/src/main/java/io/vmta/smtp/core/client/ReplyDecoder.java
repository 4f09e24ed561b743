package io.vmta.smtp.core.client;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.EnhancedStatus;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.codec.CommandLineReader;
import io.vmta.smtp.core.codec.CommandLineReader.LineResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes server replies from bytes delivered in any chunking (RFC 5321 section 4.2): lines
 * {@code 250-text} continue a reply, {@code 250 text} (or a bare {@code 250}) ends it. An enhanced
 * status code (RFC 2034 section 4, RFC 3463) at the start of the first line whose class matches
 * the reply code is parsed into {@link Reply#status()} and removed from every line that repeats it.
 *
 * <p>Hardening: a reply line is at most 512 octets with its CRLF (RFC 5321 section 4.5.3.1.5),
 * only CRLF ends a line, and a reply has at most {@link #MAX_LINES} lines, so the buffered input is
 * bounded. Anything else throws {@link ReplyFormatException}; the decoder is then unusable.
 */
public final class ReplyDecoder {

  /** Reply line limit of RFC 5321 section 4.5.3.1.5, CRLF included. */
  public static final int MAX_LINE_LENGTH = 512;
  /** Lines per reply; far above any real EHLO reply, low enough to bound memory. */
  public static final int MAX_LINES = 100;

  private Buffer input = Buffer.buffer();
  private int pos;
  private final List<String> lines = new ArrayList<>();
  private int code = -1;
  private boolean failed;

  /** Appends {@code chunk} and returns the replies it completed, oldest first; often none. */
  public List<Reply> feed(Buffer chunk) {
    if (failed) {
      throw new ReplyFormatException("reply decoder already failed");
    }
    input.appendBuffer(chunk);
    List<Reply> replies = new ArrayList<>(1);
    try {
      while (true) {
        LineResult r = CommandLineReader.scan(input, pos, MAX_LINE_LENGTH);
        switch (r.status()) {
          case INCOMPLETE -> {
            compact();
            return replies;
          }
          case TOO_LONG -> throw new ReplyFormatException(
              "reply line longer than " + MAX_LINE_LENGTH + " octets");
          case BARE_LINE_END -> throw new ReplyFormatException("bare CR or LF in a reply line");
          case LINE -> {
            pos = r.end();
            Reply done = line(r.line());
            if (done != null) {
              replies.add(done);
            }
          }
          default -> throw new IllegalStateException(r.status().name());
        }
      }
    } catch (ReplyFormatException e) {
      failed = true;
      throw e;
    }
  }

  /** Whether bytes of an unfinished reply are buffered. */
  public boolean hasPartialReply() {
    return code >= 0 || pos < input.length();
  }

  /**
   * Drops everything buffered, lines of a partial reply included, and returns the number of
   * octets of an unfinished line dropped;
   * used after a STARTTLS 220, where bytes behind it must not be believed (RFC 3207 section 6).
   */
  public int discardBuffered() {
    int dropped = input.length() - pos;
    input = Buffer.buffer();
    pos = 0;
    code = -1;
    lines.clear();
    return dropped;
  }

  private Reply line(Buffer line) {
    int n = line.length();
    if (n < 3 || !digit(line, 0) || !digit(line, 1) || !digit(line, 2)) {
      throw new ReplyFormatException("reply line does not start with a three-digit code");
    }
    int lineCode =
        (line.getByte(0) - '0') * 100 + (line.getByte(1) - '0') * 10 + (line.getByte(2) - '0');
    if (lineCode < 200 || lineCode > 599) {
      throw new ReplyFormatException("reply code out of range: " + lineCode);
    }
    boolean last;
    if (n == 3) {
      last = true;
    } else {
      byte sep = line.getByte(3);
      if (sep != ' ' && sep != '-') {
        throw new ReplyFormatException("reply code not followed by space or hyphen");
      }
      last = sep == ' ';
    }
    if (code >= 0 && lineCode != code) {
      throw new ReplyFormatException(
          "reply lines with different codes: " + code + " and " + lineCode);
    }
    code = lineCode;
    if (lines.size() == MAX_LINES) {
      throw new ReplyFormatException("reply longer than " + MAX_LINES + " lines");
    }
    lines.add(n <= 4 ? "" : line.getString(4, n, StandardCharsets.UTF_8.name()));
    return last ? finish() : null;
  }

  private Reply finish() {
    EnhancedStatus status = status(lines.get(0), code);
    List<String> texts = new ArrayList<>(lines.size());
    String prefix = status == null ? null : status.toString();
    for (String text : lines) {
      texts.add(prefix == null ? text : strip(text, prefix));
    }
    int replyCode = code;
    code = -1;
    lines.clear();
    try {
      return new Reply(replyCode, status, texts);
    } catch (IllegalArgumentException e) {
      throw new ReplyFormatException("unacceptable reply text: " + e.getMessage());
    }
  }

  /** The status at the start of {@code text} if it is one and its class matches the code. */
  private static EnhancedStatus status(String text, int code) {
    int end = text.indexOf(' ');
    String candidate = end < 0 ? text : text.substring(0, end);
    if (candidate.length() < 5 || candidate.length() > 9
        || candidate.charAt(0) - '0' != code / 100) {
      return null;
    }
    try {
      return EnhancedStatus.parse(candidate);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String strip(String text, String prefix) {
    if (text.equals(prefix)) {
      return "";
    }
    return text.startsWith(prefix + " ") ? text.substring(prefix.length() + 1) : text;
  }

  private static boolean digit(Buffer b, int i) {
    byte c = b.getByte(i);
    return c >= '0' && c <= '9';
  }

  private void compact() {
    if (pos > 0) {
      input = input.getBuffer(pos, input.length());
      pos = 0;
    }
  }
}
