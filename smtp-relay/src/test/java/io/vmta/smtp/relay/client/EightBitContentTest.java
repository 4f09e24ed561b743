package io.vmta.smtp.relay.client;

import static io.vmta.smtp.relay.client.ClientTestSupport.bytes;
import static io.vmta.smtp.relay.client.ClientTestSupport.deliver;
import static io.vmta.smtp.relay.client.ClientTestSupport.envelope;
import static io.vmta.smtp.relay.client.ClientTestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vmta.smtp.relay.client.RecipientResult.Delivered;
import io.vmta.smtp.relay.client.RecipientResult.Permanent;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bytes decide what a message needs from the next hop, not only what the client declared:
 * 8-bit octets need 8BITMIME (RFC 6152), UTF-8 headers of an SMTPUTF8 message need SMTPUTF8
 * (RFC 6531). What the hop cannot take bounces; nothing is sent.
 */
@ExtendWith(VertxExtension.class)
class EightBitContentTest {

  private static final String X = "x@dest.test";
  private static final String SENDER_MAIL = "MAIL FROM:<sender@example.test>";
  private static final Buffer EIGHT_BIT_BODY = bytes("Subject: menu\r\n\r\ncaf\u00e9 cr\u00e8me\r\n");
  private static final Buffer UTF8_HEADERS =
      Buffer.buffer("Subject: caf\u00e9\r\nFrom: J\u00f6rg <sender@example.test>\r\n\r\nbody\r\n",
          StandardCharsets.UTF_8.name());

  @Test
  void anUndeclaredEightBitBodyIsNotSentToAServerWithout8bitmime(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().smtputf8();
    deliver(vertx, server, options(), envelope(List.of(X), "7BIT", false), EIGHT_BIT_BODY)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          RecipientResult r = result.get(X);
          assertThat(r).isInstanceOf(Permanent.class);
          assertThat(r.reply().code()).isEqualTo(554);
          assertThat(r.reply().status()).hasToString("5.6.3");
          assertThat(server.verbs()).containsExactly("EHLO", "QUIT");
          assertThat(server.messages()).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void anUndeclaredEightBitBodyGoesWithBody8bitmime(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().eightBitMime();
    deliver(vertx, server, options(), envelope(List.of(X), "7BIT", false), EIGHT_BIT_BODY)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(X)).isInstanceOf(Delivered.class);
          assertThat(server.commands()).contains(SENDER_MAIL + " BODY=8BITMIME");
          assertThat(server.messages()).singleElement()
              .satisfies(m -> assertThat(m.content()).isEqualTo(EIGHT_BIT_BODY));
          ctx.completeNow();
        })));
  }

  @Test
  void utf8HeadersOfAnSmtputf8MessageAreNotSentToAServerWithoutSmtputf8(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().eightBitMime();
    deliver(vertx, server, options(), envelope(List.of(X), "8BITMIME", true), UTF8_HEADERS)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          RecipientResult r = result.get(X);
          assertThat(r).isInstanceOf(Permanent.class);
          assertThat(r.reply().code()).isEqualTo(550);
          assertThat(r.reply().status()).hasToString("5.6.9");
          assertThat(server.verbs()).doesNotContain("MAIL");
          ctx.completeNow();
        })));
  }

  @Test
  void utf8HeadersGoWithSmtputf8AndBody8bitmimeWhenOffered(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().eightBitMime().smtputf8();
    deliver(vertx, server, options(), envelope(List.of(X), "7BIT", true), UTF8_HEADERS)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(X)).isInstanceOf(Delivered.class);
          assertThat(server.commands()).contains(SENDER_MAIL + " BODY=8BITMIME SMTPUTF8");
          ctx.completeNow();
        })));
  }

  @Test
  void anSmtputf8MessageWithAsciiHeadersAndAddressesGoesWithoutSmtputf8(Vertx vertx, VertxTestContext ctx) {
    // Postfix too: the SMTPUTF8 request alone does not make a message undeliverable.
    FakeSmtpServer server = new FakeSmtpServer().eightBitMime();
    deliver(vertx, server, options(), envelope(List.of(X), "8BITMIME", true), EIGHT_BIT_BODY)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(X)).isInstanceOf(Delivered.class);
          assertThat(server.commands()).contains(SENDER_MAIL + " BODY=8BITMIME");
          ctx.completeNow();
        })));
  }

  @Test
  void eightBitHeadersWithoutSmtputf8AreEightBitData(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().eightBitMime();
    Buffer latin1Subject = bytes("Subject: caf\u00e9\r\n\r\nbody\r\n");
    deliver(vertx, server, options(), envelope(List.of(X), "7BIT", false), latin1Subject)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(X)).isInstanceOf(Delivered.class);
          assertThat(server.commands()).contains(SENDER_MAIL + " BODY=8BITMIME");
          ctx.completeNow();
        })));
  }

  @Test
  void aNonAsciiAddressNeedsSmtputf8EvenUndeclared(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().eightBitMime();
    String rcpt = "j\u00f6rg@dest.test";
    deliver(vertx, server, options(), envelope(List.of(rcpt), "7BIT", false), bytes("Subject: x\r\n\r\nx\r\n"))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(rcpt)).isInstanceOf(Permanent.class);
          assertThat(result.get(rcpt).reply().status()).hasToString("5.6.7");
          assertThat(server.verbs()).doesNotContain("MAIL");
          ctx.completeNow();
        })));
  }
}
