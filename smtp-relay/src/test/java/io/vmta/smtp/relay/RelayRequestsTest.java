package io.vmta.smtp.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vmta.smtp.relay.client.PeerTrust;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.client.TlsStatus;
import io.vmta.smtp.relay.transport.DeliveryResult;
import io.vmta.smtp.relay.transport.EventBusTransport;
import io.vmta.smtp.relay.transport.Transport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every request to {@link RelayVerticle#ADDRESS} is answered, whatever the transport does: the
 * queue asks through {@link EventBusTransport}, which would otherwise wait 30 minutes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class RelayRequestsTest {

  private static final List<String> RECIPIENTS = List.of("bob@remote.test", "carol@remote.test");

  @BeforeEach
  void codec(Vertx vertx) {
    QueuedMessageCodec.register(vertx);
  }

  private static Future<Map<String, DeliveryResult>> ask(Vertx vertx, Transport relay) {
    vertx.eventBus().localConsumer(RelayVerticle.ADDRESS, new RelayRequests(relay)::handle);
    Envelope envelope = new Envelope(QueueId.next(), "alice@example.test", RECIPIENTS, false, "7BIT",
        "127.0.0.1", "client.test", null, Instant.now());
    return new EventBusTransport(vertx).deliver(envelope, RECIPIENTS, Buffer.buffer("Subject: x\r\n\r\nx\r\n"));
  }

  private static void assertTransientForAll(Map<String, DeliveryResult> results, String detail) {
    assertThat(results).containsOnlyKeys(RECIPIENTS);
    assertThat(results.values()).allSatisfy(r -> {
      assertThat(r).isInstanceOf(DeliveryResult.Transient.class);
      assertThat(((DeliveryResult.Transient) r).status()).isEqualTo("4.3.0");
      assertThat(r.detail()).contains(detail);
    });
  }

  @Test
  void aFailedDeliveryIsAnsweredAtOnceAsTransient(Vertx vertx, VertxTestContext ctx) {
    Transport failing = (envelope, recipients, content) -> Future.failedFuture(new IllegalStateException("boom"));
    ask(vertx, failing).onComplete(ctx.succeeding(results -> ctx.verify(() -> {
      assertTransientForAll(results, "boom");
      ctx.completeNow();
    })));
  }

  @Test
  void aDeliveryThatThrowsIsAnsweredAtOnceAsTransient(Vertx vertx, VertxTestContext ctx) {
    Transport throwing = (envelope, recipients, content) -> {
      throw new IllegalArgumentException("thrown");
    };
    ask(vertx, throwing).onComplete(ctx.succeeding(results -> ctx.verify(() -> {
      assertTransientForAll(results, "thrown");
      ctx.completeNow();
    })));
  }

  @Test
  void resultsTravelBackPerRecipient(Vertx vertx, VertxTestContext ctx) {
    TlsStatus verified = new TlsStatus(TlsLevel.VERIFY, "TLSv1.3", "TLS_AES_128_GCM_SHA256", PeerTrust.VERIFIED, null);
    TlsStatus clear = TlsStatus.plaintext(TlsLevel.MAY);
    Transport mixed = (envelope, recipients, content) -> Future.succeededFuture(Map.of(
        RECIPIENTS.get(0), new DeliveryResult.Delivered("mx.remote.test[192.0.2.1]:25", "250 2.0.0 Ok", verified),
        RECIPIENTS.get(1), new DeliveryResult.Permanent("mx.remote.test[192.0.2.1]:25", "5.1.1", "550 no", clear)));
    ask(vertx, mixed).onComplete(ctx.succeeding(results -> ctx.verify(() -> {
      assertThat(results.get(RECIPIENTS.get(0))).isEqualTo(
          new DeliveryResult.Delivered("mx.remote.test[192.0.2.1]:25", "250 2.0.0 Ok", verified));
      assertThat(results.get(RECIPIENTS.get(1))).isEqualTo(
          new DeliveryResult.Permanent("mx.remote.test[192.0.2.1]:25", "5.1.1", "550 no", clear));
      ctx.completeNow();
    })));
  }
}
