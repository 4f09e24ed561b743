package io.vmta.smtp.relay.client;

import static io.vmta.smtp.relay.client.ClientTestSupport.bytes;
import static io.vmta.smtp.relay.client.ClientTestSupport.connect;
import static io.vmta.smtp.relay.client.ClientTestSupport.deliver;
import static io.vmta.smtp.relay.client.ClientTestSupport.envelope;
import static io.vmta.smtp.relay.client.ClientTestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.relay.client.RecipientResult.Delivered;
import io.vmta.smtp.relay.client.RecipientResult.Permanent;
import io.vmta.smtp.relay.client.RecipientResult.Transient;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Mail transactions against the fake server: replies per recipient, pipelining, failures. */
@ExtendWith(VertxExtension.class)
class SmtpTransactionTest {

  private static final String X = "x@dest.test";
  private static final String Y = "y@dest.test";
  private static final String Z = "z@dest.test";
  private static final Buffer MESSAGE = bytes("Subject: hi\r\n\r\nHello\r\n");

  @Test
  void pipelinedTransactionSendsOneGroupAndMapsTheReplies(Vertx vertx, VertxTestContext ctx) {
    // The server holds its MAIL and RCPT replies until DATA: a client that waited would hang.
    FakeSmtpServer server = new FakeSmtpServer().pipelining().size(0).holdRepliesUntilData();
    deliver(vertx, server, options(), envelope(List.of(X, Y)), MESSAGE)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.perRecipient()).containsOnlyKeys(X, Y);
          assertThat(result.get(X)).isEqualTo(new Delivered(Reply.of(250, "2.0.0", "Ok: queued")));
          assertThat(result.get(Y)).isInstanceOf(Delivered.class);
          assertThat(server.commands()).containsExactly("EHLO client.test",
              "MAIL FROM:<sender@example.test> SIZE=" + MESSAGE.length(),
              "RCPT TO:<x@dest.test>", "RCPT TO:<y@dest.test>", "DATA", "QUIT");
          assertThat(server.messages()).singleElement()
              .satisfies(m -> assertThat(m.content()).isEqualTo(MESSAGE));
          ctx.completeNow();
        })));
  }

  @Test
  void withoutPipeliningCommandsGoOneByOne(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer();
    deliver(vertx, server, options(), envelope(List.of(X, Y)), MESSAGE)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.perRecipient().values()).allMatch(r -> r instanceof Delivered);
          assertThat(server.verbs()).containsExactly("EHLO", "MAIL", "RCPT", "RCPT", "DATA", "QUIT");
          assertThat(server.commands().get(1)).isEqualTo("MAIL FROM:<sender@example.test>");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest(name = "pipelining {0}")
  @ValueSource(booleans = {true, false})
  void mixedRecipientRepliesGiveOneResultEach(boolean pipelining, Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer()
        .rcptReply(Y, Reply.of(450, "4.2.1", "try later"))
        .rcptReply(Z, Reply.of(550, "5.1.1", "no such user"));
    if (pipelining) {
      server.pipelining();
    }
    deliver(vertx, server, options(), envelope(List.of(X, Y, Z)), MESSAGE)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(X)).isInstanceOf(Delivered.class);
          assertThat(result.get(Y)).isEqualTo(new Transient(Reply.of(450, "4.2.1", "try later")));
          assertThat(result.get(Z)).isEqualTo(new Permanent(Reply.of(550, "5.1.1", "no such user")));
          assertThat(server.messages()).hasSize(1);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest(name = "pipelining {0}")
  @ValueSource(booleans = {true, false})
  void noAcceptedRecipientMeansNoMessageAndAResetSession(boolean pipelining, Vertx vertx,
      VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().rcptReply(Z, Reply.of(550, "5.1.1", "no such user"));
    if (pipelining) {
      server.pipelining();
    }
    connect(vertx, server, options()).compose(session ->
            session.send(envelope(List.of(Z)), List.of(Z), MESSAGE)
                .compose(first -> session.send(envelope(List.of(X)), List.of(X), MESSAGE)
                    .map(second -> List.of(first, second))))
        .onComplete(ctx.succeeding(results -> ctx.verify(() -> {
          assertThat(results.get(0).get(Z)).isInstanceOf(Permanent.class);
          assertThat(results.get(1).get(X)).isInstanceOf(Delivered.class);
          assertThat(server.verbs()).containsSubsequence("RCPT", "RSET", "MAIL", "RCPT", "DATA");
          assertThat(server.verbs().subList(0, 4))
              .isEqualTo(pipelining ? List.of("EHLO", "MAIL", "RCPT", "DATA") : List.of("EHLO", "MAIL", "RCPT", "RSET"));
          assertThat(server.messages()).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  void aRefusedMailDecidesEveryRecipient(Vertx vertx, VertxTestContext ctx) {
    Reply refused = Reply.of(553, "5.7.1", "sender refused");
    FakeSmtpServer server = new FakeSmtpServer().pipelining().mailReply(refused);
    deliver(vertx, server, options(), envelope(List.of(X, Y)), MESSAGE)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.perRecipient().values()).containsOnly(new Permanent(refused));
          assertThat(server.messages()).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void aMessageOverTheSizeLimitFailsBeforeMail(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().size(10);
    deliver(vertx, server, options(), envelope(List.of(X, Y)), MESSAGE)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.perRecipient().values()).allSatisfy(r -> {
            assertThat(r).isInstanceOf(Permanent.class);
            assertThat(r.reply().code()).isEqualTo(552);
            assertThat(r.reply().status()).hasToString("5.3.4");
            assertThat(r.reply().text()).contains("message size exceeds fixed maximum message size");
          });
          assertThat(server.verbs()).containsExactly("EHLO", "QUIT");
          ctx.completeNow();
        })));
  }

  @Test
  void anEightBitMessageIsNotSentToAServerWithout8bitmime(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer();
    Buffer eightBit = bytes("Subject: caf\u00e9\r\n\r\n\u00e9t\u00e9\r\n");
    connect(vertx, server, options()).compose(session ->
            session.send(envelope(List.of(X), "8BITMIME", false), List.of(X), eightBit)
                .compose(refused -> session.send(envelope(List.of(X), "8BITMIME", false), List.of(X), MESSAGE)
                    .map(sevenBit -> List.of(refused, sevenBit))))
        .onComplete(ctx.succeeding(results -> ctx.verify(() -> {
          RecipientResult refused = results.get(0).get(X);
          assertThat(refused).isInstanceOf(Permanent.class);
          assertThat(refused.reply().status()).hasToString("5.6.3");
          assertThat(results.get(1).get(X)).isInstanceOf(Delivered.class);
          // The 7-bit message goes without BODY=8BITMIME; the 8-bit one never left.
          assertThat(server.commands()).containsExactly("EHLO client.test", "MAIL FROM:<sender@example.test>",
              "RCPT TO:<x@dest.test>", "DATA");
          assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m.content()).isEqualTo(MESSAGE));
          ctx.completeNow();
        })));
  }

  @Test
  void eightBitAndSmtputf8ParametersWhenOffered(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().eightBitMime().smtputf8();
    String rcpt = "j\u00f6rg@dest.test";
    Buffer content = Buffer.buffer("Subject: \u00e9\r\n\r\nbody\r\n");
    deliver(vertx, server, options(), envelope(List.of(rcpt), "8BITMIME", true), content)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(rcpt)).isInstanceOf(Delivered.class);
          assertThat(server.commands()).contains("MAIL FROM:<sender@example.test> BODY=8BITMIME SMTPUTF8",
              "RCPT TO:<" + rcpt + ">");
          assertThat(server.messages().get(0).content()).isEqualTo(content);
          ctx.completeNow();
        })));
  }

  @Test
  void aNonAsciiAddressNeedsSmtputf8(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().eightBitMime();
    String rcpt = "j\u00f6rg@dest.test";
    deliver(vertx, server, options(), envelope(List.of(rcpt, X), "7BIT", true), MESSAGE)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.perRecipient().values()).allSatisfy(r -> {
            assertThat(r).isInstanceOf(Permanent.class);
            assertThat(r.reply().status()).hasToString("5.6.7");
          });
          assertThat(server.verbs()).doesNotContain("MAIL");
          ctx.completeNow();
        })));
  }

  @Test
  void aDropAfterRcptLeavesTheAcceptedRecipientsTransient(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().dropOn("DATA")
        .rcptReply(Z, Reply.of(550, "5.1.1", "no such user"));
    connect(vertx, server, options()).compose(session ->
            session.send(envelope(List.of(X, Y, Z)), List.of(X, Y, Z), MESSAGE).map(result -> {
              assertThat(session.isUsable()).isFalse();
              return result;
            }))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          for (String rcpt : List.of(X, Y)) {
            assertThat(result.get(rcpt)).isInstanceOf(Transient.class);
            assertThat(result.get(rcpt).reply().code()).isEqualTo(451);
            assertThat(result.get(rcpt).reply().status()).hasToString("4.4.2");
            assertThat(result.get(rcpt).reply().text()).contains("synthesized");
          }
          assertThat(result.get(Z)).isInstanceOf(Permanent.class);
          ctx.completeNow();
        })));
  }

  @Test
  void noReplyToTheFinalDotTimesOutAsTransient(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().pipelining().silentOn("DOT");
    ClientOptions options = options().setDataEndTimeout(java.time.Duration.ofMillis(300));
    deliver(vertx, server, options, envelope(List.of(X)), MESSAGE)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(X)).isInstanceOf(Transient.class);
          assertThat(result.get(X).reply().status()).hasToString("4.4.2");
          assertThat(result.get(X).reply().text()).contains("timeout");
          assertThat(server.messages()).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  void oneSessionCarriesTwoTransactions(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().pipelining();
    Buffer second = bytes("Subject: two\r\n\r\nsecond\r\n");
    connect(vertx, server, options()).compose(session ->
            session.send(envelope(List.of(X)), List.of(X), MESSAGE)
                .compose(first -> {
                  assertThat(session.isUsable()).isTrue();
                  return session.send(envelope(List.of(Y)), List.of(Y), second);
                })
                .compose(result -> session.quit().map(result)))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.get(Y)).isInstanceOf(Delivered.class);
          assertThat(server.connections()).isEqualTo(1);
          assertThat(server.verbs()).containsExactly("EHLO", "MAIL", "RCPT", "DATA", "MAIL", "RCPT", "DATA", "QUIT");
          assertThat(server.messages()).extracting(FakeSmtpServer.Message::content).containsExactly(MESSAGE, second);
          ctx.completeNow();
        })));
  }

  @Test
  void tooManyRecipientsAreRefusedBeforeAnythingIsSent(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer();
    List<String> many = IntStream.range(0, 51).mapToObj(i -> "r" + i + "@dest.test").toList();
    connect(vertx, server, options()).compose(session -> session.send(envelope(many), many, MESSAGE))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertThat(e).isInstanceOf(IllegalArgumentException.class);
          ctx.completeNow();
        })));
  }
}
