package io.vmta.smtp.relay.spool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.QueuedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.vmta.smtp.relay.spool.SpoolFixtures.files;
import static io.vmta.smtp.relay.spool.SpoolFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message deferred for days must not keep its whole batch file on disk: a file mostly dead is
 * rewritten down to its live records, which keep their bytes, progress and state across restarts.
 */
class FileSpoolCompactionTest {

  private static final int BODY = 16 * 1024;
  private static final long MIN_DEAD = 64 * 1024;

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final List<FileSpool> spools = new ArrayList<>();

  @AfterEach
  void close() {
    spools.forEach(s -> await(s.close()));
    await(vertx.close());
  }

  private FileSpool spool(ExecutorService executor) {
    FileSpool spool = new FileSpool(vertx, dir, executor, MIN_DEAD);
    spools.add(spool);
    await(spool.recover());
    return spool;
  }

  /** {@code count} big messages, to r0@example.test and on. */
  private static List<QueuedMessage> bigMessages(int count) {
    List<QueuedMessage> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      messages.add(big("r" + i + "@example.test", i));
    }
    return messages;
  }

  private static QueuedMessage big(String rcpt, int n) {
    QueuedMessage m = message(rcpt, "second-" + rcpt);
    Buffer body = m.content().copy();
    for (int i = 0; i < BODY; i++) {
      body.appendByte((byte) ('a' + (i + n) % 26));
    }
    return new QueuedMessage(m.envelope(), body);
  }

  /** Stores {@code messages} in one batch: the writer is held until all of them are pending. */
  private static void storeInOneBatch(FileSpool spool, ExecutorService executor, List<QueuedMessage> messages) {
    inOneBatch(spool, executor, () -> messages.stream().map(spool::store).toList());
  }

  /**
   * Runs the operations {@code ops} starts in one batch: the writer is held until all of them are
   * pending. It must be idle first: a drain that has just completed the previous batch's futures
   * may still be looking for more work, and would take part of these operations as a batch of
   * their own (seen under load: a compaction of a half-removed batch).
   */
  private static void inOneBatch(FileSpool spool, ExecutorService executor,
      java.util.function.Supplier<List<Future<Void>>> ops) {
    await(spool.writerIdle());
    CountDownLatch hold = new CountDownLatch(1);
    executor.execute(() -> {
      try {
        hold.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<Future<Void>> started = ops.get();
    hold.countDown();
    await(Future.all(started));
  }

  @Test
  void aMostlyDeadFileIsRewrittenToItsLiveRecordsAndDeleted() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    FileSpool spool = spool(executor);
    List<QueuedMessage> messages = bigMessages(10);
    storeInOneBatch(spool, executor, messages);
    List<String> before = files(dir, ".log");
    assertThat(before).hasSize(1);
    QueuedMessage deferred = messages.get(3);
    String id = deferred.envelope().id();
    // Its progress and state are in later files: the compaction must carry them too.
    await(spool.markDone(id, List.of("r3@example.test")));
    await(spool.saveState(id, new JsonObject().put("attempts", 4)));
    inOneBatch(spool, executor, () -> messages.stream().filter(m -> m != deferred)
        .map(m -> spool.remove(m.envelope().id())).toList());
    // Compaction runs after the batch's futures are completed: it never delays a reply.
    await(spool.writerIdle());
    assertThat(spool.compactionCount()).isEqualTo(1);
    assertThat(files(dir, ".log")).doesNotContain(before.get(0));
    long onDisk = 0;
    for (String f : files(dir, ".log")) {
      onDisk += Files.size(dir.resolve(f));
    }
    assertThat(onDisk).as("bytes left on disk").isLessThan(2L * BODY + 8192);
    assertThat(await(spool.content(id))).isEqualTo(deferred.content());

    await(spool.close());
    List<SpoolEntry> recovered = await(new FileSpool(vertx, dir).recover());
    assertThat(recovered).hasSize(1);
    assertThat(recovered.get(0).envelope()).isEqualTo(deferred.envelope());
    assertThat(recovered.get(0).pendingRecipients()).containsExactly("second-r3@example.test");
    assertThat(recovered.get(0).state().getInteger("attempts")).isEqualTo(4);
  }

  @Test
  void aFileHalfAliveOrWithFewDeadBytesIsLeftAlone() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    FileSpool spool = spool(executor);
    List<QueuedMessage> messages = bigMessages(6);
    storeInOneBatch(spool, executor, messages);
    String first = files(dir, ".log").get(0);
    // Three of six dead: half the file, rewriting would cost as much as it frees.
    for (int i = 0; i < 3; i++) {
      await(spool.remove(messages.get(i).envelope().id()));
    }
    await(spool.writerIdle());
    assertThat(spool.compactionCount()).isZero();
    assertThat(files(dir, ".log")).contains(first);
    // Five of six dead, but 80 KiB dead is over the threshold only with a smaller one: here it is not.
    ExecutorService strictExecutor = Executors.newSingleThreadExecutor();
    FileSpool strict = new FileSpool(vertx, dir.resolve("strict"), strictExecutor, 1L << 20);
    spools.add(strict);
    await(strict.recover());
    storeInOneBatch(strict, strictExecutor, messages);
    String batch = files(dir.resolve("strict"), ".log").get(0);
    for (int i = 0; i < 5; i++) {
      await(strict.remove(messages.get(i).envelope().id()));
    }
    await(strict.writerIdle());
    assertThat(strict.compactionCount()).isZero();
    assertThat(files(dir.resolve("strict"), ".log")).contains(batch);
  }

  @Test
  void aRecoveredSpoolIsCompactedAtStart() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    List<QueuedMessage> messages = bigMessages(10);
    // Written by a spool that never compacts (as before this feature), then reopened.
    FileSpool old = new FileSpool(vertx, dir, executor, Long.MAX_VALUE);
    await(old.recover());
    storeInOneBatch(old, executor, messages);
    for (int i = 1; i < 10; i++) {
      await(old.remove(messages.get(i).envelope().id()));
    }
    String first = files(dir, ".log").get(0);
    await(old.close());
    FileSpool reopened = spool(Executors.newSingleThreadExecutor());
    assertThat(reopened.compactionCount()).isEqualTo(1);
    assertThat(files(dir, ".log")).doesNotContain(first);
    assertThat(await(reopened.content(messages.get(0).envelope().id()))).isEqualTo(messages.get(0).content());
  }

  /**
   * A read that looked its body up before a compaction moved it must still find it: the retry
   * of a deferred message otherwise failed ("local error", a whole backoff step lost).
   */
  @Test
  void aReadQueuedBeforeACompactionFindsTheBodyWhereItWasMoved() throws Exception {
    // One worker thread, held: the read is queued behind it while the compaction runs.
    Vertx oneWorker = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    ExecutorService executor = Executors.newSingleThreadExecutor();
    FileSpool spool = new FileSpool(oneWorker, dir, executor, MIN_DEAD);
    try {
      await(spool.recover());
      List<QueuedMessage> messages = bigMessages(10);
      storeInOneBatch(spool, executor, messages);
      String first = files(dir, ".log").get(0);
      QueuedMessage deferred = messages.get(3);
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Future<Object> held = oneWorker.executeBlocking(() -> {
        started.countDown();
        return release.await(20, TimeUnit.SECONDS);
      }, false);
      assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
      Future<Buffer> read = spool.content(deferred.envelope().id());
      inOneBatch(spool, executor, () -> messages.stream().filter(m -> m != deferred)
          .map(m -> spool.remove(m.envelope().id())).toList());
      await(spool.writerIdle());
      assertThat(spool.compactionCount()).isEqualTo(1);
      assertThat(files(dir, ".log")).doesNotContain(first);
      release.countDown();
      await(held);
      assertThat(await(read)).isEqualTo(deferred.content());
    } finally {
      await(spool.close());
      await(oneWorker.close());
    }
  }

  /** The look-up and the open are two steps even on one thread: a miss between them is looked up again. */
  @Test
  void aBodyMovedBetweenLookUpAndOpenIsReadFromItsNewPlace() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    FileSpool spool = spool(executor);
    List<QueuedMessage> messages = bigMessages(10);
    storeInOneBatch(spool, executor, messages);
    QueuedMessage deferred = messages.get(3);
    String id = deferred.envelope().id();
    SpoolRecords.Location stale = spool.writer().index().location(id);
    inOneBatch(spool, executor, () -> messages.stream().filter(m -> m != deferred)
        .map(m -> spool.remove(m.envelope().id())).toList());
    await(spool.writerIdle());
    assertThat(spool.compactionCount()).isEqualTo(1);
    List<SpoolRecords.Location> asked = new ArrayList<>();
    Buffer read = spool.read(id, key -> {
      SpoolRecords.Location loc = asked.isEmpty() ? stale : spool.writer().index().location(key);
      asked.add(loc);
      return loc;
    });
    assertThat(read).isEqualTo(deferred.content());
    assertThat(asked).hasSize(2).first().isEqualTo(stale);
    assertThat(asked.get(1).file()).isNotEqualTo(stale.file());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
