package io.vmta.it;

import java.nio.charset.StandardCharsets;

/** Test messages that exercise what a relay must carry unchanged. */
final class Messages {

  private Messages() {
  }

  /**
   * A message with {@code subject}, 8-bit UTF-8 text, lines that start with a dot (which the
   * client must stuff and the server unstuff) and CRLF line ends throughout.
   */
  static byte[] eightBit(String subject) {
    String text = "From: Sender <sender@example.org>\r\n"
        + "To: Alice <alice@example.test>\r\n"
        + "Subject: " + subject + "\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n"
        + "\r\n"
        + "Grüße aus Köln, ça va? Ελληνικά, 日本語.\r\n"
        + ".a line that starts with a dot\r\n"
        + "..and one with two\r\n"
        + ".\tdot and tab\r\n"
        + "last line\r\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
