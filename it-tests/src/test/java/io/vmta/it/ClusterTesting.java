package io.vmta.it;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the cluster tests share: sending through a node, waiting on the cluster, free ports. */
final class ClusterTesting {

  private static final Logger log = LoggerFactory.getLogger(ClusterTesting.class);

  private ClusterTesting() {
  }

  /** A plain file where the Maildir of {@code user} belongs, so that delivery to it fails until it is removed. */
  static Path blockMailbox(Path dataDir, String user) throws Exception {
    Path box = dataDir.resolve("mail").resolve("example.test").resolve(user);
    Files.createDirectories(box.getParent());
    Files.writeString(box, "not a directory");
    return box;
  }

  /** A client on {@code port} whose transaction to {@code rcpt} has reached DATA (354): the body is next. */
  static TestSmtpClient inData(int port, String rcpt) throws Exception {
    TestSmtpClient c = new TestSmtpClient("127.0.0.1", port);
    try {
      assertThat(c.read().code()).isEqualTo(220);
      assertThat(c.command("EHLO client.example.org").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<sender@example.org>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<" + rcpt + ">").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      return c;
    } catch (Exception | AssertionError e) {
      c.close();
      throw e;
    }
  }

  /** One message to {@code rcpt} with {@code marker} in its subject; the reply to the end of DATA. */
  static String send(int port, String rcpt, String marker) throws Exception {
    try (TestSmtpClient c = inData(port, rcpt)) {
      return c.command("Subject: " + marker + "\r\n\r\nacross the cluster\r\n.").last();
    }
  }

  /**
   * Sends messages until one is queued (a node may take a moment to see a new queue node), each
   * refused one with 451 and nothing else, its marker added to {@code refused}; the marker of the
   * queued one.
   */
  static String sendUntilQueued(int port, String rcpt, Duration within, List<String> refused) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    int refusals = 0;
    while (true) {
      String marker = "probe-" + UUID.randomUUID();
      String reply = send(port, rcpt, marker);
      if (reply.startsWith("250 ")) {
        log.info("queued after {} refusal(s)", refusals);
        return marker;
      }
      assertThat(reply).startsWith("451 4.3.0");
      refused.add(marker);
      refusals++;
      assertThat(System.nanoTime()).as("a queue node answers within %s", within).isLessThan(deadline);
    }
  }

  /**
   * Completes once {@code condition} holds (checked on a worker thread, as it may block: now,
   * then every 20 ms); fails after {@code within}. One-shot timers: a periodic timer cancelled
   * from its first run throws a NullPointerException in Vert.x 5.0.7.
   */
  static Future<Void> until(Vertx vertx, Callable<Boolean> condition, Duration within) {
    Promise<Void> done = Promise.promise();
    check(vertx, condition, System.nanoTime() + within.toNanos(), within, done);
    return done.future();
  }

  private static void check(Vertx vertx, Callable<Boolean> condition, long deadline, Duration within, Promise<Void> done) {
    vertx.executeBlocking(condition).onComplete(holds -> {
      if (holds.failed()) {
        done.fail(holds.cause());
      } else if (holds.result()) {
        done.complete();
      } else if (System.nanoTime() > deadline) {
        done.fail("condition not met within " + within);
      } else {
        vertx.setTimer(20, id -> check(vertx, condition, deadline, within, done));
      }
    });
  }

  /** The queue id in "250 2.0.0 Ok: queued as ID". */
  static String queueId(String reply) {
    return reply.substring(reply.lastIndexOf(' ') + 1).trim();
  }

  /** The next event {@code event} of message {@code id} in {@code events}, skipping others. */
  static JsonObject awaitEvent(BlockingQueue<JsonObject> events, String event, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Maildirs.DELIVERY_TIMEOUT.toNanos();
    while (true) {
      JsonObject e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertThat(e).as("event %s for %s", event, id).isNotNull();
      if (event.equals(e.getString("event")) && id.equals(e.getString("id"))) {
        return e;
      }
    }
  }

  /**
   * A free loopback port. Hazelcast members must name each other's ports up front, so ports are
   * probed (bind to 0, close, reuse the number): a small race with other processes.
   */
  static int freePort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /** Milliseconds since {@code since} (a {@link System#nanoTime()}). */
  static long ms(long since) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
  }

  /** The result of {@code future}, waiting at most 90 s. */
  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
