package io.vmta.smtp.relay.spool;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The record format of spool files. A file is a sequence of records, each
 * {@code magic(4) version(1) type(1) jsonLength(4) blobLength(4) json blob crc32(4)}, big-endian,
 * the CRC32 covering every byte before it. STORE carries the envelope as JSON and the message as
 * blob; META the full done-set and state of one id; REMOVE only the id.
 */
final class SpoolRecords {

  static final int MAGIC = 0x564D5351;
  static final byte VERSION = 1;
  static final byte STORE = 1;
  static final byte META = 2;
  static final byte REMOVE = 3;
  static final byte END = 4;
  static final int HEADER = 14;
  static final int TRAILER = 4;
  static final int MAX_JSON = 16 << 20;
  private static final int CHUNK = 64 * 1024;

  /** Where a record lies: file name, offset of its first byte, and the two lengths. */
  record Location(String file, long offset, int jsonLength, int blobLength) {
    long end() {
      return offset + HEADER + jsonLength + (long) blobLength + TRAILER;
    }
  }

  /** A record read back from a file. */
  record Parsed(byte type, JsonObject json, Location location) {
  }

  /** All valid records of a file, and the offset of the first damage ({@code -1} if none). */
  record Scan(List<Parsed> records, long damageOffset) {
    boolean damaged() {
      return damageOffset >= 0;
    }
  }

  private SpoolRecords() {
  }

  /** Appends one record at the channel's position and returns where it lies. */
  static Location write(FileChannel ch, String file, byte type, JsonObject json, Buffer blob) throws IOException {
    long offset = ch.position();
    byte[] j = json.toBuffer().getBytes();
    byte[] b = blob == null ? new byte[0] : blob.getBytes();
    ByteBuffer header = ByteBuffer.allocate(HEADER).putInt(MAGIC).put(VERSION).put(type)
        .putInt(j.length).putInt(b.length).flip();
    CRC32 crc = new CRC32();
    crc.update(header.duplicate());
    crc.update(j);
    crc.update(b);
    ByteBuffer trailer = ByteBuffer.allocate(TRAILER).putInt((int) crc.getValue()).flip();
    ByteBuffer[] all = {header, ByteBuffer.wrap(j), ByteBuffer.wrap(b), trailer};
    long remaining = HEADER + j.length + (long) b.length + TRAILER;
    while (remaining > 0) {
      remaining -= ch.write(all);
    }
    return new Location(file, offset, j.length, b.length);
  }

  /** Reads every record of a file, skipping (and reporting) damaged ones; never throws on bad data. */
  static Scan scan(Path path, String file) throws IOException {
    List<Parsed> records = new ArrayList<>();
    long damage = -1;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      long pos = 0;
      while (pos >= 0 && pos < size) {
        Parsed parsed = parseAt(ch, file, pos, size);
        if (parsed == null) {
          damage = damage < 0 ? pos : damage;
          pos = nextMagic(ch, pos + 1, size);
        } else {
          records.add(parsed);
          pos = parsed.location().end();
        }
      }
      if (damage < 0 && !complete(records)) {
        damage = size;
      }
    }
    records.removeIf(r -> r.type() == END);
    return new Scan(records, damage);
  }

  /** Appends the END record that closes a batch file of {@code count} records. */
  static void writeEnd(FileChannel ch, String file, int count) throws IOException {
    write(ch, file, END, new JsonObject().put("records", count), null);
  }

  private static boolean complete(List<Parsed> records) {
    int n = records.size();
    return n > 0 && records.get(n - 1).type() == END
        && records.get(n - 1).json().getInteger("records", -1) == n - 1
        && records.stream().filter(r -> r.type() == END).count() == 1;
  }

  /** Reads the blob of the record at {@code loc}, verifying its framing and CRC first. */
  static Buffer readBlob(Path path, Location loc) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(HEADER + loc.jsonLength());
      ByteBuffer blob = ByteBuffer.allocate(loc.blobLength());
      ByteBuffer trailer = ByteBuffer.allocate(TRAILER);
      if (!readFully(ch, head, loc.offset())
          || !readFully(ch, blob, loc.offset() + HEADER + loc.jsonLength())
          || !readFully(ch, trailer, loc.end() - TRAILER)) {
        throw new EOFException("spool record truncated in " + loc.file() + " at " + loc.offset());
      }
      head.flip();
      if (head.getInt(0) != MAGIC || head.getInt(6) != loc.jsonLength() || head.getInt(10) != loc.blobLength()) {
        throw new IOException("spool record framing damaged in " + loc.file() + " at " + loc.offset());
      }
      CRC32 crc = new CRC32();
      crc.update(head.array());
      crc.update(blob.array());
      if ((int) crc.getValue() != trailer.flip().getInt()) {
        throw new IOException("spool record CRC mismatch in " + loc.file() + " at " + loc.offset());
      }
      return Buffer.buffer(blob.array());
    }
  }

  /** The record at {@code pos} if its framing, CRC and JSON are all valid, else {@code null}. */
  private static Parsed parseAt(FileChannel ch, String file, long pos, long size) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    if (size - pos < HEADER + TRAILER || !readFully(ch, header, pos)) {
      return null;
    }
    header.flip();
    int magic = header.getInt();
    byte version = header.get();
    byte type = header.get();
    int jsonLength = header.getInt();
    int blobLength = header.getInt();
    Location loc = new Location(file, pos, jsonLength, blobLength);
    if (magic != MAGIC || version != VERSION || type < STORE || type > END
        || jsonLength < 0 || jsonLength > MAX_JSON || blobLength < 0 || loc.end() > size) {
      return null;
    }
    JsonObject json = checkedJson(ch, header, loc);
    return json == null ? null : new Parsed(type, json, loc);
  }

  /** The offset of the next occurrence of the magic number at or after {@code from}, or -1. */
  private static long nextMagic(FileChannel ch, long from, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK + 3);
    for (long start = from; start + 4 <= size; start += CHUNK) {
      buf.clear().limit((int) Math.min(CHUNK + 3, size - start));
      if (!readFully(ch, buf, start)) {
        return -1;
      }
      for (int i = 0; i + 4 <= buf.limit(); i++) {
        if (buf.getInt(i) == MAGIC) {
          return start + i;
        }
      }
    }
    return -1;
  }

  private static JsonObject checkedJson(FileChannel ch, ByteBuffer header, Location loc) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(header.rewind());
    ByteBuffer json = ByteBuffer.allocate(loc.jsonLength());
    long pos = loc.offset() + HEADER;
    if (!readFully(ch, json, pos)) {
      return null;
    }
    crc.update(json.array());
    pos += loc.jsonLength();
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    long left = loc.blobLength();
    while (left > 0) {
      chunk.clear().limit((int) Math.min(CHUNK, left));
      if (!readFully(ch, chunk, pos)) {
        return null;
      }
      crc.update(chunk.flip());
      pos += chunk.limit();
      left -= chunk.limit();
    }
    ByteBuffer trailer = ByteBuffer.allocate(TRAILER);
    if (!readFully(ch, trailer, pos) || (int) crc.getValue() != trailer.flip().getInt()) {
      return null;
    }
    try {
      return new JsonObject(Buffer.buffer(json.array()));
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static boolean readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        return false;
      }
      pos += n;
    }
    return true;
  }
}
