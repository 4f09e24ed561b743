package io.vmta.smtp.relay.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared set-up of the client tests: options with short timeouts, envelopes, connecting. */
final class ClientTestSupport {

  static final InetAddress LOOPBACK = loopback();
  static final String SENDER = "sender@example.test";

  private ClientTestSupport() {
  }

  static ClientOptions options() {
    return new ClientOptions().setHeloName("client.test").setAllReplyTimeouts(java.time.Duration.ofSeconds(10)).setConnectTimeout(java.time.Duration.ofSeconds(5));
  }

  static Envelope envelope(List<String> recipients) {
    return new Envelope("Q1", SENDER, recipients, false, "7BIT", null, null, null, null);
  }

  static Envelope envelope(List<String> recipients, String body, boolean smtputf8) {
    return new Envelope("Q1", SENDER, recipients, smtputf8, body, null, null, null, null);
  }

  static Buffer bytes(String latin1) {
    return Buffer.buffer(latin1.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Starts {@code server} and connects to it. */
  static Future<SmtpClientSession> connect(Vertx vertx, FakeSmtpServer server, ClientOptions options) {
    return server.start(vertx)
        .compose(s -> SmtpClientSession.connect(vertx, options, "mx.fake.test", LOOPBACK, s.port()));
  }

  /** Starts {@code server}, sends one message in one session, and quits. */
  static Future<TransactionResult> deliver(Vertx vertx, FakeSmtpServer server, ClientOptions options,
      Envelope envelope, Buffer content) {
    return connect(vertx, server, options).compose(session ->
        session.send(envelope, envelope.recipients(), content)
            .compose(result -> session.quit().map(result)));
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
