package io.vmta.smtp.server;

import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SMTP smuggling (DESIGN.md "Protocol rules"): a message whose body holds a false end of data
 * followed by a second, smuggled transaction. Only CRLF.CRLF ends DATA; every variant is
 * refused once, at the real end, and neither message is queued.
 */
class SmugglingTest {

  private static ServerFixture server;

  @BeforeAll
  static void start() {
    server = new ServerFixture(ServerFixture.defaults());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "false end {0}")
  @ValueSource(strings = {"\\n.\\n", "\\r.\\r", "\\r\\n.\\n", "\\n.\\r\\n", "\\r.\\r\\n", "\\r\\n.\\r",
      "\\r\\n\\0.\\r\\n", "\\r\\n.\\0\\r\\n", "\\r\\n.\\0\\n"})
  void aFalseEndOfDataNeverEndsTheMessage(String escaped) throws Exception {
    String falseEnd = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0");
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("MAIL FROM:<sender@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.send("Subject: first\r\n\r\nbody" + falseEnd
          + "MAIL FROM:<admin@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
          + "Subject: smuggled\r\n\r\nevil\r\n.\r\n");
      TestSmtpClient.Reply reply = c.read();
      assertThat(reply.last()).startsWith("554 5.6.0 ");
      // The session is in step again: the next command gets the next reply, no transaction is open.
      assertThat(c.command("RCPT TO:<bob@example.test>").last()).startsWith("503 5.5.1 ");
    }
    assertThat(server.queued).isEmpty();
  }
}
