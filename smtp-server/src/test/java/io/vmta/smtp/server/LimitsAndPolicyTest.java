package io.vmta.smtp.server;

import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection limits, timeouts, trusted networks and SMTPUTF8, over real sockets. */
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
  void anIdleClientIsToldAndDisconnected() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setIdleTimeout(java.time.Duration.ofSeconds(1)));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.read().last()).startsWith("421 4.4.2 ");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void trustedNetworksMayRelay() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setTrustedNetworks(List.of("127.0.0.0/8")));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("MAIL FROM:<a@example.test>");
      assertThat(c.command("RCPT TO:<someone@elsewhere.example>").code()).isEqualTo(250);
      c.command("DATA");
      assertThat(c.command("x\r\n.").code()).isEqualTo(250);
    }
    assertThat(server.nextQueued().envelope().recipients()).containsExactly("someone@elsewhere.example");
  }

  @Test
  void untrustedNetworksMayNot() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setTrustedNetworks(List.of("10.0.0.0/8", "::1/128")));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("MAIL FROM:<a@example.test>");
      assertThat(c.command("RCPT TO:<someone@elsewhere.example>").last()).startsWith("554 5.7.1 ");
    }
  }

  @Test
  void internationalisedMailIsAcceptedWithSmtputf8() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setLocalUsers(List.of("jörg@example.test")));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("MAIL FROM:<ñandú@example.org> SMTPUTF8 BODY=8BITMIME").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<jörg@example.test>").code()).isEqualTo(250);
      c.command("DATA");
      assertThat(c.command("Subject: grüße\r\n\r\nü\r\n.").code()).isEqualTo(250);
    }
    var m = server.nextQueued();
    assertThat(m.envelope().smtputf8()).isTrue();
    assertThat(m.envelope().body()).isEqualTo("8BITMIME");
    assertThat(m.content().toString(StandardCharsets.UTF_8)).contains(" with UTF8SMTP id ").endsWith("Subject: grüße\r\n\r\nü\r\n");
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
