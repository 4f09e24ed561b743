package io.vmta.mta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock of a data directory: {@code <dataDir>/lock}, locked with an OS file lock and
 * holding the pid of its owner. The OS drops the lock when the process dies (kill -9 included), so
 * a lock file left behind never blocks a start; the file itself is kept. Blocking: call it on a
 * worker thread.
 */
final class DataDirLock implements AutoCloseable {

  /** The lock file's name under the data directory. */
  static final String FILE_NAME = "lock";

  /**
   * The data directories (real paths) locked in this JVM. An OS lock is per process, so a second
   * MTA in the same JVM is refused here, before it opens the file: closing any channel of a
   * locked file may release the process's lock on it (FileChannel's documentation).
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path realDir;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path realDir, FileChannel channel, FileLock lock) {
    this.realDir = realDir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates {@code dataDir} if missing and locks it for this process, writing its pid into the
   * lock file; {@link DataDirInUseException} names the holder when another MTA has it.
   */
  static DataDirLock acquire(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path realDir = dataDir.toRealPath();
    Path file = dataDir.resolve(FILE_NAME);
    long self = ProcessHandle.current().pid();
    if (!HELD.add(realDir)) {
      throw new DataDirInUseException(dataDir, file, OptionalLong.of(self));
    }
    try {
      FileChannel channel = FileChannel.open(realDir.resolve(FILE_NAME),
          StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        OptionalLong holder = readPid(channel);
        channel.close();
        throw new DataDirInUseException(dataDir, file, holder);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((self + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(false);
      return new DataDirLock(realDir, channel, lock);
    } catch (OverlappingFileLockException e) {
      // Locked in this JVM by something other than an MTA: in use all the same.
      HELD.remove(realDir);
      throw new DataDirInUseException(dataDir, file, OptionalLong.of(self));
    } catch (IOException | RuntimeException e) {
      HELD.remove(realDir);
      throw e;
    }
  }

  /** The pid in the lock file; empty when its owner has not written it yet. */
  private static OptionalLong readPid(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
    try {
      return OptionalLong.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Empties the lock file (no stale pid for a reader) and releases the lock; blocking. */
  @Override
  public void close() throws IOException {
    try {
      channel.truncate(0);
      lock.release();
    } finally {
      channel.close();
      HELD.remove(realDir);
    }
  }
}
