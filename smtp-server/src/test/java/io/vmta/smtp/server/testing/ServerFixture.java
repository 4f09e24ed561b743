package io.vmta.smtp.server.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vmta.smtp.server.ListenerMode;
import io.vmta.smtp.server.ListenerOptions;
import io.vmta.smtp.server.SmtpServerOptions;
import io.vmta.smtp.server.SmtpServerVerticle;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server on a free loopback port with an in-memory queue consumer in place of the real
 * queue: it records what it is handed and answers with the queue id, or fails on cue.
 */
public final class ServerFixture implements AutoCloseable {

  public final Vertx vertx = Vertx.vertx();
  public final BlockingQueue<QueuedMessage> queued = new LinkedBlockingQueue<>();
  private volatile boolean queueFails;
  private final SmtpServerVerticle server;

  public ServerFixture(SmtpServerOptions options) {
    this(options, null);
  }

  /** A server that checks AUTH with {@code auth}, made from this fixture's Vert.x. */
  public ServerFixture(SmtpServerOptions options,
                       java.util.function.Function<Vertx, io.vertx.ext.auth.authentication.AuthenticationProvider> auth) {
    QueuedMessageCodec.register(vertx);
    vertx.eventBus().<QueuedMessage>consumer(QueueAddresses.SUBMIT, this::onSubmit);
    server = new SmtpServerVerticle(options, auth == null ? null : auth.apply(vertx));
    await(vertx.deployVerticle(server));
  }

  /** One certificate for every test server of the run: making one takes about a second. */
  private static final io.vertx.core.net.SelfSignedCertificate CERT =
      io.vertx.core.net.SelfSignedCertificate.create("mx.example.test");

  /**
   * Options for a test server: loopback, port 0, a user and an alias in example.test, and the
   * checks of incoming mail off, so that no DNS query leaves the machine (tests of the checks turn
   * them on, with a FakeDnsServer).
   */
  public static SmtpServerOptions defaults() {
    return new SmtpServerOptions()
        .setAuthentication(new io.vmta.mailauth.AuthenticationOptions().setSpf(false).setDkim(false).setDmarc(false))
        .setTls(CERT.certificatePath(), CERT.privateKeyPath())
        .setListeners(java.util.List.of(new ListenerOptions("127.0.0.1", 0, ListenerMode.MX)))
        .setHostname("mx.example.test")
        .setDomains(java.util.List.of("example.test"))
        .setLocalUsers(java.util.List.of("alice@example.test", "bob@example.test"))
        .setAliases(java.util.Map.of("team@example.test", java.util.List.of("alice@example.test")));
  }

  private void onSubmit(Message<QueuedMessage> message) {
    if (queueFails) {
      message.fail(451, "disk full");
      return;
    }
    queued.add(message.body());
    message.reply(message.body().envelope().id());
  }

  /** Makes the in-memory queue refuse every message from now on. */
  public void failQueue() {
    queueFails = true;
  }

  /** Makes the in-memory queue take messages again after {@link #failQueue}. */
  public void restoreQueue() {
    queueFails = false;
  }

  /** The server verticle under test. */
  public SmtpServerVerticle verticle() {
    return server;
  }

  public int port() {
    return server.actualPorts().get(0);
  }

  /** The port of the {@code index}th listener. */
  public int port(int index) {
    return server.actualPorts().get(index);
  }

  public TestSmtpClient connect() throws IOException {
    TestSmtpClient client = new TestSmtpClient("127.0.0.1", port());
    client.read();
    return client;
  }

  /** The next queued message, waiting up to 10 s; null if none came. */
  public QueuedMessage nextQueued() throws InterruptedException {
    return queued.poll(10, TimeUnit.SECONDS);
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
