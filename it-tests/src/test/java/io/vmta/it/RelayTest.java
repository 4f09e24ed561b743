package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.queue.QueueAddresses;
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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbound relay end to end in this JVM: the whole MTA, an in-process DNS responder and
 * scripted SMTP servers on loopback. MX hosts live on different loopback addresses
 * (127.0.0.1 listens, 127.0.0.2 refuses) because the destination port is one for all.
 */
class RelayTest {

  private static final String BODY = "Subject: out\r\n\r\n.leading dot\r\nbody\r\n";

  @TempDir
  Path dir;
  private Vertx vertx;
  private FakeDnsServer dns;
  private FakeSmtpServer peer;
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
  private int port;
  private String deployment;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(QueueAddresses.EVENTS, m -> events.add(m.body()));
    dns = FakeDnsServer.start();
    peer = await(new FakeSmtpServer().pipelining().eightBitMime().start(vertx));
    deployMta();
  }

  private void deployMta() throws Exception {
    Path users = dir.resolve("users.txt");
    if (!Files.exists(users)) {
      Files.writeString(users, "alice@example.test:" + PasswordHashes.hash("secret") + "\n");
    }
    InetAddressPort d = new InetAddressPort(dns.address().getAddress().getHostAddress(), dns.address().getPort());
    MtaOptions options = new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dir.resolve("data").toString())
        .put("management", new JsonObject().put("port", 0))
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", users.toString())
        .put("trustedNetworks", new JsonArray().add("127.0.0.0/8"))
        .put("relay", new JsonObject()
            .put("dnsServers", new JsonArray().add(d.host() + ":" + d.port()))
            .put("port", peer.port())
            .put("retry", new JsonObject().put("initialDelay", "1s").put("maxDelay", "2s"))));
    MtaVerticle mta = new MtaVerticle(options, 1);
    deployment = await(vertx.deployVerticle(mta));
    port = mta.boundListeners().get(0).getPort();
  }

  private record InetAddressPort(String host, int port) {
  }

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  private String send(String from, String to, String body) throws Exception {
    try (TestSmtpClient c = new TestSmtpClient("127.0.0.1", port)) {
      c.read();
      c.command("EHLO client.example.org");
      assertThat(c.command("MAIL FROM:<" + from + ">").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<" + to + ">").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String reply = c.command(body.replace("\r\n.", "\r\n..") + ".").last();
      assertThat(reply).startsWith("250 ");
      return reply.substring(reply.lastIndexOf(' ') + 1);
    }
  }

  private JsonObject next(String event, String id) throws InterruptedException {
    while (true) {
      JsonObject e = events.poll(30, TimeUnit.SECONDS);
      assertThat(e).as("waiting for " + event + " of " + id).isNotNull();
      if (e.getString("event").equals(event) && e.getString("id").equals(id)) {
        return e;
      }
    }
  }

  private String delivered(int index) {
    String content = peer.messages().get(index).content().toString(StandardCharsets.UTF_8);
    return content.substring(content.indexOf("Subject:"));
  }

  @Test
  void deliversToTheBestMxByteForByte() throws Exception {
    dns.mx("best.example", 10, "mx1.best.example").mx("best.example", 20, "mx2.best.example")
        .a("mx1.best.example", "127.0.0.1").a("mx2.best.example", "127.0.0.2");
    String id = send("alice@example.test", "bob@best.example", BODY);
    JsonObject sent = next("sent", id);
    assertThat(sent.getString("relay")).startsWith("mx1.best.example[127.0.0.1]");
    assertThat(delivered(0)).isEqualTo(BODY);
  }

  @Test
  void aSecondMessageToTheSameHostReusesTheConnection() throws Exception {
    dns.a("reuse.example", "127.0.0.1");
    next("sent", send("alice@example.test", "bob@reuse.example", BODY));
    next("sent", send("alice@example.test", "carol@reuse.example", BODY));
    assertThat(peer.messages()).hasSize(2);
    assertThat(peer.connections()).isEqualTo(1);
  }

  @Test
  void triesTheNextMxWhenTheFirstRefusesConnections() throws Exception {
    dns.mx("second.example", 10, "down.second.example").mx("second.example", 20, "up.second.example")
        .a("down.second.example", "127.0.0.2").a("up.second.example", "127.0.0.1");
    String id = send("alice@example.test", "bob@second.example", BODY);
    assertThat(next("sent", id).getString("relay")).startsWith("up.second.example[127.0.0.1]");
  }

  @Test
  void noReachableHostDefersWithOneReadableLine() throws Exception {
    dns.mx("down.example", 10, "mx.down.example").a("mx.down.example", "127.0.0.2");
    String id = send("alice@example.test", "bob@down.example", BODY);
    JsonObject deferred = next("deferred", id);
    assertThat(deferred.getString("dsn")).isEqualTo("4.4.1");
    assertThat(deferred.getString("relay")).startsWith("mx.down.example[127.0.0.2]");
    assertThat(deferred.getString("detail")).contains("cannot connect").doesNotContain("\r").doesNotContain("\n");
  }

  @Test
  void fallsBackToTheAddressRecordWithoutMx() throws Exception {
    dns.a("plain.example", "127.0.0.1");
    String id = send("alice@example.test", "bob@plain.example", BODY);
    assertThat(next("sent", id).getString("relay")).startsWith("plain.example[127.0.0.1]");
  }

  @Test
  void aNullMxBouncesToTheLocalSender() throws Exception {
    dns.mx("nomail.example", 0, ".");
    String id = send("alice@example.test", "bob@nomail.example", BODY);
    assertThat(next("bounced", id).getString("dsn")).isEqualTo("5.1.10");
    assertThat(report()).contains("Final-Recipient: rfc822; bob@nomail.example").contains("Status: 5.1.10");
  }

  @Test
  void aPermanentRefusalBouncesAsAMultipartReport() throws Exception {
    dns.a("strict.example", "127.0.0.1");
    peer.rcptReply("nobody@strict.example", Reply.of(550, "5.1.1", "no such user"));
    String id = send("alice@example.test", "nobody@strict.example", BODY);
    assertThat(next("bounced", id).getString("dsn")).isEqualTo("5.1.1");
    assertThat(report()).contains("Content-Type: multipart/report; report-type=delivery-status")
        .contains("Diagnostic-Code: smtp; 550 5.1.1 no such user").contains("Subject: out")
        .doesNotContain("leading dot");
  }

  @Test
  void aMessageOverThePeersSizeIsBounced() throws Exception {
    dns.a("small.example", "127.0.0.1");
    await(peer.close());
    peer = await(new FakeSmtpServer().pipelining().size(10).start(vertx));
    restartMta();
    String id = send("alice@example.test", "bob@small.example", BODY);
    assertThat(next("bounced", id).getString("dsn")).isEqualTo("5.3.4");
    assertThat(report()).contains("Status: 5.3.4");
    assertThat(peer.messages()).isEmpty();
  }

  @Test
  void aTemporaryFailureIsRetriedAcrossARestartUntilItSucceeds() throws Exception {
    dns.a("later.example", "127.0.0.1");
    peer.rcptReply("bob@later.example", Reply.of(451, "4.3.0", "try again later"));
    String id = send("alice@example.test", "bob@later.example", BODY);
    assertThat(next("deferred", id).getString("dsn")).isEqualTo("4.3.0");
    restartMta();
    peer.rcptReply("bob@later.example", Reply.of(250, "2.1.5", "Ok"));
    next("sent", id);
    next("removed", id);
    assertThat(delivered(peer.messages().size() - 1)).isEqualTo(BODY);
  }

  private void restartMta() throws Exception {
    await(vertx.undeploy(deployment));
    deployMta();
  }

  /** The bounce in alice's Maildir, once the queue has queued it (null sender) and delivered it. */
  private String report() throws Exception {
    java.util.Set<String> bounces = new java.util.HashSet<>();
    while (true) {
      JsonObject e = events.poll(30, TimeUnit.SECONDS);
      assertThat(e).as("waiting for the bounce to be delivered").isNotNull();
      if (e.getString("event").equals("queued") && e.getString("from").isEmpty()) {
        bounces.add(e.getString("id"));
      } else if (e.getString("event").equals("removed") && bounces.contains(e.getString("id"))) {
        break;
      }
    }
    try (Stream<Path> files = Files.list(dir.resolve("data/mail/example.test/alice/new"))) {
      List<Path> all = files.toList();
      assertThat(all).hasSize(1);
      return Files.readString(all.get(0));
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
