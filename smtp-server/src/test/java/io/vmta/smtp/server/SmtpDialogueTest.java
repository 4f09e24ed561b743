package io.vmta.smtp.server;

import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The ordinary conversation and its policy replies, over a real socket. */
class SmtpDialogueTest {

  private ServerFixture server;

  @BeforeEach
  void start() {
    server = new ServerFixture(ServerFixture.defaults().setMaxRecipients(3));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void ehloAdvertisesTheExtensions() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      TestSmtpClient.Reply ehlo = c.command("EHLO client.example.org");
      assertThat(ehlo.code()).isEqualTo(250);
      assertThat(ehlo.lines()).containsExactly("250-mx.example.test", "250-PIPELINING", "250-SIZE 26214400",
          "250-8BITMIME", "250-ENHANCEDSTATUSCODES", "250-STARTTLS", "250-SMTPUTF8", "250 CHUNKING");
    }
  }

  @Test
  void refusesUnknownUsersAndRelayingButKeepsGoodRecipients() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("MAIL FROM:<>");
      assertThat(c.command("RCPT TO:<nobody@example.test>").last()).startsWith("550 5.1.1 ");
      assertThat(c.command("RCPT TO:<victim@elsewhere.example>").last()).startsWith("554 5.7.1 ");
      assertThat(c.command("RCPT TO:<team@example.test>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<postmaster@example.test>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<Postmaster>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<bob@example.test>").last()).startsWith("452 4.5.3 ");
      c.command("DATA");
      assertThat(c.command("Subject: x\r\n\r\nhello\r\n.").code()).isEqualTo(250);
      assertThat(server.nextQueued().envelope().recipients())
          .containsExactly("team@example.test", "postmaster@example.test", "postmaster@example.test");
    }
  }

  @Test
  void refusesBadAddressSyntaxAndUnknownParameters() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("MAIL FROM:<a@@example.org>").code()).isIn(501, 553);
      assertThat(c.command("MAIL FROM:a@example.org").code()).isEqualTo(501);
      assertThat(c.command("MAIL FROM:<a@example.org> FOO=bar").last()).startsWith("555 5.5.4 ");
      assertThat(c.command("MAIL FROM:<a@example.org> SIZE=99999999999").last()).startsWith("552 5.3.4 ");
      assertThat(c.command("MAIL FROM:<jörg@example.org>").last()).startsWith("553 5.6.7 ");
      assertThat(c.command("MAIL FROM:<jörg@example.org> SMTPUTF8").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<alice@exa mple.test>").code()).isIn(501, 553);
      assertThat(c.command("RCPT TO:<" + "a".repeat(65) + "@example.test>").code()).isIn(501, 553);
    }
    assertThat(server.queued).isEmpty();
  }

  @Test
  void anOverlongCommandLineIsRefusedAndTheSessionGoesOn() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("NOOP " + "x".repeat(600)).last()).startsWith("500 5.5.2 ");
      assertThat(c.command("NOOP " + "x".repeat(505)).code()).isEqualTo(250);
      assertThat(c.command("NOOP " + "x".repeat(506)).code()).isEqualTo(500);
      assertThat(c.command("NOOP").code()).isEqualTo(250);
      // An overlong line whose CRLF is split across two writes: the LF must still end it.
      c.send("NOOP " + "y".repeat(700) + "\r");
      c.send("\nNOOP\r\n");
      assertThat(c.read().code()).isEqualTo(500);
      assertThat(c.read().code()).isEqualTo(250);
    }
  }

  @Test
  void aMessageOverTheSizeLimitIsRefusedWhileStreaming() throws Exception {
    server.close();
    server = new ServerFixture(ServerFixture.defaults().setMaxMessageSize(1000));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("MAIL FROM:<a@example.org> SIZE=1001").last()).startsWith("552 5.3.4 ");
      c.command("MAIL FROM:<a@example.org> SIZE=500");
      c.command("RCPT TO:<alice@example.test>");
      c.command("DATA");
      assertThat(c.command(("x".repeat(99) + "\r\n").repeat(11) + ".").last()).startsWith("552 5.3.4 ");
      assertThat(c.command("NOOP").code()).isEqualTo(250);
    }
    assertThat(server.queued).isEmpty();
  }

  @Test
  void closesAfterTooManyErrors() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      for (int i = 0; i < 9; i++) {
        assertThat(c.command("BOGUS").code()).isEqualTo(500);
      }
      c.send("BOGUS\r\n");
      assertThat(c.read().code()).isEqualTo(500);
      assertThat(c.read().last()).startsWith("421 4.7.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aQueueFailureIs451AndNothingIsAcknowledged() throws Exception {
    server.failQueue();
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      c.command("DATA");
      assertThat(c.command("hello\r\n.").last()).isEqualTo("451 4.3.0 Error: queue file write error");
      assertThat(c.command("RCPT TO:<alice@example.test>").code()).isEqualTo(503);
    }
  }
}
