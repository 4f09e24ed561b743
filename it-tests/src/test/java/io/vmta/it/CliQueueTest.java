package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.Reply;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line of the real jar against the real jar, as an operator uses it: a message to a
 * destination that is down is deferred, {@code queue list --config} shows it, the destination
 * comes back, {@code queue retry} delivers it. And {@code check-config} on good and bad files.
 */
class CliQueueTest {

  private static final String BODY = "Subject: held up\r\n\r\n.a line with a leading dot\r\nbody\r\n";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;
  private Vertx vertx;
  private FakeDnsServer dns;
  private FakeSmtpServer destination;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    dns.a("later.example", "127.0.0.1");
    // Down: every recipient gets 451 until the test says otherwise.
    destination = await(new FakeSmtpServer().pipelining()
        .rcptReply("bob@later.example", Reply.of(451, "4.3.0", "try again later")).start(vertx));
  }

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  private MtaProcess startMta() throws Exception {
    String resolver = dns.address().getAddress().getHostAddress() + ":" + dns.address().getPort();
    return MtaProcess.start(dir, new JsonObject()
        .put("trustedNetworks", new JsonArray().add("127.0.0.0/8"))
        .put("relay", new JsonObject()
            .put("dnsServers", new JsonArray().add(resolver))
            .put("port", destination.port())
            // No retry comes by itself during the test: delivery can only follow queue retry.
            .put("retry", new JsonObject().put("initialDelay", "30m"))), MtaProcess.DEFAULT_JVM_OPTIONS);
  }

  private static String send(MtaProcess mta) throws Exception {
    try (TestSmtpClient c = mta.connect()) {
      assertThat(c.command("EHLO client.example.org").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<alice@example.test>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<bob@later.example>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String reply = c.command(BODY.replace("\r\n.", "\r\n..") + ".").last();
      assertThat(reply).startsWith("250 ");
      return reply.substring(reply.lastIndexOf(' ') + 1);
    }
  }

  private MtaCommand.Result queue(MtaProcess mta, String... args) throws Exception {
    String[] all = new String[args.length + 3];
    all[0] = "queue";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--config";
    all[args.length + 2] = mta.config().toString();
    return MtaCommand.run(dir, Map.of(), all);
  }

  @Test
  void queueListShowsADeferredMessageAndQueueRetryDeliversItOnceTheDestinationIsBack() throws Exception {
    try (MtaProcess mta = startMta()) {
      String id = send(mta);
      mta.awaitLog(WAIT, id + ": to=<bob@later.example>", "status=deferred");

      MtaCommand.Result list = queue(mta, "list");
      assertThat(list.status()).as(list.printed()).isZero();
      assertThat(list.out()).as(list.printed()).startsWith(id + "  ").contains("  alice@example.test\n")
          .contains("\n  attempts: 1, next attempt: ").contains("\n  (451 4.3.0 try again later)\n")
          .contains("\n  bob@later.example\n")
          .endsWith("-- 1 message\n");
      assertThat(list.err()).isEmpty();
      int deliveredBefore = destination.messages().size();

      destination.rcptReply("bob@later.example", Reply.of(250, "2.1.5", "Ok"));
      MtaCommand.Result retry = queue(mta, "retry", id);
      assertThat(retry.status()).as(retry.printed()).isZero();
      assertThat(retry.out()).isEqualTo(id + ": an attempt is scheduled now\n");

      mta.awaitLog(WAIT, id + ": to=<bob@later.example>", "status=sent");
      mta.awaitLog(WAIT, id + ": removed");
      assertThat(destination.messages()).hasSize(deliveredBefore + 1);
      String content = destination.messages().get(deliveredBefore).content().toString(StandardCharsets.UTF_8);
      assertThat(content.substring(content.indexOf("Subject:"))).isEqualTo(BODY);
      assertThat(destination.commands()).filteredOn(c -> c.startsWith("RCPT TO:"))
          .last().asString().startsWith("RCPT TO:<bob@later.example>");

      MtaCommand.Result empty = queue(mta, "list");
      assertThat(empty.status()).as(empty.printed()).isZero();
      assertThat(empty.out()).isEqualTo("-- 0 messages\n");
      MtaCommand.Result gone = queue(mta, "show", id);
      assertThat(gone.status()).as(gone.printed()).isEqualTo(1);
      assertThat(gone.err()).isEqualTo("vmta: no such message: " + id + "\n");
    }
  }

  @Test
  void checkConfigPassesAGoodFileAndNamesTheKeyOfABadOne() throws Exception {
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "");
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, "hostname: mx.example.test\nusers: users.txt\ndomains: [example.test]\n");
    MtaCommand.Result ok = MtaCommand.run(dir, Map.of(), "check-config", "--config", good.toString());
    assertThat(ok.status()).as(ok.printed()).isZero();
    assertThat(ok.out()).startsWith("configuration OK: " + good + "\n").contains("  domains     example.test\n");
    assertThat(ok.err()).isEmpty();

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"limits\": {\"maxMessageSize\": \"big\"}}");
    MtaCommand.Result refused = MtaCommand.run(dir, Map.of(), "check-config", "--config", bad.toString());
    assertThat(refused.status()).as(refused.printed()).isEqualTo(2);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).startsWith("vmta: " + bad + ": limits.maxMessageSize: ").hasLineCount(1);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
