package io.vmta.smtp.relay.spool;

import io.vmta.smtp.relay.spool.SpoolRecords.Location;

import java.util.Map;
import java.util.Set;

/**
 * Which spool file to compact. A file stays on disk as long as one record in it is needed, so a
 * message deferred for days would keep a whole batch (up to {@link SpoolWriter#MAX_BATCH_BYTES})
 * alive. The file with the most dead bytes is chosen when they are at least the threshold and
 * more than half of it: its needed records are then rewritten into a new batch and it is deleted.
 * The rewrite costs at most what it frees, so compaction at most doubles the bytes written.
 */
final class SpoolCompaction {

  /** Bookkeeping bytes counted per live META or REMOVE record when judging a file. */
  static final long SMALL_RECORD_BYTES = 512;

  /** A file worth compacting and how many of its bytes are dead. */
  record Candidate(String file, long deadBytes) {
  }

  private SpoolCompaction() {
  }

  /** The file to compact now, or null; damaged files are left to salvage. */
  static Candidate pick(SpoolIndex index, Map<String, Long> sizes, Set<String> corrupt, long minDeadBytes) {
    Candidate worst = null;
    for (String file : index.files()) {
      long live = liveBytes(index, file);
      long dead = sizes.getOrDefault(file, 0L) - live;
      if (dead >= minDeadBytes && dead > live && !corrupt.contains(file)
          && (worst == null || dead > worst.deadBytes())) {
        worst = new Candidate(file, dead);
      }
    }
    return worst;
  }

  /** The bytes of {@code file} that are still needed: the bodies stored in it, and its small records. */
  static long liveBytes(SpoolIndex index, String file) {
    long bytes = SMALL_RECORD_BYTES * index.tombstonesIn(file).size();
    for (String id : index.liveIn(file)) {
      Location store = index.get(id).store();
      bytes += store.file().equals(file) ? store.end() - store.offset() : SMALL_RECORD_BYTES;
    }
    return bytes;
  }
}
