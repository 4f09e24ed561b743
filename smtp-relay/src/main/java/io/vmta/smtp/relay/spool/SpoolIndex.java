package io.vmta.smtp.relay.spool;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.relay.spool.SpoolRecords.Location;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the spool files say, replayed in file order, and which files are still needed. Owned by the
 * spool's writer thread; only {@link #location} may be called from other threads.
 *
 * <p>A file is needed while it holds the current STORE or META record of a live message, or the
 * REMOVE record of a message whose STORE record still lies in another file (deleting that
 * tombstone first would bring the message back on replay). Every other file can be deleted.
 */
final class SpoolIndex {

  /** A live message: envelope, where its bytes are, and the file of its current META record. */
  record Msg(Envelope envelope, Location store, Set<String> done, JsonObject state, String metaFile) {
  }

  /** Bookkeeping of one file on disk. */
  private static final class FileRefs {
    final Set<String> live = new HashSet<>();
    final Set<String> tombstones = new HashSet<>();
    final Set<String> stores = new HashSet<>();
  }

  private final Map<String, Msg> live = new TreeMap<>();
  private final Map<String, Location> locations = new ConcurrentHashMap<>();
  private final Map<String, FileRefs> files = new HashMap<>();
  private final Map<String, Set<String>> storeFiles = new HashMap<>();
  private final Map<String, String> tombstoneOf = new HashMap<>();

  /** Registers a file on disk, before records of it are applied. */
  void addFile(String file) {
    files.computeIfAbsent(file, f -> new FileRefs());
  }

  /** The live message with this id, or {@code null}. */
  Msg get(String id) {
    return live.get(id);
  }

  /** Where the bytes of message id are, or {@code null}; safe from any thread. */
  Location location(String id) {
    return locations.get(id);
  }

  /** Applies one record, read back or just written; throws on a record that makes no sense. */
  void apply(byte type, JsonObject json, Location loc) {
    switch (type) {
      case SpoolRecords.STORE -> store(Envelope.fromJson(json), loc);
      case SpoolRecords.META -> meta(json, loc.file());
      case SpoolRecords.REMOVE -> remove(json.getString("id"), loc.file());
      default -> throw new IllegalArgumentException("record type " + type);
    }
  }

  /** The JSON of a META record. */
  static JsonObject metaJson(String id, Set<String> done, JsonObject state) {
    return new JsonObject().put("id", id).put("done", new JsonArray(new ArrayList<>(done))).put("state", state);
  }

  private void store(Envelope envelope, Location loc) {
    String id = envelope.id();
    Msg before = live.get(id);
    Msg after = before == null
        ? new Msg(envelope, loc, Set.of(), new JsonObject(), null)
        : new Msg(before.envelope(), loc, before.done(), before.state(), before.metaFile());
    files.get(loc.file()).stores.add(id);
    storeFiles.computeIfAbsent(id, k -> new HashSet<>()).add(loc.file());
    relink(id, before, after);
  }

  private void meta(JsonObject json, String file) {
    String id = json.getString("id");
    Msg before = live.get(id);
    if (before == null) {
      return;
    }
    Set<String> done = new LinkedHashSet<>();
    json.getJsonArray("done", new JsonArray()).forEach(r -> done.add(String.valueOf(r)));
    JsonObject state = json.getJsonObject("state", new JsonObject());
    relink(id, before, new Msg(before.envelope(), before.store(), Set.copyOf(done), state, file));
  }

  private void remove(String id, String file) {
    Msg before = live.get(id);
    relink(id, before, null);
    String oldTombstone = tombstoneOf.remove(id);
    if (oldTombstone != null) {
      files.get(oldTombstone).tombstones.remove(id);
    }
    if (storeFiles.containsKey(id)) {
      tombstoneOf.put(id, file);
      files.get(file).tombstones.add(id);
    }
  }

  private void relink(String id, Msg before, Msg after) {
    Set<String> oldFiles = before == null ? Set.of() : filesOf(before);
    Set<String> newFiles = after == null ? Set.of() : filesOf(after);
    for (String f : oldFiles) {
      if (!newFiles.contains(f)) {
        files.get(f).live.remove(id);
      }
    }
    for (String f : newFiles) {
      files.get(f).live.add(id);
    }
    if (after == null) {
      live.remove(id);
      locations.remove(id);
    } else {
      live.put(id, after);
      locations.put(id, after.store());
    }
  }

  private static Set<String> filesOf(Msg msg) {
    Set<String> set = new HashSet<>(2);
    set.add(msg.store().file());
    if (msg.metaFile() != null) {
      set.add(msg.metaFile());
    }
    return set;
  }

  /** Files no longer needed, in name order. */
  List<String> unneeded() {
    return files.entrySet().stream()
        .filter(e -> e.getValue().live.isEmpty() && e.getValue().tombstones.isEmpty())
        .map(Map.Entry::getKey).sorted().toList();
  }

  /** Live ids whose current STORE or META record lies in this file. */
  Set<String> liveIn(String file) {
    FileRefs refs = files.get(file);
    return refs == null ? Set.of() : Set.copyOf(refs.live);
  }

  /** Removed ids whose REMOVE record in this file still guards a STORE record elsewhere. */
  Set<String> tombstonesIn(String file) {
    FileRefs refs = files.get(file);
    return refs == null ? Set.of() : Set.copyOf(refs.tombstones);
  }

  /** Forgets a file once it is gone from the directory; may free tombstone files. */
  void fileGone(String file) {
    FileRefs refs = files.remove(file);
    if (refs == null) {
      return;
    }
    for (String id : refs.stores) {
      Set<String> where = storeFiles.get(id);
      if (where != null && where.remove(file) && where.isEmpty()) {
        storeFiles.remove(id);
        String tombstone = tombstoneOf.remove(id);
        if (tombstone != null && files.containsKey(tombstone)) {
          files.get(tombstone).tombstones.remove(id);
        }
      }
    }
  }

  /** Snapshot of the live messages, in id (that is, arrival) order. */
  List<SpoolEntry> entries() {
    List<SpoolEntry> out = new ArrayList<>(live.size());
    for (Msg m : live.values()) {
      List<String> pending = m.envelope().recipients().stream().filter(r -> !m.done().contains(r)).toList();
      out.add(new SpoolEntry(m.envelope(), pending, m.state().copy()));
    }
    return out;
  }

  /** The files the index knows about, in name order. */
  List<String> files() {
    return files.keySet().stream().sorted().toList();
  }

  /** Number of files the index knows about (for tests). */
  int fileCount() {
    return files.size();
  }
}
