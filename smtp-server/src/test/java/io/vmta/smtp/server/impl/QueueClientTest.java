package io.vmta.smtp.server.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.test.fakecluster.FakeClusterManager;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server's hand-off to the queue in a cluster, with Vert.x's in-JVM fake cluster manager and
 * the real clustered event bus over loopback sockets: which node it picks, how it reaches a queue
 * that knows nothing of node addresses, and that it gives up at once when the node holding its
 * message leaves the cluster.
 */
class QueueClientTest {

  private static final long QUEUE_TIMEOUT_MS = 60_000;

  private final List<Vertx> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : nodes) {
      await(v.close());
    }
    FakeClusterManager.reset();
  }

  @Test
  void aNodeWithAQueueUsesItsOwn() throws Exception {
    Vertx server = node();
    queue(server, "server", true);
    queue(node(), "other", true);
    Context loop = server.getOrCreateContext();
    QueueClient client = client(loop);
    for (int i = 0; i < 4; i++) {
      assertThat(await(submit(loop, client))).isEqualTo("server");
    }
  }

  @Test
  void aNodeWithoutAQueueTakesTurnsOverTheQueueNodes() throws Exception {
    Vertx server = node();
    queue(node(), "one", true);
    queue(node(), "two", true);
    Context loop = server.getOrCreateContext();
    QueueClient client = client(loop);
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(await(submit(loop, client)));
    }
    assertThat(answers).containsExactlyInAnyOrder("one", "one", "two", "two");
  }

  @Test
  void aQueueThatConsumesOnlyTheSharedAddressIsReached() throws Exception {
    Vertx server = node();
    queue(node(), "embedded", false);
    Context loop = server.getOrCreateContext();
    assertThat(await(submit(loop, client(loop)))).isEqualTo("embedded");
  }

  @Test
  void noQueueInTheClusterFailsAtOnce() throws Exception {
    Vertx server = node();
    node();
    Context loop = server.getOrCreateContext();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> await(submit(loop, client(loop))))
        .cause().isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
  }

  @Test
  void aQueueRegistrationThatOutlivesItsNodeIsNotUsed() throws Exception {
    // What a queue node killed with SIGKILL leaves behind for a moment: its member is gone, its
    // registrations are still being removed. A request routed there would wait for its timeout.
    Vertx server = node();
    node();
    Promise<Void> added = Promise.promise();
    ((VertxInternal) server).clusterManager()
        .addRegistration(QueueAddresses.SUBMIT, new RegistrationInfo("dead-node", 1, false), added);
    await(added.future());
    Context loop = server.getOrCreateContext();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> await(submit(loop, client(loop))))
        .cause().isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
  }

  @Test
  void theQueueNodeLeavingBeforeItAnswersFailsTheSubmissionAtOnce() throws Exception {
    Vertx server = node();
    Vertx queueNode = node();
    QueuedMessageCodec.register(queueNode);
    BlockingQueue<String> held = new LinkedBlockingQueue<>();
    for (String address : List.of(QueueAddresses.SUBMIT, QueueAddresses.submitOn(self(queueNode)))) {
      MessageConsumer<QueuedMessage> blackHole = queueNode.eventBus()
          .consumer(address, m -> held.add(m.body().envelope().id()));
      await(blackHole.completion());
    }
    Context loop = server.getOrCreateContext();
    Future<String> submitted = submit(loop, client(loop));
    assertThat(held.poll(10, TimeUnit.SECONDS)).as("the queue node got the message").isNotNull();
    long t0 = System.nanoTime();
    nodes.remove(queueNode);
    await(queueNode.close());
    assertThatThrownBy(() -> await(submitted)).hasMessageContaining("left the cluster before answering");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
        .as("ms from leaving to failure, far below the queue timeout").isLessThan(5_000);
  }

  private Vertx node() throws Exception {
    Vertx vertx = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
    nodes.add(vertx);
    return vertx;
  }

  private static String self(Vertx vertx) {
    return QueueNodes.of(vertx).orElseThrow().self();
  }

  /** A queue that answers with {@code name}; on its node's own address too when {@code nodeAddress}. */
  private static void queue(Vertx vertx, String name, boolean nodeAddress) throws Exception {
    QueuedMessageCodec.register(vertx);
    List<String> addresses = nodeAddress
        ? List.of(QueueAddresses.SUBMIT, QueueAddresses.submitOn(self(vertx)))
        : List.of(QueueAddresses.SUBMIT);
    for (String address : addresses) {
      MessageConsumer<QueuedMessage> consumer = vertx.eventBus().consumer(address, m -> m.reply(name));
      await(consumer.completion());
    }
  }

  /** A client made on {@code loop}, where it is then used, as a server verticle does. */
  private static QueueClient client(Context loop) throws Exception {
    Promise<QueueClient> made = Promise.promise();
    loop.runOnContext(v -> {
      QueuedMessageCodec.register(loop.owner());
      made.complete(new QueueClient(loop.owner()));
    });
    return await(made.future());
  }

  private static Future<String> submit(Context loop, QueueClient client) {
    Promise<String> answer = Promise.promise();
    QueuedMessage message = new QueuedMessage(new Envelope("test-id", "a@example.org", List.of("b@example.test"),
        false, "7BIT", "127.0.0.1", "client.example.org", null, Instant.now()), Buffer.buffer("Subject: x\r\n\r\nx\r\n"));
    loop.runOnContext(v -> client.submit(message, QUEUE_TIMEOUT_MS).onComplete(answer));
    return answer.future();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
