package io.vmta.smtp.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailMessage;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueueId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedding API: a vertx-mail-client MailMessage straight into the queue. */
class MailSubmitterTest {

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private final BlockingQueue<JsonObject> removed = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> {
      if (m.body().getString("event").equals("removed")) {
        removed.add(m.body());
      }
    });
    await(vertx.deployVerticle(new QueueVerticle(new QueueOptions().setDataDir(dataDir.toString())
        .setDomains(List.of("example.test")).setLocalUsers(List.of("alice@example.test", "bob@example.test")))));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void aMailMessageIsQueuedAndDeliveredToEveryRecipient() throws Exception {
    MailSubmitter submitter = new MailSubmitter(vertx, "app.example.test");
    MailMessage message = new MailMessage()
        .setFrom("Application <app@example.test>")
        .setTo("Alice <alice@example.test>")
        .setBcc("bob@example.test")
        .setSubject("Report")
        .setText("Line one\nLine two\n");
    String id = await(submitter.submit(message));
    assertThat(QueueId.isValid(id)).isTrue();
    assertThat(removed.poll(20, TimeUnit.SECONDS).getString("id")).isEqualTo(id);
    String alice = read("alice");
    assertThat(alice).startsWith("Received: by app.example.test (vmta) with local id " + id)
        .contains("Subject: Report\r\n").contains("Line one\r\nLine two").doesNotContain("bob@example.test");
    assertThat(alice.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    assertThat(read("bob")).isEqualTo(alice);
  }

  @Test
  void aMessageWithoutRecipientsOrSenderIsRefused() {
    MailSubmitter submitter = new MailSubmitter(vertx, "app.example.test");
    assertThatThrownBy(() -> await(submitter.submit(new MailMessage().setFrom("a@example.test").setText("x"))))
        .hasMessageContaining("no recipient");
    assertThatThrownBy(() -> await(submitter.submit(new MailMessage().setTo("alice@example.test").setText("x"))))
        .hasMessageContaining("no From");
  }

  private String read(String user) throws Exception {
    try (Stream<Path> files = Files.list(dataDir.resolve("mail/example.test").resolve(user).resolve("new"))) {
      List<Path> all = files.toList();
      assertThat(all).hasSize(1);
      return Files.readString(all.get(0));
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
    }
  }
}
