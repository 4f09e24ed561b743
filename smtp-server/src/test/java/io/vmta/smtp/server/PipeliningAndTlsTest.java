package io.vmta.smtp.server;

import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** PIPELINING (RFC 2920), STARTTLS (RFC 3207) and the injection defence, over real sockets. */
class PipeliningAndTlsTest {

  private ServerFixture server;

  @BeforeEach
  void start() {
    server = new ServerFixture(ServerFixture.defaults());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void contentPipelinedBehindDataIsASynchronisationError() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nhello\r\n.\r\n");
      assertThat(c.read().code()).isEqualTo(250);
      assertThat(c.read().code()).isEqualTo(250);
      assertThat(c.read().last()).startsWith("554 5.5.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(server.queued).isEmpty();
  }

  @Test
  void startTlsResetsTheSessionAndHidesItselfFromEhlo() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("MAIL FROM:<a@example.org>");
      assertThat(c.command("STARTTLS").last()).isEqualTo("220 2.0.0 Ready to start TLS");
      c.upgrade();
      assertThat(c.command("RCPT TO:<alice@example.test>").code()).isEqualTo(503);
      assertThat(c.command("MAIL FROM:<a@example.org>").last()).startsWith("503 5.5.1 ");
      TestSmtpClient.Reply ehlo = c.command("EHLO client.example.org");
      assertThat(ehlo.lines()).noneMatch(l -> l.contains("STARTTLS"));
      assertThat(c.command("STARTTLS").code()).isEqualTo(503);
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      c.command("DATA");
      assertThat(c.command("secret\r\n.").code()).isEqualTo(250);
    }
    String content = server.nextQueued().content().toString(StandardCharsets.UTF_8);
    assertThat(content).contains(" with ESMTPS id ");
  }

  @Test
  void commandsInjectedBehindStartTlsAreNeverExecuted() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.send("STARTTLS\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<alice@example.test>\r\n");
      assertThat(c.read().last()).startsWith("554 5.5.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
  }
}
