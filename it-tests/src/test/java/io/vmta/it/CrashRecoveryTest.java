package io.vmta.it;

import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability promise (DESIGN.md "Data flow"): after "250 ... queued as", a SIGKILL at any
 * point loses nothing; the message is delivered after a restart on the same data directory.
 */
class CrashRecoveryTest {

  private static final Duration LOG_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\S+)");
  private static final Pattern RECOVERED = Pattern.compile("queue started with (\\d+) message\\(s\\)");

  @TempDir
  Path dir;

  @Test
  void aDeferredMessageSurvivesSigkillAndIsDeliveredOnceAfterRestart() throws Exception {
    // A regular file where alice's Maildir should be: delivery fails (even as root) and is deferred.
    Path blocker = dir.resolve("data/mail/example.test/alice");
    Files.createDirectories(blocker.getParent());
    Files.writeString(blocker, "not a directory");
    String body = "Subject: survives kill -9\r\n\r\nGrüße\r\n.leading dot\r\n";
    try (MtaProcess mta = MtaProcess.start(dir)) {
      String id;
      try (TestSmtpClient c = mta.connect()) {
        c.command("EHLO client.example.org");
        c.command("MAIL FROM:<sender@example.org>");
        c.command("RCPT TO:<alice@example.test>");
        assertThat(c.command("DATA").code()).isEqualTo(354);
        id = queuedId(c.command(body.replace("\r\n.", "\r\n..") + "."));
      }
      mta.awaitLog(LOG_TIMEOUT, id + ": to=<alice@example.test>", "status=deferred");
      mta.kill();
      assertThat(mta.mail("alice@example.test")).isEmpty();

      Files.delete(blocker);
      mta.restart();
      mta.awaitDelivery("alice@example.test", 1);
      mta.awaitLog(LOG_TIMEOUT, id + ": removed");
      List<byte[]> mail = mta.mail("alice@example.test");
      assertThat(mail).as("copies delivered").hasSize(1);
      Delivered delivered = Delivered.parse(mail.get(0));
      assertThat(delivered.originalText()).isEqualTo(body);
      assertThat(delivered.receivedHeaders()).isEqualTo(1);
      assertThat(delivered.received()).contains(" id " + id);
    }
  }

  @Test
  void fiftyMessagesSurviveSigkillRightAfterTheLastReply() throws Exception {
    int count = 50;
    Map<String, String> subjectById = new HashMap<>();
    try (MtaProcess mta = MtaProcess.start(dir)) {
      String run = UUID.randomUUID().toString();
      try (TestSmtpClient c = mta.connect()) {
        c.command("EHLO client.example.org");
        for (int i = 0; i < count; i++) {
          String subject = "crash " + run + " #" + i;
          c.command("MAIL FROM:<sender@example.org>");
          c.command("RCPT TO:<alice@example.test>");
          c.command("DATA");
          subjectById.put(queuedId(c.command("Subject: " + subject + "\r\n\r\nmessage " + i + "\r\n.")), subject);
        }
        mta.kill(); // right after the 50th 250, with deliveries in flight
      }
      mta.restart();
      Matcher recovered = RECOVERED.matcher(mta.awaitLog(LOG_TIMEOUT, "queue started with"));
      assertThat(recovered.find()).isTrue();
      int inSpool = Integer.parseInt(recovered.group(1));
      // Every message found in the spool is removed once delivered, before or after the kill.
      List<String> removed = mta.awaitLogs(inSpool, LOG_TIMEOUT, ": removed");
      List<String> redelivered = mta.logLines().stream().filter(l -> l.contains("status=sent"))
          .map(l -> l.substring(l.indexOf(": ") + 2, l.indexOf(": to="))).toList();

      Map<String, Integer> copies = new HashMap<>();
      for (byte[] m : mta.mail("alice@example.test")) {
        String text = new String(m, StandardCharsets.UTF_8);
        subjectById.values().stream().filter(s -> text.contains("Subject: " + s + "\r\n"))
            .forEach(s -> copies.merge(s, 1, Integer::sum));
      }
      assertThat(copies.keySet()).as("subjects delivered (%d in the spool at restart, %d removed)", inSpool,
          removed.size()).containsExactlyInAnyOrderElementsOf(subjectById.values());
      // At least once: a kill between the Maildir write and the spool's record of it redelivers
      // that message after restart, which is allowed. Any other duplicate is a bug.
      subjectById.forEach((id, subject) -> {
        if (!redelivered.contains(id)) {
          assertThat(copies.get(subject)).as("copies of %s (%s), not redelivered after restart", id, subject)
              .isEqualTo(1);
        }
      });
    }
  }

  private static String queuedId(TestSmtpClient.Reply reply) {
    Matcher m = QUEUED.matcher(reply.last());
    assertThat(m.matches()).as("reply %s", reply.text()).isTrue();
    return m.group(1);
  }
}
