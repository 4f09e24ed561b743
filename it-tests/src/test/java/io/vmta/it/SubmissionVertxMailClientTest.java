package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.MailResult;
import io.vertx.ext.mail.StartTLSOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * vertx-mail-client, the Vert.x application's way to submit mail, against the real process's
 * submission port: STARTTLS required, then AUTH PLAIN as alice. Mail to bob is delivered; mail to
 * a remote domain is queued and, with no relay yet, stays deferred in the queue and in the log.
 */
class SubmissionVertxMailClientTest {

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
  private static final String ALICE = "alice@example.test";
  private static final String BOB = "bob@example.test";

  @TempDir
  static Path dir;
  private static MtaProcess mta;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    mta = MtaProcess.start(dir, MtaProcess.allListeners(), MtaProcess.DEFAULT_JVM_OPTIONS);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (vertx != null) {
        await(vertx.close());
      }
    } finally {
      if (mta != null) {
        mta.close();
      }
    }
  }

  @Test
  void authenticatedSubmissionIsDelivered() throws Exception {
    String subject = "vertx-mail-client to bob";
    MailResult result = send("secret", message(BOB, subject));
    assertThat(result.getRecipients()).containsExactly(BOB);

    List<byte[]> found = Maildirs.awaitContaining(Maildirs.newDir(mta.dataDir(), BOB),
        "Subject: " + subject + "\r\n", Maildirs.DELIVERY_TIMEOUT);
    assertThat(found).hasSize(1);
    Delivered delivered = Delivered.parse(found.get(0));
    assertThat(delivered.receivedHeaders()).isEqualTo(1);
    assertThat(delivered.received())
        .contains(" with ESMTPSA id ")
        .contains("\tfor <" + BOB + ">; ");
    assertThat(delivered.originalText())
        .contains("From: " + ALICE + "\r\n")
        .contains("To: " + BOB + "\r\n")
        .contains("Message-ID: " + result.getMessageID())
        .endsWith("Hello Bob, from a Vert.x application.\r\n");
  }

  @Test
  void wrongPasswordFailsWith535() throws Exception {
    MailClient client = client("not-the-secret");
    try {
      Future<MailResult> sent = client.sendMail(message(BOB, "vertx-mail-client wrong password"));
      assertThatThrownBy(() -> await(sent))
          .isInstanceOf(ExecutionException.class)
          .cause().hasMessageContaining("535");
    } finally {
      await(client.close());
    }
    assertThat(mta.logLines()).noneMatch(l -> l.contains("not-the-secret"));
  }

  @Test
  void remoteRecipientIsQueuedAndDeferredNotLost() throws Exception {
    String remote = "someone@remote.example";
    MailResult result = send("secret", message(remote, "vertx-mail-client to a remote domain"));
    assertThat(result.getRecipients()).containsExactly(remote);

    String deferred = mta.awaitLog(Maildirs.DELIVERY_TIMEOUT,
        "to=<" + remote + ">", "relay=none",
        "status=deferred (DNS: ");
    String queueId = deferred.substring(0, deferred.indexOf(": to=<")).replaceAll("^.* ", "");
    assertThat(queueId).matches("[0-9A-Z]{10,}");
    // Queued under that id, from alice: the log line of its acceptance names the sender.
    assertThat(mta.logLines()).anyMatch(l -> l.contains(queueId + ": from=<" + ALICE + ">"));
    // Visible, not lost: nothing bounced, nothing delivered to a local mailbox in its place.
    assertThat(mta.logLines()).noneMatch(l -> l.contains(queueId) && l.contains("status=bounced"));
    assertThat(Maildirs.containing(Maildirs.allMail(mta.dataDir()), "to a remote domain"))
        .isEmpty();
  }

  private static MailMessage message(String to, String subject) {
    return new MailMessage().setFrom(ALICE).setTo(to).setSubject(subject)
        .setText("Hello Bob, from a Vert.x application.");
  }

  private static MailResult send(String password, MailMessage message) throws Exception {
    MailClient client = client(password);
    try {
      return await(client.sendMail(message));
    } finally {
      await(client.close());
    }
  }

  private static MailClient client(String password) {
    MailConfig config = new MailConfig()
        .setHostname("127.0.0.1")
        .setPort(mta.port("submission"))
        .setOwnHostname("client.example.org")
        .setStarttls(StartTLSOptions.REQUIRED)
        .setLogin(LoginOption.REQUIRED)
        .setAuthMethods("PLAIN")
        .setUsername(ALICE)
        .setPassword(password)
        .setKeepAlive(false);
    config.setTrustAll(true);
    return MailClient.create(vertx, config);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture()
        .get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }
}
