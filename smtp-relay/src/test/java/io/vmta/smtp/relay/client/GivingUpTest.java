package io.vmta.smtp.relay.client;

import static io.vmta.smtp.relay.client.ClientTestSupport.connect;
import static io.vmta.smtp.relay.client.ClientTestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that gives up on a session the server still keeps open says QUIT and waits for its
 * reply (RFC 5321 section 4.1.1.10) instead of dropping the connection.
 */
@ExtendWith(VertxExtension.class)
class GivingUpTest {

  private static void connectFailsAfter(Vertx vertx, VertxTestContext ctx, FakeSmtpServer server,
      ClientOptions options, List<String> verbs) {
    // The connect fails only after the QUIT's reply: the server has recorded it by then.
    connect(vertx, server, options).onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertThat(e).isInstanceOf(SmtpClientException.class);
      assertThat(server.verbs()).isEqualTo(verbs);
      ctx.completeNow();
    })));
  }

  @Test
  void requiredTlsNotOffered(Vertx vertx, VertxTestContext ctx) {
    connectFailsAfter(vertx, ctx, new FakeSmtpServer(), options().setTlsLevel(TlsLevel.ENCRYPT),
        List.of("EHLO", "QUIT"));
  }

  @Test
  void credentialsThatMayNotBeSentInPlaintext(Vertx vertx, VertxTestContext ctx) {
    connectFailsAfter(vertx, ctx, new FakeSmtpServer().auth("relay", "s3cret"),
        options().setUsername("relay").setPassword("s3cret"), List.of("EHLO", "QUIT"));
  }

  @Test
  void aRefusedAuthentication(Vertx vertx, VertxTestContext ctx) {
    connectFailsAfter(vertx, ctx, ClientTestSupport.verifiedServer().implicitTls().auth("relay", "s3cret"),
        options().setImplicitTls(true).setUsername("relay").setPassword("wrong"),
        List.of("EHLO", "AUTH", "QUIT"));
  }

  @Test
  void aPermanentGreeting(Vertx vertx, VertxTestContext ctx) {
    connectFailsAfter(vertx, ctx, new FakeSmtpServer().greeting(Reply.of(554, "5.7.1", "go away")),
        options(), List.of("QUIT"));
  }

  @Test
  void notAfterA421Greeting(Vertx vertx, VertxTestContext ctx) {
    // 421: the server is closing the channel (RFC 5321 section 3.8); there is no one to tell.
    connectFailsAfter(vertx, ctx, new FakeSmtpServer().greeting(Reply.of(421, "4.3.2", "busy")),
        options(), List.of());
  }
}
