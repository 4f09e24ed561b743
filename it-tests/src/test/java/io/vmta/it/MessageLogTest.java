package io.vmta.it;

import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's log of the real jar, in the spirit of Postfix's: one line per message event,
 * each carrying the queue id; rejections without one say NOQUEUE; no password ever.
 */
class MessageLogTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern QUEUED = Pattern.compile("Ok: queued as (\\S+)");

  @TempDir
  static java.nio.file.Path dir;
  private static MtaProcess mta;

  @BeforeAll
  static void start() throws Exception {
    mta = MtaProcess.start(dir, MtaProcess.allListeners(), MtaProcess.DEFAULT_JVM_OPTIONS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (mta != null) {
      mta.stop();
    }
  }

  @Test
  void everyStepOfALocalDeliveryIsOneLineWithTheQueueId() throws Exception {
    String id;
    try (TestSmtpClient client = mta.connect()) {
      client.command("EHLO client.example.org");
      client.command("MAIL FROM:<sender@example.org>");
      client.command("RCPT TO:<alice@example.test>");
      client.command("DATA");
      Matcher queued = QUEUED.matcher(client.command("Subject: log\r\n\r\nhello\r\n.").last());
      assertThat(queued.find()).isTrue();
      id = queued.group(1);
      client.command("QUIT");
    }
    assertThat(mta.awaitLog(TIMEOUT, id + ": client=[127.0.0.1], helo=<client.example.org>, from=<sender@example.org>, size=",
        ", nrcpt=1 (queued)")).isNotNull();
    assertThat(mta.awaitLog(TIMEOUT, id + ": from=<sender@example.org>, size=", "nrcpt=1 (queue active)")).isNotNull();
    String sent = mta.awaitLog(TIMEOUT, id + ": to=<alice@example.test>, relay=local, delay=");
    assertThat(sent).matches(".*" + id + ": to=<alice@example\\.test>, relay=local, delay=\\d+\\.\\d\\d, "
        + "attempt=\\d+\\.\\d\\d, dsn=2\\.0\\.0, status=sent \\(delivered to maildir as .*\\)$");
    assertThat(mta.awaitLog(TIMEOUT, id + ": removed")).isNotNull();
    assertThat(mta.logLines().stream().filter(l -> l.contains(id + ": to=<alice@example.test>"))).hasSize(1);
  }

  @Test
  void aRefusedRecipientIsOneNoqueueLine() throws Exception {
    try (TestSmtpClient client = mta.connect()) {
      client.command("EHLO client.example.org");
      client.command("MAIL FROM:<sender@example.org>");
      assertThat(client.command("RCPT TO:<nobody@example.test>").code()).isEqualTo(550);
      client.command("QUIT");
    }
    assertThat(mta.awaitLog(TIMEOUT, "NOQUEUE: reject: RCPT from [127.0.0.1]: 550 5.1.1", "<nobody@example.test>",
        "from=<sender@example.org> helo=<client.example.org>")).isNotNull();
  }

  @Test
  void aLoginIsLoggedAndItsPasswordNever() throws Exception {
    String password = "secret";
    String token = Base64.getEncoder().encodeToString(("\0bob@example.test\0" + password).getBytes(StandardCharsets.UTF_8));
    String wrong = Base64.getEncoder().encodeToString("\0bob@example.test\0s3cr3t-wrong".getBytes(StandardCharsets.UTF_8));
    try (TestSmtpClient client = mta.connect("smtps")) {
      client.command("EHLO client.example.org");
      assertThat(client.command("AUTH PLAIN " + wrong).code()).isEqualTo(535);
      assertThat(client.command("AUTH PLAIN " + token).code()).isEqualTo(235);
      client.command("QUIT");
    }
    mta.awaitLog(TIMEOUT, "AUTH from [127.0.0.1] failed: login=<bob@example.test>");
    mta.awaitLog(TIMEOUT, "AUTH from [127.0.0.1]: login=<bob@example.test> mechanism=PLAIN");
    assertThat(mta.log()).doesNotContain(token, wrong, "s3cr3t-wrong", "\0" + password);
  }
}
