package io.vmta.smtp.relay.spool;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.relay.spool.SpoolIndex.Msg;
import io.vmta.smtp.relay.spool.SpoolRecords.Location;
import io.vmta.smtp.relay.spool.SpoolRecords.Parsed;
import io.vmta.smtp.relay.spool.SpoolRecords.Scan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/** The spool's file work; every method runs on the single writer thread. See {@link FileSpool}. */
final class SpoolWriter {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolWriter.class);
  static final long MAX_BATCH_BYTES = 16L << 20;
  static final String LOG_SUFFIX = ".log";
  static final String TMP_SUFFIX = ".tmp";
  static final String CORRUPT_DIR = "corrupt";
  /** A file is compacted only when this many of its bytes are dead (and more than half of it). */
  static final long DEFAULT_COMPACT_MIN_DEAD_BYTES = 4L << 20;

  /** A write operation waiting for the next batch, completed on its caller's context. */
  record Op(byte type, String id, QueuedMessage message, List<String> done, JsonObject state,
            Context ctx, Promise<Void> promise) {
    long size() {
      return message == null ? 256 : message.content().length() + 1024L;
    }

    void succeed() {
      ctx.runOnContext(v -> promise.complete());
    }

    void fail(Throwable cause) {
      ctx.runOnContext(v -> promise.fail(cause));
    }
  }

  private record Rec(byte type, JsonObject json, Buffer blob) {
  }

  private record View(Envelope envelope, Set<String> done, JsonObject state) {
  }

  final AtomicLong fsyncs = new AtomicLong();
  final AtomicLong batches = new AtomicLong();
  private final Path dir;
  private final SpoolIndex index = new SpoolIndex();
  private final Set<String> corrupt = new HashSet<>();
  final AtomicLong compactions = new AtomicLong();
  private final long compactMinDeadBytes;
  /** The size of every file on disk, to judge how much of it is dead. */
  private final Map<String, Long> sizes = new HashMap<>();
  private boolean loaded;
  private long nextSeq;

  SpoolWriter(Path dir) {
    this(dir, DEFAULT_COMPACT_MIN_DEAD_BYTES);
  }

  SpoolWriter(Path dir, long compactMinDeadBytes) {
    this.dir = dir;
    this.compactMinDeadBytes = compactMinDeadBytes;
  }

  SpoolIndex index() {
    return index;
  }

  Path path(String file) {
    return dir.resolve(file + LOG_SUFFIX);
  }

  /** Takes up to one batch of operations from {@code pending}, writes and commits them. */
  void flush(Queue<Op> pending) {
    List<Op> batch = new ArrayList<>();
    long bytes = 0;
    Op next;
    while (bytes < MAX_BATCH_BYTES && (next = pending.poll()) != null) {
      batch.add(next);
      bytes += next.size();
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      load();
    } catch (IOException | RuntimeException e) {
      LOG.error("spool {} cannot be opened: {}", dir, e.toString());
      batch.forEach(op -> op.fail(e));
      return;
    }
    List<Rec> recs = new ArrayList<>();
    List<Op> accepted = new ArrayList<>();
    Map<String, View> view = new HashMap<>();
    for (Op op : batch) {
      try {
        stage(op, view, recs);
        accepted.add(op);
      } catch (RuntimeException e) {
        LOG.warn("{}: spool refused {}: {}", op.id(), typeName(op.type()), e.getMessage());
        op.fail(e);
      }
    }
    if (!recs.isEmpty()) {
      try {
        String file = commit(recs);
        accepted.forEach(op -> LOG.debug("{}: spool {} committed in {}", op.id(), typeName(op.type()), file));
      } catch (IOException | RuntimeException e) {
        accepted.forEach(op -> LOG.error("{}: spool {} failed: {}", op.id(), typeName(op.type()), e.toString()));
        accepted.forEach(op -> op.fail(e));
        return;
      }
    }
    accepted.forEach(Op::succeed);
    cleanup();
    compactOne();
  }

  private void stage(Op op, Map<String, View> view, List<Rec> recs) {
    View current = view.containsKey(op.id()) ? view.get(op.id()) : fromIndex(op.id());
    switch (op.type()) {
      case SpoolRecords.STORE -> {
        if (!QueueId.isValid(op.id())) {
          throw new IllegalArgumentException("not a queue id: " + op.id());
        }
        if (current != null) {
          throw new IllegalStateException("queue id already in the spool");
        }
        Envelope env = op.message().envelope();
        recs.add(new Rec(SpoolRecords.STORE, env.toJson(), op.message().content()));
        view.put(op.id(), new View(env, Set.of(), new JsonObject()));
      }
      case SpoolRecords.META -> {
        if (current == null) {
          throw new IllegalStateException("queue id not in the spool");
        }
        Set<String> done = new LinkedHashSet<>(current.done());
        done.addAll(op.done());
        JsonObject state = op.state() == null ? current.state() : op.state();
        recs.add(new Rec(SpoolRecords.META, SpoolIndex.metaJson(op.id(), done, state), null));
        view.put(op.id(), new View(current.envelope(), done, state));
      }
      case SpoolRecords.REMOVE -> {
        if (current != null) {
          recs.add(new Rec(SpoolRecords.REMOVE, new JsonObject().put("id", op.id()), null));
          view.put(op.id(), null);
        }
      }
      default -> throw new IllegalArgumentException("operation " + op.type());
    }
  }

  private View fromIndex(String id) {
    Msg m = index.get(id);
    return m == null ? null : new View(m.envelope(), m.done(), m.state());
  }

  /** Writes one batch file, fsyncs it, renames it and fsyncs the directory; then applies it. */
  private String commit(List<Rec> recs) throws IOException {
    String name = String.format("%016d", nextSeq++);
    Path tmp = dir.resolve(name + TMP_SUFFIX);
    Path done = path(name);
    List<Location> locs = new ArrayList<>(recs.size());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (Rec rec : recs) {
          locs.add(SpoolRecords.write(ch, name, rec.type(), rec.json(), rec.blob()));
        }
        SpoolRecords.writeEnd(ch, name, recs.size());
        ch.force(true);
        fsyncs.incrementAndGet();
      }
      Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
      syncDir(dir);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp);
      deleteQuietly(done);
      throw e;
    }
    batches.incrementAndGet();
    index.addFile(name);
    sizes.put(name, locs.isEmpty() ? 0 : locs.get(locs.size() - 1).end());
    for (int i = 0; i < recs.size(); i++) {
      index.apply(recs.get(i).type(), recs.get(i).json(), locs.get(i));
    }
    return name;
  }

  /** Replays the directory once: deletes unfinished batches, salvages damaged files, frees the rest. */
  void load() throws IOException {
    if (loaded) {
      return;
    }
    Files.createDirectories(dir);
    long maxSeq = 0;
    TreeSet<String> logs = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!Files.isRegularFile(p) || !(n.endsWith(TMP_SUFFIX) || n.endsWith(LOG_SUFFIX))) {
          continue;
        }
        String base = n.substring(0, n.length() - 4);
        maxSeq = Math.max(maxSeq, seq(base));
        if (n.endsWith(TMP_SUFFIX)) {
          LOG.info("spool: deleting unfinished batch {}", n);
          Files.delete(p);
        } else if (seq(base) > 0) {
          logs.add(base);
        }
      }
    }
    for (String file : logs) {
      index.addFile(file);
      sizes.put(file, Files.size(path(file)));
      Scan scan = SpoolRecords.scan(path(file), file);
      boolean damaged = scan.damaged();
      for (Parsed p : scan.records()) {
        try {
          index.apply(p.type(), p.json(), p.location());
        } catch (RuntimeException e) {
          damaged = true;
        }
      }
      if (damaged) {
        LOG.warn("spool: file {} is damaged (first bad record at offset {}); salvaging its valid records",
            file, scan.damageOffset());
        corrupt.add(file);
      }
    }
    nextSeq = maxSeq + 1;
    loaded = true;
    for (String file : new TreeSet<>(corrupt)) {
      salvage(file);
    }
    cleanup();
    compactOne();
  }

  /** Rewrites what is still needed from a damaged file into a new batch, so it can be set aside. */
  private void salvage(String file) throws IOException {
    String to = rewrite(file, id -> corrupt.contains(index.get(id).store().file()));
    if (to != null) {
      LOG.warn("spool: rewrote the records still needed of damaged file {} into {}", file, to);
    }
  }

  /** Compacts the file {@link SpoolCompaction#pick} chooses, if any; then deletes it. */
  private void compactOne() {
    SpoolCompaction.Candidate worst = SpoolCompaction.pick(index, sizes, corrupt, compactMinDeadBytes);
    if (worst == null) {
      return;
    }
    String file = worst.file();
    try {
      String to = rewrite(file, id -> index.get(id).store().file().equals(file));
      compactions.incrementAndGet();
      LOG.info("spool: compacted {} ({} dead bytes) into {}", file, worst.deadBytes(), to);
      cleanup();
    } catch (IOException | RuntimeException e) {
      LOG.warn("spool: cannot compact {}: {}", file, e.toString());
    }
  }

  /**
   * Writes the records of {@code file} that are still needed into a new batch: the STORE record
   * (with its body) of each live message for which {@code restore} says so, the current META of
   * every live message whose records lie there (after its STORE, so that replay applies it), and
   * the REMOVE records that still guard a STORE elsewhere. Returns the new file, or null if
   * nothing was needed.
   */
  private String rewrite(String file, java.util.function.Predicate<String> restore) throws IOException {
    List<Rec> recs = new ArrayList<>();
    for (String id : index.liveIn(file)) {
      Msg m = index.get(id);
      if (restore.test(id)) {
        Buffer content = SpoolRecords.readBlob(path(m.store().file()), m.store());
        recs.add(new Rec(SpoolRecords.STORE, m.envelope().toJson(), content));
      }
      if (m.metaFile() != null) {
        recs.add(new Rec(SpoolRecords.META, SpoolIndex.metaJson(id, m.done(), m.state()), null));
      }
    }
    for (String id : index.tombstonesIn(file)) {
      recs.add(new Rec(SpoolRecords.REMOVE, new JsonObject().put("id", id), null));
    }
    return recs.isEmpty() ? null : commit(recs);
  }

  /** Deletes (or, for damaged ones, moves to corrupt/) the files nothing needs, tombstones last. */
  private void cleanup() {
    List<String> unneeded;
    while (!(unneeded = index.unneeded()).isEmpty()) {
      try {
        for (String file : unneeded) {
          if (corrupt.remove(file)) {
            Path target = dir.resolve(CORRUPT_DIR);
            Files.createDirectories(target);
            Files.move(path(file), target.resolve(file + LOG_SUFFIX), StandardCopyOption.REPLACE_EXISTING);
            syncDir(target);
            LOG.warn("spool: damaged file {} moved to {}", file, target);
          } else {
            Files.deleteIfExists(path(file));
          }
          index.fileGone(file);
          sizes.remove(file);
        }
        syncDir(dir);
      } catch (IOException e) {
        LOG.warn("spool: cannot free files in {}: {}", dir, e.toString());
        return;
      }
    }
  }

  private void syncDir(Path d) throws IOException {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    }
    fsyncs.incrementAndGet();
  }

  private static long seq(String base) {
    try {
      return base.length() == 16 ? Long.parseLong(base) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // Best effort: a leftover .tmp is deleted at the next start; a leftover .log is replayed.
    }
  }

  private static String typeName(byte type) {
    return switch (type) {
      case SpoolRecords.STORE -> "store";
      case SpoolRecords.META -> "update";
      default -> "remove";
    };
  }
}
