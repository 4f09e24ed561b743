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
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bytes the server un-stuffs are the bytes the client was given (RFC 5321 4.5.2). */
@ExtendWith(VertxExtension.class)
class DotStuffingRoundTripTest {

  private static final String X = "x@dest.test";

  @Test
  void linesStartingWithADotSurviveByteForByte(Vertx vertx, VertxTestContext ctx) {
    Buffer content = bytes(".first line\r\nSubject: dots\r\n\r\n.\r\n..\r\n\r\n.\r\nend . \r\n\u00e9\u00ff\r\n");
    FakeSmtpServer server = new FakeSmtpServer().pipelining().eightBitMime();
    deliver(vertx, server, options(), envelope(List.of(X), "8BITMIME", false), content)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(X)).isInstanceOf(Delivered.class);
          FakeSmtpServer.Message received = server.messages().get(0);
          assertThat(received.content()).isEqualTo(content);
          assertThat(received.raw().toString(java.nio.charset.StandardCharsets.ISO_8859_1))
              .startsWith("..first line\r\n").contains("\r\n..\r\n...\r\n\r\n..\r\nend");
          ctx.completeNow();
        })));
  }

  @Test
  void contentWithoutAFinalCrlfGetsOne(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer();
    deliver(vertx, server, options(), envelope(List.of(X)), bytes("Subject: x\r\n\r\n.no end"))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(server.messages().get(0).content()).isEqualTo(bytes("Subject: x\r\n\r\n.no end\r\n"));
          ctx.completeNow();
        })));
  }

  @Test
  void aLargeMessageIsWrittenWithBackpressure(Vertx vertx, VertxTestContext ctx) {
    String line = "..." + "x".repeat(70) + "\r\n";
    Buffer content = Buffer.buffer(line.repeat(6 * 1024 * 1024 / line.length() + 1));
    FakeSmtpServer server = new FakeSmtpServer().pipelining();
    deliver(vertx, server, options(), envelope(List.of(X)), content)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(X)).isInstanceOf(Delivered.class);
          assertThat(server.messages().get(0).content()).isEqualTo(content);
          ctx.completeNow();
        })));
  }
}
