package io.vmta.smtp.server;

import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.auth.UsersAuthenticationProvider;
import io.vmta.smtp.auth.UsersFile;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way out of a mail transaction leaves nothing of it behind (issue 9): the next message of
 * the session holds exactly its own bytes, checked as the queue receives them.
 */
class SessionStateTest {

  /** A chunk of a transaction that is then abandoned or refused. */
  private static final String STALE = "Subject: stale\r\n\r\nleft behind\r\n";
  /** The whole of the message sent afterwards. */
  private static final String FRESH = "Subject: fresh\r\n\r\nthe real message\r\n";

  private ServerFixture server;

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSET", "EHLO", "HELO", "STARTTLS"})
  void chunksOfAnAbandonedTransactionAreNotInTheNextMessage(String abandon) throws Exception {
    server = new ServerFixture(ServerFixture.defaults());
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      openAndSendStaleChunk(c);
      switch (abandon) {
        case "RSET" -> assertThat(c.command("RSET").code()).isEqualTo(250);
        case "EHLO", "HELO" -> assertThat(c.command(abandon + " client.example.org").code()).isEqualTo(250);
        case "STARTTLS" -> {
          assertThat(c.command("STARTTLS").code()).isEqualTo(220);
          c.upgrade();
          assertThat(c.command("EHLO client.example.org").code()).isEqualTo(250);
        }
        default -> throw new IllegalArgumentException(abandon);
      }
      sendFreshMessage(c);
    }
    assertThat(body(server.nextQueued())).isEqualTo(FRESH);
  }

  @Test
  void chunksAbandonedBeforeADataMessageAreInNeitherMessage() throws Exception {
    server = new ServerFixture(ServerFixture.defaults());
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      openAndSendStaleChunk(c);
      c.command("RSET");
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      assertThat(c.command("DATA").code()).isEqualTo(354);
      assertThat(c.command("by DATA\r\n.").code()).isEqualTo(250);
      sendFreshMessage(c);
    }
    assertThat(body(server.nextQueued())).isEqualTo("by DATA\r\n");
    assertThat(body(server.nextQueued())).isEqualTo(FRESH);
  }

  @Test
  void aRefusedChunkEndsTheTransactionAndTheNextMessageIsWhole() throws Exception {
    server = new ServerFixture(ServerFixture.defaults());
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      openAndSendStaleChunk(c);
      assertThat(bdat(c, "BDAT 6 LAST", "bare\nx").last()).startsWith("554 5.6.0 ");
      assertThat(bdat(c, "BDAT 3 LAST", "abc").last()).startsWith("503 5.5.1 ");
      sendFreshMessage(c);
    }
    assertThat(body(server.nextQueued())).isEqualTo(FRESH);
  }

  @Test
  void aMessageRefusedForItsSizeLeavesNothingBehind() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setMaxMessageSize(200));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      openAndSendStaleChunk(c);
      String big = ("x".repeat(98) + "\r\n").repeat(3);
      assertThat(bdat(c, "BDAT " + big.length(), big).last()).startsWith("552 5.3.4 ");
      sendFreshMessage(c);
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      c.command("DATA");
      assertThat(c.command(big + ".").last()).startsWith("552 5.3.4 ");
      sendFreshMessage(c);
    }
    assertThat(body(server.nextQueued())).isEqualTo(FRESH);
    assertThat(body(server.nextQueued())).isEqualTo(FRESH);
  }

  @Test
  void aMessageTheQueueRefusedLeavesNothingBehind() throws Exception {
    server = new ServerFixture(ServerFixture.defaults());
    server.failQueue();
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      openAndSendStaleChunk(c);
      assertThat(bdat(c, "BDAT 4 LAST", "end\n").last()).startsWith("554 5.6.0 ");
      openAndSendStaleChunk(c);
      assertThat(bdat(c, "BDAT 5 LAST", "end\r\n").last()).startsWith("451 4.3.0 ");
      server.restoreQueue();
      assertThat(c.command("RCPT TO:<alice@example.test>").last()).startsWith("503 5.5.1 ");
      sendFreshMessage(c);
    }
    assertThat(body(server.nextQueued())).isEqualTo(FRESH);
  }

  @Test
  void authInTheMiddleOfChunksIsRefusedAndTheTransactionGoesOn() throws Exception {
    String hash = PasswordHashes.hash("s3cret");
    UsersFile users = UsersFile.parse("alice@example.test:" + hash + "\n", "test users");
    server = new ServerFixture(ServerFixture.defaults(), vertx -> new UsersAuthenticationProvider(vertx, users));
    String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0s3cret".getBytes(StandardCharsets.UTF_8));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("STARTTLS");
      c.upgrade();
      c.command("EHLO client.example.org");
      openAndSendStaleChunk(c);
      assertThat(c.command("AUTH PLAIN " + plain).last()).startsWith("503 5.5.1 ");
      assertThat(bdat(c, "BDAT 5 LAST", "end\r\n").last()).startsWith("250 2.0.0 Ok: queued as ");
      assertThat(c.command("AUTH PLAIN " + plain).code()).isEqualTo(235);
      sendFreshMessage(c, "alice@example.test");
    }
    assertThat(body(server.nextQueued())).isEqualTo(STALE + "end\r\n");
    QueuedMessage second = server.nextQueued();
    assertThat(body(second)).isEqualTo(FRESH);
    assertThat(second.envelope().authUser()).isEqualTo("alice@example.test");
  }

  @Test
  void aStoppingServerClosesASessionBetweenChunksAndKeepsNothing() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setShutdownGraceSeconds(1));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      openAndSendStaleChunk(c);
      ServerFixture.await(server.vertx.undeploy(server.vertx.deploymentIDs().iterator().next()));
      assertThat(c.read().last()).startsWith("421 4.3.2 ");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(server.queued).isEmpty();
  }

  private static void openAndSendStaleChunk(TestSmtpClient c) throws Exception {
    assertThat(c.command("MAIL FROM:<a@example.org>").code()).isEqualTo(250);
    assertThat(c.command("RCPT TO:<alice@example.test>").code()).isEqualTo(250);
    assertThat(bdat(c, "BDAT " + STALE.length(), STALE).last())
        .isEqualTo("250 2.0.0 Ok: " + STALE.length() + " octets received");
  }

  private static void sendFreshMessage(TestSmtpClient c) throws Exception {
    sendFreshMessage(c, "b@example.org");
  }

  private static void sendFreshMessage(TestSmtpClient c, String sender) throws Exception {
    assertThat(c.command("MAIL FROM:<" + sender + ">").code()).isEqualTo(250);
    assertThat(c.command("RCPT TO:<bob@example.test>").code()).isEqualTo(250);
    assertThat(bdat(c, "BDAT " + FRESH.length() + " LAST", FRESH).last())
        .startsWith("250 2.0.0 Ok: queued as ");
  }

  /** Sends a BDAT command with its chunk (exactly those bytes) and reads the reply. */
  private static TestSmtpClient.Reply bdat(TestSmtpClient c, String command, String chunk) throws Exception {
    c.send(command + "\r\n" + chunk);
    return c.read();
  }

  /** The message as queued, without the one Received: header the server put in front. */
  private static String body(QueuedMessage m) {
    assertThat(m).as("a queued message").isNotNull();
    String content = m.content().toString(StandardCharsets.UTF_8);
    assertThat(content).startsWith("Received: ");
    int pos = 0;
    do {
      pos = content.indexOf("\r\n", pos) + 2;
    } while (content.charAt(pos) == '\t');
    return content.substring(pos);
  }
}
