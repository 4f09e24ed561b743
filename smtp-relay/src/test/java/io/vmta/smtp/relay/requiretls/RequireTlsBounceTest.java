package io.vmta.smtp.relay.requiretls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vmta.smtp.relay.QueueOptions;
import io.vmta.smtp.relay.QueueVerticle;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.RelayTlsOptions;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.relay.testing.TestCa;
import io.vmta.smtp.relay.transport.SmtpTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REQUIRETLS message through the queue (its spool and the event bus) to a peer that does not
 * offer REQUIRETLS: bounced at once with 5.7.30 through the RFC 3464 bounce path, and nothing of
 * it sent to the peer, in clear or at all.
 */
class RequireTlsBounceTest {

  private static final TestCa CA = TestCa.create("RequireTLS Bounce CA");

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private final FakeDnsServer dns = FakeDnsServer.start();
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    QueuedMessageCodec.register(vertx);
    vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
  }

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  @Test
  void aPeerWithoutRequireTlsGetsNothingAndTheSenderGetsA5730Bounce() throws Exception {
    FakeSmtpServer peer = await(new FakeSmtpServer().pipelining().startTls()
        .certificate(CA.issue("mx.remote.example").keyCertOptions()).start(vertx));
    dns.mx("remote.example", 10, "mx.remote.example").a("mx.remote.example", "127.0.0.1");
    RelayOptions relay = new RelayOptions().setPort(peer.port())
        .setTls(new RelayTlsOptions().setCaFile(CA.writePem(dataDir.resolve("ca.pem")).toString()))
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    SmtpTransport transport = new SmtpTransport(vertx, relay,
        new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2)), Set.of());
    QueueOptions queue = new QueueOptions().setDataDir(dataDir.resolve("data").toString())
        .setDomains(List.of("example.test")).setLocalUsers(List.of("alice@example.test"))
        .setInitialDelay(Duration.ofSeconds(1));
    await(vertx.deployVerticle(new QueueVerticle(queue, transport)));

    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of("bob@remote.example"), false,
        "7BIT", "127.0.0.1", "client.example.org", "alice@example.test", Instant.now()).withRequireTls(true);
    String id = await(vertx.eventBus().<String>request(QueueAddresses.SUBMIT,
        new QueuedMessage(envelope, Buffer.buffer("Subject: private\r\n\r\nsecret body\r\n")))).body();

    JsonObject bounced = nextEvent("bounced");
    assertThat(bounced.getString("id")).isEqualTo(id);
    assertThat(bounced.getString("dsn")).isEqualTo("5.7.30");
    String report = waitForMail("alice", id);
    assertThat(report).contains("report-type=delivery-status").contains("Final-Recipient: rfc822; bob@remote.example")
        .contains("Status: 5.7.30").contains("Subject: private").doesNotContain("secret body");
    // Verified TLS was reached and REQUIRETLS was missing: no transaction, and in clear only EHLO and STARTTLS.
    assertThat(peer.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
    assertThat(peer.messages()).isEmpty();
    List<String> inClear = peer.commands().stream().filter(c -> !peer.commandsOverTls().contains(c)).toList();
    assertThat(inClear).allMatch(c -> c.startsWith("EHLO ") || c.equals("STARTTLS"));
  }

  private JsonObject nextEvent(String type) throws InterruptedException {
    while (true) {
      JsonObject e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("event " + type).isNotNull();
      if (e.getString("event").equals(type)) {
        return e;
      }
    }
  }

  /** The one message in the user's Maildir, once the bounce (another id than {@code original}) is removed from the queue. */
  private String waitForMail(String user, String original) throws Exception {
    JsonObject removed;
    do {
      removed = nextEvent("removed");
    } while (removed.getString("id").equals(original));
    Path dir = dataDir.resolve("data/mail/example.test").resolve(user).resolve("new");
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> mail = files.toList();
      assertThat(mail).hasSize(1);
      return Files.readString(mail.get(0));
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
