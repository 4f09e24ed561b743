package io.vmta.smtp.server.impl;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.codec.HeaderSection;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What a message submission agent adds to the mail of its authenticated users (RFC 6409 8.2, 8.3):
 * a {@code Date:} and a {@code Message-ID:} when the header section lacks them, at its end, as
 * Postfix's cleanup does. Every other byte stays as it was.
 */
final class MsaHeaders {

  private static final DateTimeFormatter MESSAGE_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);

  private MsaHeaders() {
  }

  /**
   * {@code content} with the fields it lacks; the same buffer when it has both. The header section
   * ends at the first empty line, or at the first line that is no header field (then an empty line
   * is added after the new fields, so that line stays in the body, where it was).
   */
  static Buffer complete(Buffer content, String hostname, String queueId, ZonedDateTime now) {
    // The header section only: the body is never copied (it may be 25 MB, on an event loop).
    byte[] bytes = HeaderSection.bytes(content);
    boolean hasDate = false;
    boolean hasMessageId = false;
    int pos = 0;
    boolean inField = false;
    int end = bytes.length;
    boolean blankLineFollows = true;
    while (pos < bytes.length) {
      int eol = lineEnd(bytes, pos);
      int length = eol - pos;
      if (length == 0) {
        end = pos;
        break;
      }
      boolean continuation = bytes[pos] == ' ' || bytes[pos] == '\t';
      int colon = continuation ? -1 : fieldNameEnd(bytes, pos, eol);
      if (continuation ? !inField : colon < 0) {
        end = pos;
        blankLineFollows = false;
        break;
      }
      if (!continuation) {
        inField = true;
        hasDate |= named(bytes, pos, colon, "date");
        hasMessageId |= named(bytes, pos, colon, "message-id");
      }
      pos = Math.min(bytes.length, eol + 2);
    }
    if (hasDate && hasMessageId) {
      return content;
    }
    StringBuilder added = new StringBuilder();
    if (!hasDate) {
      added.append("Date: ").append(ReceivedHeader.DATE.format(now)).append("\r\n");
    }
    if (!hasMessageId) {
      added.append("Message-ID: <").append(MESSAGE_ID_TIME.format(now)).append('.').append(queueId)
          .append('@').append(hostname).append(">\r\n");
    }
    if (!blankLineFollows) {
      added.append("\r\n");
    }
    byte[] fields = added.toString().getBytes(StandardCharsets.US_ASCII);
    return Buffer.buffer(content.length() + fields.length)
        .appendBytes(bytes, 0, end).appendBytes(fields).appendBytes(bytes, end, bytes.length - end)
        .appendBuffer(content, bytes.length, content.length() - bytes.length);
  }

  /** Where the line starting at {@code from} ends: its CR of CRLF, or the end of the bytes. */
  private static int lineEnd(byte[] bytes, int from) {
    for (int i = from; i < bytes.length - 1; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return bytes.length;
  }

  /** The index of the colon ending a field name (printable ASCII but colon, RFC 5322 2.2), or -1. */
  private static int fieldNameEnd(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b == ':') {
        return i > from ? i : -1;
      }
      if (b < 33 || b > 126) {
        return -1;
      }
    }
    return -1;
  }

  private static boolean named(byte[] bytes, int from, int colon, String name) {
    if (colon - from != name.length()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.toLowerCase((char) bytes[from + i]) != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
