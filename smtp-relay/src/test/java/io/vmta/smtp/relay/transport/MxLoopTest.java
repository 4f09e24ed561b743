package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.dns.MxHost;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 5321 section 5.1: this MTA in its own MX list is dropped with every less preferred host; alone, it is a loop (5.4.6). */
class MxLoopTest {

  private final Vertx vertx = Vertx.vertx();
  private final FakeDnsServer dns = FakeDnsServer.start();

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  private static MxHost host(String name, int preference, String address) throws Exception {
    return new MxHost(name, preference, List.of(InetAddress.getByName(address)));
  }

  @Test
  void aHostIsThisMtaByNameOrByALocalAddressOnAPortWeListenOn() throws Exception {
    InetAddress interfaceAddress = InetAddress.getByName("192.0.2.25");
    MxLoopCheck onPort25 = new MxLoopCheck(List.of("MX.Example.Test."), List.of(25, 587), 25, Set.of(interfaceAddress));
    assertThat(onPort25.isSelf(host("mx.example.test", 10, "198.51.100.1"))).isTrue();
    assertThat(onPort25.isSelf(host("mx.example.test.", 10, "198.51.100.1"))).isTrue();
    assertThat(onPort25.isSelf(host("other.example", 10, "127.0.0.2"))).isTrue();
    assertThat(onPort25.isSelf(host("other.example", 10, "0.0.0.0"))).isTrue();
    assertThat(onPort25.isSelf(host("other.example", 10, "192.0.2.25"))).isTrue();
    assertThat(onPort25.isSelf(host("other.example", 10, "198.51.100.1"))).isFalse();
    // Relaying to another port of this machine (a test peer, a filter) is not a loop.
    MxLoopCheck elsewhere = new MxLoopCheck(List.of("mx.example.test"), List.of(25, 587), 10025, Set.of(interfaceAddress));
    assertThat(elsewhere.isSelf(host("other.example", 10, "127.0.0.1"))).isFalse();
    assertThat(elsewhere.isSelf(host("other.example", 10, "192.0.2.25"))).isFalse();
    assertThat(elsewhere.isSelf(host("mx.example.test", 10, "198.51.100.1"))).isTrue();
  }

  @Test
  void hostsAsPreferredAsThisMtaOrLessAreDropped() throws Exception {
    MxLoopCheck check = new MxLoopCheck(List.of("mx2.example.test"), List.of(), 25, Set.of());
    MxHost mx1 = host("mx1.example.test", 10, "198.51.100.1");
    MxHost mx2 = host("mx2.example.test", 20, "198.51.100.2");
    MxHost peer = host("mx3.example.test", 20, "198.51.100.3");
    MxHost backup = host("mx4.example.test", 30, "198.51.100.4");
    assertThat(check.beforeSelf(List.of(mx1, peer, mx2, backup))).containsExactly(mx1);
    assertThat(check.beforeSelf(List.of(mx2, peer, backup))).isEmpty();
    assertThat(check.beforeSelf(List.of(mx1, peer, backup))).containsExactly(mx1, peer, backup);
  }

  @Test
  void mailWhoseBestMxIsThisMtaBouncesWithoutAConnection() {
    FakeSmtpServer peer = await(new FakeSmtpServer().start(vertx));
    dns.mx("loop.example", 10, "mx.example.test").mx("loop.example", 20, "backup.loop.example")
        .a("mx.example.test", "127.0.0.1").a("backup.loop.example", "127.0.0.1");
    Map<String, DeliveryResult> results = deliver(peer, List.of(), "bob@loop.example");
    DeliveryResult result = results.get("bob@loop.example");
    assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
    assertThat(((DeliveryResult.Permanent) result).status()).isEqualTo("5.4.6");
    assertThat(result.detail()).isEqualTo("mail for loop.example loops back to myself");
    assertThat(peer.connections()).isZero();
  }

  @Test
  void aMorePreferredHostIsStillTried() {
    FakeSmtpServer peer = await(new FakeSmtpServer().start(vertx));
    dns.mx("backup.example", 10, "primary.backup.example").mx("backup.example", 20, "mx.example.test")
        .a("primary.backup.example", "127.0.0.1").a("mx.example.test", "127.0.0.1");
    assertThat(deliver(peer, List.of(), "bob@backup.example").get("bob@backup.example"))
        .isInstanceOf(DeliveryResult.Delivered.class);
    assertThat(peer.messages()).hasSize(1);
  }

  @Test
  void theImplicitMxOnALocalAddressAndOurPortIsALoop() {
    FakeSmtpServer peer = await(new FakeSmtpServer().start(vertx));
    dns.nodata("implicit.example", org.xbill.DNS.Type.MX).a("implicit.example", "127.0.0.1");
    // The peer's port stands for port 25: this MTA says it listens there.
    DeliveryResult result = deliver(peer, List.of(peer.port()), "bob@implicit.example").get("bob@implicit.example");
    assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
    assertThat(peer.connections()).isZero();
  }

  private Map<String, DeliveryResult> deliver(FakeSmtpServer peer, List<Integer> localPorts, String rcpt) {
    RelayOptions options = new RelayOptions()
        .setPort(peer.port())
        .setLocalNames(List.of("mx.example.test"))
        .setLocalPorts(localPorts)
        .setClient(new ClientOptions().setHeloName("mx.example.test"));
    MxResolver resolver = new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2));
    SmtpTransport transport = new SmtpTransport(vertx, options, resolver);
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", List.of(rcpt), false, "7BIT",
        "127.0.0.1", "client", "alice@example.test", Instant.now());
    Promise<Map<String, DeliveryResult>> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v ->
        transport.deliver(envelope, envelope.recipients(), Buffer.buffer("Subject: x\r\n\r\nx\r\n")).onComplete(result));
    return await(result.future());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
