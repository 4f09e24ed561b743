package io.vmta.smtp.relay.spool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.relay.spool.SpoolRecords.Location;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A spool of batch files with real group commit: every write operation that arrives while the
 * writer is busy joins the next batch, and a batch costs two fsyncs whatever its size.
 *
 * <p>Design: one dedicated writer thread drains all pending operations into one new file
 * {@code <seq>.tmp} (records: STORE = envelope + bytes, META = done-set + state, REMOVE), fsyncs
 * it, renames it to {@code <seq>.log} and fsyncs the directory; only then are the futures of the
 * whole batch completed (on their callers' contexts). Files are never appended to after the
 * rename, so a crash can only leave a {@code .tmp} behind, which recovery deletes. Every record
 * carries lengths and a CRC32; a damaged {@code .log} is salvaged record by record, its live
 * records are rewritten into a new batch and the file is moved to {@code corrupt/}. Only the
 * location of each body is kept in memory; {@link #content} reads it back and checks its CRC. A
 * file is deleted as soon as {@link SpoolIndex} says nothing in it is needed any more.
 *
 * <p>Why not one file per message: each message file would need its own fsync before the reply,
 * so durability would again cap throughput at the disk's fsync rate; here it is one file fsync
 * and one directory fsync per batch. The price is that a file lives as long as its longest-lived
 * message, unless it is compacted: a file more than half dead, by at least 4 MiB, has its live
 * records rewritten into a new batch and is deleted (see {@link SpoolCompaction}).
 *
 * <p>Call {@link #recover()} once at start-up, before anything else.
 */
public final class FileSpool implements Spool {

  /** How many places {@link #read} tries for one body: a compaction per miss makes more unlikely. */
  private static final int MAX_READ_TRIES = 3;

  private final Vertx vertx;
  private final SpoolWriter writer;
  private final ExecutorService executor;
  private final ConcurrentLinkedQueue<SpoolWriter.Op> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A spool in {@code directory}, created if needed, with its own writer thread. */
  public FileSpool(Vertx vertx, Path directory) {
    this(vertx, directory, Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "vmta-spool-writer");
      t.setDaemon(true);
      return t;
    }));
  }

  /** For tests: the single-threaded executor the writer runs on. */
  FileSpool(Vertx vertx, Path directory, ExecutorService executor) {
    this(vertx, directory, executor, SpoolWriter.DEFAULT_COMPACT_MIN_DEAD_BYTES);
  }

  /** For tests: with the dead bytes from which a file is compacted. */
  FileSpool(Vertx vertx, Path directory, ExecutorService executor, long compactMinDeadBytes) {
    this.vertx = vertx;
    this.executor = executor;
    this.writer = new SpoolWriter(directory, compactMinDeadBytes);
  }

  /** For tests: completes once the writer has finished what it was given before (compaction included). */
  Future<Void> writerIdle() {
    return onWriter(() -> null);
  }

  /** Number of files compacted so far. */
  long compactionCount() {
    return writer.compactions.get();
  }

  /** Number of fsync calls so far (files and directories). */
  long fsyncCount() {
    return writer.fsyncs.get();
  }

  /** Number of batches committed so far. */
  long batchCount() {
    return writer.batches.get();
  }

  /** The writer, for white-box tests. */
  SpoolWriter writer() {
    return writer;
  }

  @Override
  public Future<Void> store(QueuedMessage message) {
    return submit(SpoolRecords.STORE, message.envelope().id(), message, null, null);
  }

  @Override
  public Future<Void> markDone(String id, List<String> recipients) {
    return submit(SpoolRecords.META, id, null, List.copyOf(recipients), null);
  }

  @Override
  public Future<Void> saveState(String id, JsonObject state) {
    return submit(SpoolRecords.META, id, null, List.of(), state.copy());
  }

  @Override
  public Future<Void> remove(String id) {
    return submit(SpoolRecords.REMOVE, id, null, null, null);
  }

  @Override
  public Future<Buffer> content(String id) {
    return vertx.executeBlocking(() -> read(id, writer.index()::location), false);
  }

  /**
   * Reads the body of {@code id} from where {@code locate} says it is, on the calling (worker)
   * thread. Compaction on the writer thread may rewrite it into a new file and delete the old
   * one between the look-up and the open; the index names the new place before the old file
   * goes, so a missing file is looked up again (a few times: each miss needs a compaction).
   */
  Buffer read(String id, Function<String, Location> locate) throws IOException {
    Location loc = locate.apply(id);
    for (int tries = 1; ; tries++) {
      if (loc == null) {
        throw new NoSuchElementException(id + ": not in the spool");
      }
      try {
        return SpoolRecords.readBlob(writer.path(loc.file()), loc);
      } catch (NoSuchFileException e) {
        Location now = locate.apply(id);
        if (loc.equals(now) || tries >= MAX_READ_TRIES) {
          throw e;
        }
        loc = now;
      }
    }
  }

  @Override
  public Future<List<SpoolEntry>> recover() {
    return onWriter(() -> {
      writer.load();
      return writer.index().entries();
    });
  }

  @Override
  public Future<Void> close() {
    if (!closed.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    Future<Void> done = onWriter(() -> {
      while (!pending.isEmpty()) {
        writer.flush(pending);
      }
      return null;
    });
    executor.shutdown();
    return done;
  }

  private Future<Void> submit(byte type, String id, QueuedMessage message, List<String> done, JsonObject state) {
    if (closed.get()) {
      return Future.failedFuture(new IllegalStateException("spool closed"));
    }
    Context ctx = vertx.getOrCreateContext();
    Promise<Void> promise = Promise.promise();
    pending.add(new SpoolWriter.Op(type, id, message, done, state, ctx, promise));
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        SpoolWriter.Op op;
        while ((op = pending.poll()) != null) {
          op.fail(new IllegalStateException("spool closed"));
        }
      }
    }
    return promise.future();
  }

  /** Runs on the writer: batch after batch, while operations keep arriving. */
  private void drain() {
    while (true) {
      writer.flush(pending);
      if (pending.isEmpty()) {
        scheduled.set(false);
        if (pending.isEmpty() || !scheduled.compareAndSet(false, true)) {
          return;
        }
      }
    }
  }

  private <T> Future<T> onWriter(Callable<T> task) {
    Context ctx = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    try {
      executor.execute(() -> {
        try {
          T result = task.call();
          ctx.runOnContext(v -> promise.complete(result));
        } catch (Exception | Error e) {
          ctx.runOnContext(v -> promise.fail(e));
        }
      });
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(new IllegalStateException("spool closed"));
    }
    return promise.future();
  }

  /** Pending operations not yet taken by the writer (for tests). */
  int pendingCount() {
    return pending.size();
  }
}
