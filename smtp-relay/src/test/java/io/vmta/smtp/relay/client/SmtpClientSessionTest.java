package io.vmta.smtp.relay.client;

import static io.vmta.smtp.relay.client.ClientTestSupport.LOOPBACK;
import static io.vmta.smtp.relay.client.ClientTestSupport.bytes;
import static io.vmta.smtp.relay.client.ClientTestSupport.connect;
import static io.vmta.smtp.relay.client.ClientTestSupport.verifiedServer;
import static io.vmta.smtp.relay.client.ClientTestSupport.envelope;
import static io.vmta.smtp.relay.client.ClientTestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.relay.client.RecipientResult.Delivered;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Opening a session: greeting, EHLO/HELO, STARTTLS, implicit TLS and AUTH. */
@ExtendWith(VertxExtension.class)
class SmtpClientSessionTest {

  private static final String X = "x@dest.test";

  /** Connects, sends one message to X, quits; hands the session and result to the assertions. */
  private static void deliverAndCheck(Vertx vertx, VertxTestContext ctx, FakeSmtpServer server,
      ClientOptions options, Consumer<SmtpClientSession> check) {
    connect(vertx, server, options).compose(session ->
            session.send(envelope(List.of(X)), List.of(X), bytes("Subject: s\r\n\r\nbody\r\n"))
                .compose(result -> {
                  assertThat(result.get(X)).isInstanceOf(Delivered.class);
                  assertThat(session.isTls()).as("TLS before QUIT").isEqualTo(server.commandsOverTls().contains("DATA"));
                  return session.quit().map(session);
                }))
        .onComplete(ctx.succeeding(session -> ctx.verify(() -> {
          check.accept(session);
          ctx.completeNow();
        })));
  }

  private static void connectFails(Vertx vertx, VertxTestContext ctx, FakeSmtpServer server,
      ClientOptions options, Consumer<SmtpClientException> check) {
    connect(vertx, server, options).onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertThat(e).isInstanceOf(SmtpClientException.class);
      check.accept((SmtpClientException) e);
      ctx.completeNow();
    })));
  }

  @Test
  void aTransientGreetingFailsTheConnect(Vertx vertx, VertxTestContext ctx) {
    Reply busy = Reply.of(421, "4.3.2", "busy, try later");
    connectFails(vertx, ctx, new FakeSmtpServer().greeting(busy), options(), e -> {
      assertThat(e.reply()).isEqualTo(busy);
      assertThat(e.isTransient()).isTrue();
      assertThat(e.isSynthesized()).isFalse();
    });
  }

  @Test
  void aPermanentGreetingFailsTheConnectAndIsAnsweredWithQuit(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().greeting(Reply.of(554, "5.7.1", "go away"));
    connectFails(vertx, ctx, server, options(), e -> {
      assertThat(e.isTransient()).isFalse();
      assertThat(e.reply().code()).isEqualTo(554);
    });
  }

  @Test
  void aRefusedConnectionIsTransient(Vertx vertx, VertxTestContext ctx) throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, LOOPBACK)) {
      port = closed.getLocalPort();
    }
    SmtpClientSession.connect(vertx, options(), "mx.fake.test", LOOPBACK, port)
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertThat(((SmtpClientException) e).reply().status()).as(e.toString()).hasToString("4.4.1");
          ctx.completeNow();
        })));
  }

  @Test
  void heloWhenEhloIsRefused(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().rejectEhlo().pipelining();
    deliverAndCheck(vertx, ctx, server, options(), session -> {
      assertThat(session.capabilities()).isEqualTo(ServerCapabilities.NONE);
      // No extensions after HELO: no pipelining, no SIZE.
      assertThat(server.verbs()).containsExactly("EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT");
    });
  }

  @Test
  void startTlsWhenOfferedThenEhloAgain(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().startTls().size(1000);
    deliverAndCheck(vertx, ctx, server, options(), session -> {
      assertThat(session.isTls()).isTrue();
      assertThat(session.capabilities().startTls()).isFalse();
      assertThat(server.verbs()).startsWith("EHLO", "STARTTLS", "EHLO", "MAIL");
      assertThat(server.commandsOverTls()).startsWith("EHLO client.test").contains("DATA");
    });
  }

  @Test
  void repliesInjectedBehindTheStartTls220AreDiscarded(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().startTlsInjecting("250-evil.test\r\n250 PIPELINING\r\n");
    deliverAndCheck(vertx, ctx, server, options(), session -> {
      assertThat(session.isTls()).isTrue();
      assertThat(session.capabilities().pipelining()).isFalse();
      assertThat(server.verbs()).startsWith("EHLO", "STARTTLS", "EHLO", "MAIL", "RCPT");
    });
  }

  @Test
  void noStartTlsWithPolicyNone(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().startTls();
    deliverAndCheck(vertx, ctx, server, options().setTlsLevel(TlsLevel.NONE), session -> {
      assertThat(session.isTls()).isFalse();
      assertThat(server.verbs()).doesNotContain("STARTTLS");
    });
  }

  @Test
  void requiredTlsNotOfferedFailsTransiently(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer();
    connectFails(vertx, ctx, server, options().setTlsLevel(TlsLevel.ENCRYPT), e -> {
      assertThat(e.isTransient()).isTrue();
      assertThat(e.reply().status()).hasToString("4.7.4");
      assertThat(server.verbs()).doesNotContain("MAIL");
    });
  }

  @Test
  void aFailedOpportunisticHandshakeFallsBackToPlaintext(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().brokenTls();
    deliverAndCheck(vertx, ctx, server, options(), session -> {
      assertThat(server.connections()).isEqualTo(2);
      assertThat(server.verbs())
          .containsExactly("EHLO", "STARTTLS", "EHLO", "MAIL", "RCPT", "DATA", "QUIT");
    });
  }

  @Test
  void aFailedRequiredHandshakeFailsTheConnect(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().brokenTls();
    connectFails(vertx, ctx, server, options().setTlsLevel(TlsLevel.ENCRYPT), e -> {
      assertThat(e.reply().status()).hasToString("4.7.5");
      assertThat(server.connections()).isEqualTo(1);
    });
  }

  @Test
  void requiredTlsIsMetWhenOffered(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().startTls();
    deliverAndCheck(vertx, ctx, server, options().setTlsLevel(TlsLevel.ENCRYPT),
        session -> assertThat(server.commandsOverTls()).contains("DATA"));
  }

  @Test
  void implicitTlsForASmarthost(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().implicitTls();
    deliverAndCheck(vertx, ctx, server, options().setImplicitTls(true), session -> {
      assertThat(session.isTls()).isTrue();
      assertThat(server.commandsOverTls()).startsWith("EHLO client.test");
    });
  }

  @Test
  void authPlainIsPreferredAndSentOnlyOverTls(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = verifiedServer().startTls().auth("relay@example.test", "s3cret");
    ClientOptions options = options().setUsername("relay@example.test").setPassword("s3cret");
    deliverAndCheck(vertx, ctx, server, options, session -> {
      assertThat(server.verbs()).startsWith("EHLO", "STARTTLS", "EHLO", "AUTH", "MAIL");
      assertThat(server.commandsOverTls()).anyMatch(c -> c.startsWith("AUTH PLAIN "));
    });
  }

  @Test
  void authLoginWhenPlainIsNotOffered(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = verifiedServer().implicitTls().auth("relay", "s3cret", "LOGIN");
    ClientOptions options = options().setImplicitTls(true).setUsername("relay").setPassword("s3cret");
    deliverAndCheck(vertx, ctx, server, options,
        session -> assertThat(server.commands()).contains("AUTH LOGIN", "cmVsYXk=", "czNjcmV0"));
  }

  @Test
  void aWrongPasswordFailsTheConnectWithTheServerReply(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = verifiedServer().implicitTls().auth("relay", "s3cret");
    ClientOptions options = options().setImplicitTls(true).setUsername("relay").setPassword("wrong");
    connectFails(vertx, ctx, server, options, e -> {
      assertThat(e.reply()).isEqualTo(Reply.of(535, "5.7.8", "Error: authentication failed"));
      assertThat(e.isTransient()).isFalse();
      assertThat(server.verbs()).doesNotContain("MAIL");
    });
  }

  @Test
  void credentialsAreNeverSentToAServerWhoseCertificateDidNotVerify(Vertx vertx, VertxTestContext ctx) {
    // The fake's own self-signed certificate, at the level "may": TLS, but not to be trusted.
    FakeSmtpServer server = new FakeSmtpServer().startTls().auth("relay", "s3cret");
    ClientOptions options = options().setUsername("relay").setPassword("s3cret");
    connectFails(vertx, ctx, server, options, e -> {
      assertThat(e.reply().code()).isEqualTo(454);
      assertThat(e.reply().status()).hasToString("4.7.5");
      assertThat(e.isTransient()).isTrue();
      assertThat(e.tls().trust()).isEqualTo(PeerTrust.UNTRUSTED);
      assertThat(server.verbs()).contains("STARTTLS").doesNotContain("AUTH");
    });
  }

  @Test
  void authOverUnverifiedTlsIsTheExplicitOptOut(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().startTls().auth("relay", "s3cret");
    ClientOptions options = options().setUsername("relay").setPassword("s3cret").setAuthOverUnverifiedTls(true);
    deliverAndCheck(vertx, ctx, server, options, session -> {
      assertThat(server.commandsOverTls()).anyMatch(c -> c.startsWith("AUTH PLAIN "));
      assertThat(session.tlsStatus().trust()).isEqualTo(PeerTrust.UNTRUSTED);
    });
  }

  @Test
  void credentialsAreNeverSentInPlaintext(Vertx vertx, VertxTestContext ctx) {
    FakeSmtpServer server = new FakeSmtpServer().auth("relay", "s3cret");
    ClientOptions options = options().setUsername("relay").setPassword("s3cret");
    connectFails(vertx, ctx, server, options, e -> {
      assertThat(e.reply().code()).isEqualTo(454);
      assertThat(e.isSynthesized()).isTrue();
      assertThat(server.verbs()).doesNotContain("AUTH");
    });
  }

  @Test
  void callsFromOutsideTheEventLoopRunOnTheSessionContext(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    FakeSmtpServer server = new FakeSmtpServer();
    SmtpClientSession session = connect(vertx, server, options()).await();
    Future<TransactionResult> sent = session.send(envelope(List.of(X)), List.of(X), bytes("x\r\n"));
    sent.compose(r -> session.quit().map(r)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.get(X)).isInstanceOf(Delivered.class);
      assertThat(session.isUsable()).isFalse();
      ctx.completeNow();
    })));
  }
}
