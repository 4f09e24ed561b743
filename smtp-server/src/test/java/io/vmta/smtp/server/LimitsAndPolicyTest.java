package io.vmta.smtp.server;

import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection limits and TLS handshakes that a transcript cannot express, over real sockets. */
class LimitsAndPolicyTest {

  private ServerFixture server;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void refusesConnectionsOverThePerIpLimitAndFreesSlotsOnClose() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setMaxConnectionsPerIp(2));
    try (TestSmtpClient a = server.connect(); TestSmtpClient b = server.connect()) {
      try (TestSmtpClient c = new TestSmtpClient("127.0.0.1", server.port())) {
        assertThat(c.read().last()).startsWith("421 4.7.0 ");
        assertThat(c.closedByServer()).isTrue();
      }
      a.command("QUIT");
      // The slot is free as soon as QUIT is answered: a client reconnecting at once gets in.
      try (TestSmtpClient d = new TestSmtpClient("127.0.0.1", server.port())) {
        assertThat(d.read().code()).isEqualTo(220);
      }
      assertThat(b.command("NOOP").code()).isEqualTo(250);
    }
  }

  @Test
  void plaintextSentInsteadOfATlsHandshakeIsNeverExecuted() throws Exception {
    server = new ServerFixture(ServerFixture.defaults());
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("STARTTLS").code()).isEqualTo(220);
      c.send("MAIL FROM:<evil@example.org>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nx\r\n.\r\n");
      // The server now speaks TLS only: it fails the handshake (at once, or at its handshake
      // timeout) and never answers the plaintext as SMTP.
      String answer = new String(c.drain(3000), StandardCharsets.ISO_8859_1);
      assertThat(answer).doesNotContain("250").doesNotContain("354");
    }
    assertThat(server.queued).isEmpty();
  }
}
