package io.vmta.smtp.relay.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.relay.testing.TestCa;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared set-up of the client tests: options with short timeouts, envelopes, connecting. */
final class ClientTestSupport {

  static final InetAddress LOOPBACK = loopback();
  /** The CA the client tests trust (as relay.tls.caFile would) and its certificate for mx.fake.test. */
  static final TestCa CA = TestCa.create("Client Test CA");
  static final TestCa.Issued MX_FAKE_TEST = CA.issue("mx.fake.test");
  static final PeerVerifier VERIFIER = verifier();
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

  /** A fake server whose certificate verifies for mx.fake.test with {@link #VERIFIER}. */
  static FakeSmtpServer verifiedServer() {
    return new FakeSmtpServer().certificate(MX_FAKE_TEST.keyCertOptions());
  }

  /** Starts {@code server} and connects to it as mx.fake.test, trusting {@link #CA}. */
  static Future<SmtpClientSession> connect(Vertx vertx, FakeSmtpServer server, ClientOptions options) {
    return server.start(vertx)
        .compose(s -> SmtpClientSession.connect(vertx, options, VERIFIER, "mx.fake.test", LOOPBACK, s.port()));
  }

  private static PeerVerifier verifier() {
    try {
      java.nio.file.Path pem = java.nio.file.Files.createTempFile("client-test-ca", ".pem");
      pem.toFile().deleteOnExit();
      return PeerVerifier.create(CA.writePem(pem));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
