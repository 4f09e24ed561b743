package io.vmta.smtp.server;

import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** BDAT (RFC 3030) over a real socket. */
class ChunkingTest {

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
  void chunksMakeOneMessageAndMayBePipelined() throws Exception {
    String part1 = "Subject: chunks\r\n\r\n.not stuffed\r";
    String part2 = "\nend\r\n";
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<alice@example.test>\r\n"
          + "BDAT " + part1.length() + "\r\n" + part1 + "BDAT " + part2.length() + " LAST\r\n" + part2);
      assertThat(c.read().code()).isEqualTo(250);
      assertThat(c.read().code()).isEqualTo(250);
      assertThat(c.read().last()).isEqualTo("250 2.0.0 Ok: " + part1.length() + " octets received");
      assertThat(c.read().last()).startsWith("250 2.0.0 Ok: queued as ");
      assertThat(c.command("DATA").code()).isEqualTo(503);
    }
    String content = server.nextQueued().content().toString(StandardCharsets.UTF_8);
    assertThat(content.substring(content.indexOf("Subject:"))).isEqualTo(part1 + part2);
  }

  @Test
  void aRefusedBdatStillConsumesItsChunk() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.send("BDAT 12\r\nNOOP\r\nNOOP\r\n");
      assertThat(c.read().last()).startsWith("503 5.5.1 ");
      assertThat(c.command("NOOP").code()).isEqualTo(250);
    }
    assertThat(server.queued).isEmpty();
  }

  @Test
  void aBareLineFeedInAChunkRefusesTheMessage() throws Exception {
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<alice@example.test>");
      c.send("BDAT 10 LAST\r\nab\n.\ncdefg");
      assertThat(c.read().last()).startsWith("554 5.6.0 ");
      assertThat(c.command("BDAT 3 LAST\r\nabc").last()).startsWith("503 5.5.1 ");
    }
    assertThat(server.queued).isEmpty();
  }
}
