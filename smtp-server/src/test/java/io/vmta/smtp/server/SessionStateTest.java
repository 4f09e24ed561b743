package io.vmta.smtp.server;

import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way out of a mail transaction leaves nothing of it behind (issue 9): the next message of
 * the session holds exactly its own bytes, checked as the queue receives them. The paths that are
 * plain dialogues are transcripts ({@code bdat_abandoned_by_*.smtp}, {@code bdat_abandoned_then_data},
 * {@code bdat_refused_chunk_then_message}, {@code message_too_big_then_next},
 * {@code auth_between_chunks}); these need the queue or the server to change in the middle.
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
  void aStoppingServerClosesASessionBetweenChunksAndKeepsNothing() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setShutdownGrace(java.time.Duration.ofSeconds(1)));
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
    assertThat(c.command("MAIL FROM:<b@example.org>").code()).isEqualTo(250);
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
