package io.vmta.smtp.relay.spool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.relay.spool.SpoolRecords.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.vmta.smtp.relay.spool.SpoolFixtures.files;
import static io.vmta.smtp.relay.spool.SpoolFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damage at any byte: what recovery keeps is byte-identical, nothing crashes, damage is set aside. */
@ExtendWith(VertxExtension.class)
class FileSpoolCrashTest {

  @TempDir
  Path dir;

  @Test
  void everyTruncationOfABatchKeepsOnlyIntactMessages(Vertx vertx) throws Exception {
    List<QueuedMessage> ab = List.of(message("a@example.test"), message("b@example.test"));
    Path original = storeInOneBatch(vertx, dir.resolve("src"), ab);
    byte[] bytes = Files.readAllBytes(original);
    long endOfA = locationOf(dir.resolve("src"), ab.get(0)).end();
    long endOfB = locationOf(dir.resolve("src"), ab.get(1)).end();
    for (int cut : positions(bytes.length, endOfA, endOfB)) {
      Path d = Files.createDirectories(dir.resolve("cut" + cut));
      Files.write(d.resolve(original.getFileName()), Arrays.copyOf(bytes, cut));
      Map<String, Buffer> recovered = load(d);
      assertIntact(recovered, ab);
      assertThat(recovered.containsKey(ab.get(0).envelope().id())).as("A after cut %d", cut).isEqualTo(cut >= endOfA);
      assertThat(recovered.containsKey(ab.get(1).envelope().id())).as("B after cut %d", cut).isEqualTo(cut >= endOfB);
      assertThat(files(d, ".log")).doesNotContain(original.getFileName().toString());
      assertThat(load(d).keySet()).as("second restart after cut %d", cut).isEqualTo(recovered.keySet());
    }
  }

  @Test
  void byteFlipsAcrossTheFileAreDetectedAndSetAside(Vertx vertx) throws Exception {
    List<QueuedMessage> ab = List.of(message("a@example.test"), message("b@example.test"));
    Path original = storeInOneBatch(vertx, dir.resolve("src"), ab);
    byte[] bytes = Files.readAllBytes(original);
    long endOfA = locationOf(dir.resolve("src"), ab.get(0)).end();
    long endOfB = locationOf(dir.resolve("src"), ab.get(1)).end();
    for (int i : positions(bytes.length, endOfA, endOfB)) {
      Path d = Files.createDirectories(dir.resolve("flip" + i));
      byte[] damaged = bytes.clone();
      damaged[i] ^= 0x5A;
      Files.write(d.resolve(original.getFileName()), damaged);
      Map<String, Buffer> recovered = load(d);
      assertIntact(recovered, ab);
      // The flipped record is lost, the scan finds the next one by its magic number.
      assertThat(recovered.containsKey(ab.get(0).envelope().id())).as("A, flip at %d", i).isEqualTo(i >= endOfA);
      assertThat(recovered.containsKey(ab.get(1).envelope().id())).as("B, flip at %d", i)
          .isEqualTo(i < endOfA || i >= endOfB);
      assertThat(files(d.resolve(SpoolWriter.CORRUPT_DIR), ".log")).containsExactly(original.getFileName().toString());
      assertThat(load(d).keySet()).isEqualTo(recovered.keySet());
    }
  }

  @Test
  void leftoverTmpFilesAreDeletedAndIgnored(Vertx vertx) throws Exception {
    QueuedMessage a = message("a@example.test");
    Path original = storeInOneBatch(vertx, dir, List.of(a));
    byte[] bytes = Files.readAllBytes(original);
    Files.write(dir.resolve("0000000000000007.tmp"), Arrays.copyOf(bytes, bytes.length - 3));
    byte[] garbage = new byte[4000];
    new Random(42).nextBytes(garbage);
    Files.write(dir.resolve("0000000000000009.tmp"), garbage);
    Files.write(dir.resolve("0000000000000010.tmp"), new byte[0]);

    FileSpool spool = new FileSpool(vertx, dir);
    List<SpoolEntry> entries = await(spool.recover());
    assertThat(entries).extracting(SpoolEntry::envelope).containsExactly(a.envelope());
    assertThat(files(dir, ".tmp")).isEmpty();
    QueuedMessage b = message("b@example.test");
    await(spool.store(b));
    assertThat(files(dir, ".log")).contains("0000000000000011.log");
    assertThat(await(spool.content(b.envelope().id())).getBytes()).isEqualTo(b.content().getBytes());
    await(spool.close());
  }

  @Test
  void corruptRecordIsNeverServedAndItsFileMovesToCorrupt(Vertx vertx) throws Exception {
    List<QueuedMessage> ab = List.of(message("a@example.test"), message("b@example.test"));
    ExecutorService executor = Executors.newSingleThreadExecutor();
    FileSpool spool = new FileSpool(vertx, dir, executor);
    await(spool.recover());
    await(inOneBatch(spool, executor, ab));
    Location a = spool.writer().index().location(ab.get(0).envelope().id());
    Path file = spool.writer().path(a.file());
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) a.end() - 10] ^= 1;
    Files.write(file, bytes);
    assertThatThrownBy(() -> await(spool.content(ab.get(0).envelope().id()))).hasMessageContaining("CRC");
    await(spool.close());

    FileSpool restarted = new FileSpool(vertx, dir);
    assertThat(await(restarted.recover())).extracting(SpoolEntry::envelope).containsExactly(ab.get(1).envelope());
    assertThat(await(restarted.content(ab.get(1).envelope().id())).getBytes()).isEqualTo(ab.get(1).content().getBytes());
    assertThat(files(dir.resolve(SpoolWriter.CORRUPT_DIR), ".log")).containsExactly(a.file() + ".log");
    assertThat(files(dir, ".log")).doesNotContain(a.file() + ".log").hasSize(1);
    await(restarted.close());
  }

  @Test
  void salvageKeepsTheProgressOfUndamagedRecords(Vertx vertx) throws Exception {
    List<QueuedMessage> ab = List.of(message("a1@example.test", "a2@example.test"),
        message("b1@example.test", "b2@example.test"));
    ExecutorService executor = Executors.newSingleThreadExecutor();
    FileSpool spool = new FileSpool(vertx, dir, executor);
    await(spool.recover());
    await(inOneBatch(spool, executor, ab));
    String idA = ab.get(0).envelope().id();
    String idB = ab.get(1).envelope().id();
    await(inOneBatch(executor, () -> List.of(spool.markDone(idA, List.of("a1@example.test")),
        spool.markDone(idB, List.of("b1@example.test")))));
    await(spool.close());
    List<String> logs = files(dir, ".log");
    assertThat(logs).hasSize(2);
    Path metaFile = dir.resolve(logs.get(1));
    Location metaOfB = SpoolRecords.scan(metaFile, "meta").records().stream()
        .filter(r -> idB.equals(r.json().getString("id"))).findFirst().orElseThrow().location();
    byte[] bytes = Files.readAllBytes(metaFile);
    bytes[(int) metaOfB.end() - 1] ^= 1;
    Files.write(metaFile, bytes);

    for (int restart = 0; restart < 2; restart++) {
      FileSpool again = new FileSpool(vertx, dir);
      Map<String, List<String>> pending = await(again.recover()).stream()
          .collect(Collectors.toMap(e -> e.envelope().id(), SpoolEntry::pendingRecipients));
      assertThat(pending).containsEntry(idA, List.of("a2@example.test"))
          .containsEntry(idB, List.of("b1@example.test", "b2@example.test"));
      await(again.close());
    }
    assertThat(files(dir.resolve(SpoolWriter.CORRUPT_DIR), ".log")).containsExactly(logs.get(1));
  }

  /** Every offset within 40 bytes of a record boundary, every fifth one elsewhere (keeps it fast). */
  private static List<Integer> positions(int length, long... boundaries) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      final int at = i;
      boolean near = at < 40 || Arrays.stream(boundaries).anyMatch(b -> Math.abs(b - at) < 40);
      if (near || at % 5 == 0) {
        out.add(at);
      }
    }
    return out;
  }

  private static Path storeInOneBatch(Vertx vertx, Path d, List<QueuedMessage> messages) throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    FileSpool spool = new FileSpool(vertx, d, executor);
    await(spool.recover());
    await(inOneBatch(spool, executor, messages));
    await(spool.close());
    assertThat(spool.batchCount()).isEqualTo(1);
    List<String> logs = files(d, ".log");
    assertThat(logs).hasSize(1);
    return d.resolve(logs.get(0));
  }

  private static Future<?> inOneBatch(FileSpool spool, ExecutorService executor, List<QueuedMessage> messages) {
    return inOneBatch(executor, () -> messages.stream().map(spool::store).toList());
  }

  /** Holds the writer thread while the operations are submitted, so that they share one batch. */
  private static Future<?> inOneBatch(ExecutorService executor, java.util.function.Supplier<List<Future<Void>>> ops) {
    CountDownLatch hold = new CountDownLatch(1);
    executor.execute(() -> {
      try {
        hold.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<Future<Void>> futures = new ArrayList<>(ops.get());
    hold.countDown();
    return Future.all(futures);
  }

  private static Location locationOf(Path d, QueuedMessage m) throws Exception {
    SpoolWriter writer = new SpoolWriter(d);
    writer.load();
    return writer.index().location(m.envelope().id());
  }

  /** Recovers {@code d} synchronously, as a restart would, and reads back every body. */
  private static Map<String, Buffer> load(Path d) throws Exception {
    SpoolWriter writer = new SpoolWriter(d);
    writer.load();
    List<SpoolEntry> entries = writer.index().entries();
    Map<String, Buffer> out = new java.util.HashMap<>();
    for (SpoolEntry e : entries) {
      Location loc = writer.index().location(e.envelope().id());
      out.put(e.envelope().id(), SpoolRecords.readBlob(writer.path(loc.file()), loc));
    }
    return out;
  }

  private static void assertIntact(Map<String, Buffer> recovered, List<QueuedMessage> originals) {
    Map<String, QueuedMessage> byId = originals.stream()
        .collect(Collectors.toMap(m -> m.envelope().id(), Function.identity()));
    recovered.forEach((id, body) -> {
      assertThat(byId).containsKey(id);
      assertThat(body.getBytes()).isEqualTo(byId.get(id).content().getBytes());
    });
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
