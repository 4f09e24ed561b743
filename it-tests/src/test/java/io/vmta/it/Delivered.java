package io.vmta.it;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A delivered message split into the {@code Received:} header the MTA prepended and the rest,
 * which must be the message exactly as the client sent it (dot-unstuffed).
 *
 * @param received the prepended header with its folding, ending in CRLF
 * @param original everything after it
 * @param receivedHeaders how many {@code Received:} headers the header section holds in all
 */
record Delivered(String received, byte[] original, int receivedHeaders) {

  /** Splits a Maildir file; fails when it does not start with a Received header. */
  static Delivered parse(byte[] file) {
    String text = new String(file, StandardCharsets.ISO_8859_1); // one char per byte: indexes are offsets
    if (!text.startsWith("Received: from ")) {
      throw new AssertionError("delivered message does not start with a Received header: "
          + text.substring(0, Math.min(200, text.length())));
    }
    int end = 0;
    do {
      end = text.indexOf("\r\n", end) + 2;
      if (end == 1) {
        throw new AssertionError("unterminated Received header: " + text);
      }
    } while (end < text.length() && text.charAt(end) == '\t');
    int headerEnd = text.indexOf("\r\n\r\n");
    String headers = headerEnd < 0 ? text : text.substring(0, headerEnd + 2);
    int count = 0;
    for (String line : headers.split("\r\n")) {
      if (line.regionMatches(true, 0, "Received:", 0, 9)) {
        count++;
      }
    }
    return new Delivered(text.substring(0, end), Arrays.copyOfRange(file, end, file.length), count);
  }

  /** The rest as UTF-8, for readable assertions. */
  String originalText() {
    return new String(original, StandardCharsets.UTF_8);
  }

  /** The number of lines the Received header is folded over. */
  int receivedLines() {
    return received.split("\r\n").length;
  }
}
