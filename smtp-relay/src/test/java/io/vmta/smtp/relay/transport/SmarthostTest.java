package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.Smarthost;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** relay.smarthost: every remote message through one upstream, with TLS and AUTH. */
class SmarthostTest {

  private final Vertx vertx = Vertx.vertx();
  private static final Buffer CONTENT = Buffer.buffer("Subject: via smarthost\r\n\r\n.dot\r\nbody\r\n");

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private Map<String, DeliveryResult> deliver(FakeSmtpServer upstream, Smarthost.Tls tls, String password) {
    return deliver(upstream, tls, password, CONTENT);
  }

  private Map<String, DeliveryResult> deliver(FakeSmtpServer upstream, Smarthost.Tls tls, String password,
      Buffer content) {
    RelayOptions options = new RelayOptions()
        .setSmarthost(new Smarthost("127.0.0.1", upstream.port(), tls, "relay-user", password))
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    // No DNS server is ever asked: the smarthost is an address literal.
    MxResolver unused = new MxResolver(vertx, List.of(new java.net.InetSocketAddress("127.0.0.1", 9)), Duration.ofSeconds(1));
    SmtpTransport transport = new SmtpTransport(vertx, options, unused);
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of("bob@far.example", "carol@other.example"),
        false, "7BIT", "127.0.0.1", "client", "alice@example.test", Instant.now());
    // The transport lives on one Vert.x context, as in RelayVerticle.
    io.vertx.core.Promise<Map<String, DeliveryResult>> result = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v ->
        transport.deliver(envelope, envelope.recipients(), content).onComplete(result));
    return await(result.future());
  }

  @Test
  void startTlsThenAuthThenTheMessageUnchanged() {
    FakeSmtpServer upstream = await(new FakeSmtpServer().pipelining().startTls().auth("relay-user", "pw").start(vertx));
    Map<String, DeliveryResult> results = deliver(upstream, Smarthost.Tls.STARTTLS, "pw");
    assertThat(results.values()).allMatch(r -> r instanceof DeliveryResult.Delivered);
    assertThat(results.get("bob@far.example").relay()).startsWith("127.0.0.1[127.0.0.1]:" + upstream.port());
    assertThat(upstream.commandsOverTls()).anyMatch(c -> c.startsWith("AUTH "));
    assertThat(upstream.commands()).noneMatch(c -> c.startsWith("AUTH ") && !upstream.commandsOverTls().contains(c));
    assertThat(upstream.messages().get(0).content().toString(StandardCharsets.UTF_8)).isEqualTo(CONTENT.toString());
  }

  @Test
  void implicitTls() {
    FakeSmtpServer upstream = await(new FakeSmtpServer().implicitTls().auth("relay-user", "pw").start(vertx));
    assertThat(deliver(upstream, Smarthost.Tls.IMPLICIT, "pw").values())
        .allMatch(r -> r instanceof DeliveryResult.Delivered);
  }

  @Test
  void aRefusedLoginDefersRatherThanBounces() {
    FakeSmtpServer upstream = await(new FakeSmtpServer().startTls().auth("relay-user", "pw").start(vertx));
    assertThat(deliver(upstream, Smarthost.Tls.STARTTLS, "wrong").values())
        .allMatch(r -> r instanceof DeliveryResult.Transient);
    assertThat(upstream.messages()).isEmpty();
  }

  @Test
  void requiredTlsThatIsNotOfferedDefers() {
    FakeSmtpServer upstream = await(new FakeSmtpServer().start(vertx));
    assertThat(deliver(upstream, Smarthost.Tls.STARTTLS, "pw").values())
        .allMatch(r -> r instanceof DeliveryResult.Transient);
    assertThat(upstream.messages()).isEmpty();
  }

  @Test
  void anEightBitMessageToAHopWithout8bitmimeBouncesFor5_6_3() {
    FakeSmtpServer upstream = await(new FakeSmtpServer().startTls().auth("relay-user", "pw").start(vertx));
    Buffer eightBit = Buffer.buffer("Subject: x\r\n\r\ncaf\u00e9\r\n", StandardCharsets.UTF_8.name());
    Map<String, DeliveryResult> results = deliver(upstream, Smarthost.Tls.STARTTLS, "pw", eightBit);
    assertThat(results.values()).allSatisfy(r -> {
      assertThat(r).isInstanceOf(DeliveryResult.Permanent.class);
      assertThat(((DeliveryResult.Permanent) r).status()).isEqualTo("5.6.3");
      assertThat(r.relay()).startsWith("127.0.0.1[127.0.0.1]:");
    });
    assertThat(upstream.verbs()).doesNotContain("MAIL");
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
