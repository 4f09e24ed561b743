package io.vmta.smtp.relay.spool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vmta.smtp.core.queue.QueuedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.vmta.smtp.relay.spool.SpoolFixtures.files;
import static io.vmta.smtp.relay.spool.SpoolFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class FileSpoolTest {

  @TempDir
  Path dir;

  @Test
  void storedMessageComesBackAfterRestartWithIdenticalBytesAndEnvelope(Vertx vertx, VertxTestContext tc) {
    QueuedMessage m = message("bob@example.test", "carol@example.net");
    FileSpool first = new FileSpool(vertx, dir);
    first.recover()
        .compose(none -> first.store(m))
        .compose(v -> first.close())
        .compose(v -> {
          FileSpool second = new FileSpool(vertx, dir);
          return second.recover().compose(entries -> second.content(m.envelope().id())
              .map(bytes -> {
                assertThat(entries).hasSize(1);
                assertThat(entries.get(0).envelope()).isEqualTo(m.envelope());
                assertThat(entries.get(0).pendingRecipients()).containsExactly("bob@example.test", "carol@example.net");
                assertThat(entries.get(0).state()).isEqualTo(new JsonObject());
                assertThat(bytes.getBytes()).isEqualTo(m.content().getBytes());
                return second;
              }));
        })
        .compose(FileSpool::close)
        .onComplete(tc.succeedingThenComplete());
  }

  @Test
  void requireTlsAndQuarantineComeBackAfterRestart(Vertx vertx, VertxTestContext tc) {
    QueuedMessage plain = message("bob@example.test");
    QueuedMessage m = new QueuedMessage(plain.envelope().withRequireTls(true).withQuarantine(true), plain.content());
    FileSpool first = new FileSpool(vertx, dir);
    first.recover()
        .compose(none -> first.store(m))
        .compose(v -> first.close())
        .compose(v -> {
          FileSpool second = new FileSpool(vertx, dir);
          return second.recover().map(entries -> {
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).envelope().requireTls()).isTrue();
            assertThat(entries.get(0).envelope()).isEqualTo(m.envelope());
            return second;
          });
        })
        .compose(FileSpool::close)
        .onComplete(tc.succeedingThenComplete());
  }

  @Test
  void markDoneSaveStateAndRemoveAreReflectedAfterRestart(Vertx vertx, VertxTestContext tc) {
    QueuedMessage kept = message("a@example.test", "b@example.test", "c@example.test");
    QueuedMessage removed = message("d@example.test");
    JsonObject state = new JsonObject().put("c@example.test", new JsonObject().put("attempts", 2)
        .put("next", "2026-11-29T11:00:00Z").put("error", "451 4.7.1 try later"));
    FileSpool first = new FileSpool(vertx, dir);
    first.recover()
        .compose(none -> Future.all(first.store(kept), first.store(removed)))
        .compose(v -> first.markDone(kept.envelope().id(), List.of("a@example.test")))
        .compose(v -> first.saveState(kept.envelope().id(), new JsonObject().put("old", true)))
        .compose(v -> first.saveState(kept.envelope().id(), state))
        .compose(v -> first.markDone(kept.envelope().id(), List.of("b@example.test")))
        .compose(v -> first.markDone(removed.envelope().id(), List.of("d@example.test")))
        .compose(v -> first.remove(removed.envelope().id()))
        .compose(v -> first.close())
        .compose(v -> new FileSpool(vertx, dir).recover())
        .onComplete(tc.succeeding(entries -> tc.verify(() -> {
          assertThat(entries).hasSize(1);
          SpoolEntry e = entries.get(0);
          assertThat(e.envelope()).isEqualTo(kept.envelope());
          assertThat(e.pendingRecipients()).containsExactly("c@example.test");
          assertThat(e.state()).isEqualTo(state);
          tc.completeNow();
        })));
  }

  /**
   * The writer thread is held busy while the 100 stores are submitted, so all of them are pending
   * when it starts: they form one batch, which costs exactly one file fsync and one directory
   * fsync. The bound does not depend on timing; a spool that fsyncs per message needs 100 or more.
   */
  @Test
  void concurrentStoresShareOneFsyncRound(Vertx vertx, VertxTestContext tc) throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    FileSpool spool = new FileSpool(vertx, dir, executor);
    spool.recover().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    long fsyncsBefore = spool.fsyncCount();
    CountDownLatch hold = new CountDownLatch(1);
    executor.execute(() -> {
      try {
        hold.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<QueuedMessage> messages = new ArrayList<>();
    List<Future<Void>> stores = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      messages.add(message("r" + i + "@example.test"));
      stores.add(spool.store(messages.get(i)));
    }
    assertThat(spool.pendingCount()).isEqualTo(100);
    hold.countDown();
    Future.all(stores)
        .compose(v -> spool.close())
        .compose(v -> new FileSpool(vertx, dir).recover())
        .onComplete(tc.succeeding(entries -> tc.verify(() -> {
          assertThat(spool.fsyncCount() - fsyncsBefore).isLessThanOrEqualTo(20).isEqualTo(2);
          assertThat(spool.batchCount()).isEqualTo(1);
          assertThat(entries).extracting(SpoolEntry::envelope)
              .containsExactlyInAnyOrderElementsOf(messages.stream().map(QueuedMessage::envelope).toList());
          tc.completeNow();
        })));
  }

  @Test
  void manyUnheldConcurrentStoresAllSurvive(Vertx vertx, VertxTestContext tc) {
    FileSpool spool = new FileSpool(vertx, dir);
    List<QueuedMessage> messages = new ArrayList<>();
    spool.recover().compose(none -> {
      List<Future<Void>> stores = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        messages.add(message("r" + i + "@example.test"));
        stores.add(spool.store(messages.get(i)));
      }
      return Future.all(stores);
    }).compose(v -> spool.close())
        .compose(v -> new FileSpool(vertx, dir).recover())
        .onComplete(tc.succeeding(entries -> tc.verify(() -> {
          assertThat(entries).hasSize(300);
          assertThat(spool.fsyncCount()).isLessThanOrEqualTo(2 * spool.batchCount());
          tc.completeNow();
        })));
  }

  @Test
  void removingEveryMessageFreesEveryFile(Vertx vertx, VertxTestContext tc) {
    QueuedMessage a = message("a@example.test");
    QueuedMessage b = message("b@example.test");
    FileSpool spool = new FileSpool(vertx, dir);
    spool.recover()
        .compose(none -> spool.store(a))
        .compose(v -> spool.store(b))
        .compose(v -> spool.saveState(a.envelope().id(), new JsonObject().put("attempts", 1)))
        .compose(v -> spool.remove(a.envelope().id()))
        .map(v -> {
          tc.verify(() -> assertThat(files(dir, ".log")).isNotEmpty());
          return v;
        })
        .compose(v -> spool.remove(b.envelope().id()))
        .compose(v -> spool.remove(b.envelope().id()))
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(files(dir, ".log")).isEmpty();
          assertThat(files(dir, ".tmp")).isEmpty();
          assertThat(spool.writer().index().fileCount()).isZero();
          tc.completeNow();
        })));
  }

  @Test
  void contentOfUnknownOrRemovedIdFails(Vertx vertx, VertxTestContext tc) {
    QueuedMessage a = message("a@example.test");
    FileSpool spool = new FileSpool(vertx, dir);
    spool.recover()
        .compose(none -> spool.store(a))
        .compose(v -> spool.remove(a.envelope().id()))
        .compose(v -> spool.content(a.envelope().id()))
        .onComplete(tc.failing(e -> tc.verify(() -> {
          assertThat(e).isInstanceOf(NoSuchElementException.class);
          tc.completeNow();
        })));
  }

  @Test
  void updatesOfUnknownIdsAndDuplicateStoresFail(Vertx vertx, VertxTestContext tc) {
    QueuedMessage a = message("a@example.test");
    FileSpool spool = new FileSpool(vertx, dir);
    spool.recover()
        .compose(none -> spool.store(a))
        .compose(v -> spool.store(a).transform(ar -> Future.succeededFuture(ar.failed())))
        .compose(dupFailed -> spool.markDone("0000000000000000NOSUCH", List.of("x@example.test"))
            .transform(ar -> Future.succeededFuture(dupFailed && ar.failed())))
        .onComplete(tc.succeeding(bothFailed -> tc.verify(() -> {
          assertThat(bothFailed).isTrue();
          tc.completeNow();
        })));
  }

  @Test
  void storeFailsWhenTheDirectoryIsGone(Vertx vertx, VertxTestContext tc) {
    Path spoolDir = dir.resolve("spool");
    FileSpool spool = new FileSpool(vertx, spoolDir);
    spool.recover()
        .compose(none -> vertx.fileSystem().deleteRecursive(spoolDir.toString()))
        .compose(v -> spool.store(message("a@example.test")))
        .onComplete(tc.failing(e -> tc.verify(() -> {
          assertThat(spool.writer().index().entries()).isEmpty();
          tc.completeNow();
        })));
  }

  @Test
  void writesAfterCloseFail(Vertx vertx, VertxTestContext tc) {
    FileSpool spool = new FileSpool(vertx, dir);
    spool.recover()
        .compose(none -> spool.close())
        .compose(v -> spool.store(message("a@example.test")))
        .onComplete(tc.failing(e -> tc.verify(() -> {
          assertThat(e).isInstanceOf(IllegalStateException.class);
          tc.completeNow();
        })));
  }
}
