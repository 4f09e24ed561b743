package io.vmta.it;

import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM in the middle of a 200-message load (issue 5): the process stops in order (exit 0),
 * and every message acknowledged with 250 is delivered once it runs again.
 */
class SigtermUnderLoadTest {

  private static final int SENDERS = 4;
  private static final int PER_SENDER = 50;

  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedMessageIsDeliveredAfterRestart() throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    String run = UUID.randomUUID().toString();
    try (MtaProcess mta = MtaProcess.start(dir)) {
      CountDownLatch quarter = new CountDownLatch(SENDERS * PER_SENDER / 4);
      ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
      List<Future<?>> senders = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        int sender = s;
        senders.add(pool.submit(() -> send(mta, run, sender, acknowledged, quarter)));
      }
      assertThat(quarter.await(60, TimeUnit.SECONDS)).as("a quarter of the load acknowledged").isTrue();
      mta.stop();
      assertThat(mta.exitValue()).as("exit status after SIGTERM").isZero();
      for (Future<?> f : senders) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();

      mta.restart();
      mta.awaitDelivery("alice@example.test", acknowledged.size());
      Set<String> delivered = ConcurrentHashMap.newKeySet();
      for (byte[] m : mta.mail("alice@example.test")) {
        String text = new String(m, StandardCharsets.UTF_8);
        int at = text.indexOf("Subject: " + run + " ");
        if (at >= 0) {
          delivered.add(text.substring(at + 9, text.indexOf("\r\n", at)));
        }
      }
      assertThat(delivered).as("delivered after restart").containsAll(acknowledged);
      assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(SENDERS * PER_SENDER / 4);
    }
  }

  /** Sends until the server stops answering; records the subjects that got a 250. */
  private static Void send(MtaProcess mta, String run, int sender, Set<String> acknowledged, CountDownLatch progress) {
    try (TestSmtpClient c = mta.connect()) {
      c.command("EHLO sender" + sender + ".example.org");
      for (int i = 0; i < PER_SENDER; i++) {
        String subject = run + " " + sender + "-" + i;
        if (c.command("MAIL FROM:<load@example.org>").code() != 250
            || c.command("RCPT TO:<alice@example.test>").code() != 250
            || c.command("DATA").code() != 354) {
          return null;
        }
        TestSmtpClient.Reply done = c.command("Subject: " + subject + "\r\n\r\nmessage " + i + "\r\n.");
        if (done.code() != 250) {
          return null;
        }
        acknowledged.add(subject);
        progress.countDown();
      }
    } catch (IOException stoppedUnderUs) {
      // The server went away between two commands: what got 250 before counts.
    }
    return null;
  }

}
