package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** relay.requireTls: mail for these domains goes over TLS or waits; everyone else gets opportunistic TLS. */
class RequireTlsTest {

  private final Vertx vertx = Vertx.vertx();
  private final FakeDnsServer dns = FakeDnsServer.start();
  private SmtpTransport transport;

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  private void transport(FakeSmtpServer peer) {
    // One host is the MX of both bank.example and plain.example, as with a hosting provider.
    dns.mx("bank.example", 10, "mx.shared.example").mx("plain.example", 10, "mx.shared.example")
        .a("mx.shared.example", "127.0.0.1");
    for (String domain : List.of("mail.gov.example", "gov.example")) {
      dns.mx(domain, 10, "mx." + domain).a("mx." + domain, "127.0.0.1");
    }
    RelayOptions options = new RelayOptions()
        .setPort(peer.port())
        .setRequireTls(List.of("bank.example", ".gov.example"))
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    transport = new SmtpTransport(vertx, options, new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2)));
  }

  private DeliveryResult deliver(String rcpt) {
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of(rcpt), false, "7BIT",
        "127.0.0.1", "client", "alice@example.test", Instant.now());
    Promise<DeliveryResult> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> transport.deliver(envelope, envelope.recipients(),
        Buffer.buffer("Subject: x\r\n\r\nconfidential\r\n")).map(r -> r.get(rcpt)).onComplete(result));
    return await(result.future());
  }

  @Test
  void aPeerWithoutStartTlsGetsNothingForADomainThatRequiresIt() {
    FakeSmtpServer peer = await(new FakeSmtpServer().start(vertx));
    transport(peer);
    DeliveryResult result = deliver("bob@bank.example");
    assertThat(result).isInstanceOf(DeliveryResult.Transient.class);
    assertThat(result.detail()).contains("STARTTLS");
    // Subdomains by ".gov.example", not the parent domain itself.
    assertThat(deliver("carol@mail.gov.example")).isInstanceOf(DeliveryResult.Transient.class);
    assertThat(peer.verbs()).doesNotContain("MAIL");
    assertThat(deliver("dave@gov.example")).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(peer.messages()).hasSize(1);
  }

  @Test
  void aPeerWithoutStartTlsIsToldQuitWhenTheMessageWaits() {
    FakeSmtpServer peer = await(new FakeSmtpServer().start(vertx));
    transport(peer);
    assertThat(deliver("bob@bank.example")).isInstanceOf(DeliveryResult.Transient.class);
    assertThat(peer.verbs()).containsExactly("EHLO", "QUIT");
  }

  @Test
  void withStartTlsTheMessageGoesOverTls() {
    FakeSmtpServer peer = await(new FakeSmtpServer().startTls().start(vertx));
    transport(peer);
    assertThat(deliver("bob@bank.example")).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(peer.commandsOverTls()).anyMatch(c -> c.startsWith("MAIL FROM:"));
  }

  @Test
  void aPooledPlaintextConnectionIsNeverReusedForADomainThatRequiresTls() {
    // One peer without STARTTLS serves both domains: the plaintext session kept after the first
    // message must not carry the second.
    FakeSmtpServer peer = await(new FakeSmtpServer().start(vertx));
    transport(peer);
    assertThat(deliver("erin@plain.example")).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(deliver("frank@plain.example")).isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(peer.connections()).as("the plaintext session is kept and reused").isEqualTo(1);
    assertThat(deliver("bob@bank.example")).isInstanceOf(DeliveryResult.Transient.class);
    assertThat(peer.messages()).hasSize(2);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
