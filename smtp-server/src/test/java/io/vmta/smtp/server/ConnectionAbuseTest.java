package io.vmta.smtp.server;

import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Clients that hold a connection without sending mail are closed, over real sockets (issue 9). */
class ConnectionAbuseTest {

  private ServerFixture server;

  @AfterEach
  void stop() {
    server.close();
  }

  private void start(SmtpServerOptions options) {
    server = new ServerFixture(options);
  }

  @Test
  void commandsWithoutProgressPastTheLimitClose() throws Exception {
    start(ServerFixture.defaults().setMaxJunkCommands(3));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("NOOP").code()).isEqualTo(250);
      assertThat(c.command("RSET").code()).isEqualTo(250);
      assertThat(c.command("HELP").code()).isEqualTo(214);
      assertThat(c.command("VRFY alice").last()).startsWith("421 4.7.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void everyKindOfCommandWithoutProgressCounts() throws Exception {
    start(ServerFixture.defaults().setMaxJunkCommands(4));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("VRFY alice").code()).isEqualTo(252);
      assertThat(c.command("EXPN team").code()).isEqualTo(502);
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      assertThat(c.command("BDAT 0").last()).isEqualTo("250 2.0.0 Ok: 0 octets received");
      assertThat(c.command("BDAT 0").code()).isEqualTo(250);
      assertThat(c.command("BDAT 0").last()).startsWith("421 4.7.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(server.queued).isEmpty();
  }

  @Test
  void anAcceptedMessageStartsTheCountAgain() throws Exception {
    start(ServerFixture.defaults().setMaxJunkCommands(3));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      for (int i = 0; i < 3; i++) {
        assertThat(c.command("NOOP").code()).isEqualTo(250);
      }
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      c.command("DATA");
      assertThat(c.command("hello\r\n.").code()).isEqualTo(250);
      for (int i = 0; i < 3; i++) {
        assertThat(c.command("RSET").code()).isEqualTo(250);
      }
      assertThat(c.command("NOOP").last()).startsWith("421 4.7.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aRefusedMessageDoesNotStartTheCountAgain() throws Exception {
    start(ServerFixture.defaults().setMaxJunkCommands(2));
    server.failQueue();
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("NOOP").code()).isEqualTo(250);
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      c.command("DATA");
      assertThat(c.command("hello\r\n.").code()).isEqualTo(451);
      assertThat(c.command("RSET").code()).isEqualTo(250);
      assertThat(c.command("NOOP").last()).startsWith("421 4.7.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aConnectionEndsAtItsTimeLimitWhateverItDoes() throws Exception {
    start(ServerFixture.defaults().setMaxConnectionTime(Duration.ofSeconds(1)));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.send("Subject: slow\r\n\r\n");
      // The idle (5 min) and data (10 min) timeouts are far off: only the lifetime can end it.
      assertThat(c.read().last()).isEqualTo("421 4.7.0 Error: connection time limit exceeded");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(server.queued).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET / HTTP/1.1", "POST /submit HTTP/1.1", "CONNECT mx.example.test:25 HTTP/1.1",
      "HEAD / HTTP/1.0", "PUT /x HTTP/1.1", "DELETE /x HTTP/1.1", "OPTIONS * HTTP/1.1", "get / http/1.1",
      "Host: mx.example.test:25", "host:mx.example.test"})
  void anHttpRequestLineClosesTheConnectionAtOnce(String line) throws Exception {
    start(ServerFixture.defaults());
    try (TestSmtpClient c = server.connect()) {
      c.send(line + "\r\n");
      assertThat(c.read().last()).isEqualTo("502 5.7.0 Error: HTTP request to an SMTP server");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aBrowserPostInTheMiddleOfATransactionGetsOneReplyAndNothingIsQueued() throws Exception {
    start(ServerFixture.defaults());
    String body = "MAIL FROM:<victim@example.org>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nforged\r\n.\r\n";
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      c.send("POST / HTTP/1.1\r\nHost: mx.example.test:25\r\nContent-Type: text/plain\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body);
      String answer = new String(c.drain(3000), StandardCharsets.US_ASCII);
      assertThat(answer).isEqualTo("502 5.7.0 Error: HTTP request to an SMTP server\r\n");
    }
    assertThat(server.queued).isEmpty();
  }

  @Test
  void smtpCommandsThatMerelyLookAlikeAreNotHttp() throws Exception {
    start(ServerFixture.defaults());
    try (TestSmtpClient c = server.connect()) {
      assertThat(c.command("GET").code()).isEqualTo(500);
      assertThat(c.command("HOSTNAME").code()).isEqualTo(500);
      assertThat(c.command("EHLO get.example.org").code()).isEqualTo(250);
      assertThat(c.command("NOOP").code()).isEqualTo(250);
    }
  }
}
