package io.vmta.smtp.server;

import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection ends at its time limit whatever it does (issue 9), over a real socket. The other
 * ways of holding a slot without sending mail are transcripts: {@code junk_*.smtp}.
 */
class ConnectionLifetimeTest {

  private ServerFixture server;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aConnectionEndsAtItsTimeLimitWhateverItDoes() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setMaxConnectionTime(Duration.ofSeconds(1)));
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
}
