package io.vmta.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Delivered mail as the product leaves it: {@code <dataDir>/mail/<domain>/<local-part>/new/<file>}.
 * Waiting is event-driven (a {@link WatchService} bounded by a deadline), never a sleep.
 */
final class Maildirs {

  /** How long a delivery may take before a test gives up. */
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

  private Maildirs() {
  }

  /** The {@code new/} directory of {@code address} (domain and local part lower-cased, as delivered). */
  static Path newDir(Path dataDir, String address) {
    int at = address.lastIndexOf('@');
    return dataDir.resolve("mail").resolve(address.substring(at + 1).toLowerCase(Locale.ROOT))
        .resolve(address.substring(0, at).toLowerCase(Locale.ROOT)).resolve("new");
  }

  /** The files in {@code newDir} sorted by name (none when it does not exist yet). */
  static List<Path> files(Path newDir) {
    if (!Files.isDirectory(newDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(newDir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The contents of the files in {@code newDir}. */
  static List<byte[]> contents(Path newDir) {
    List<byte[]> all = new ArrayList<>();
    for (Path f : files(newDir)) {
      try {
        all.add(Files.readAllBytes(f));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  /** Every regular file anywhere under {@code <dataDir>/mail} (tmp/, new/ and cur/ of every mailbox). */
  static List<Path> allMail(Path dataDir) throws IOException {
    Path root = dataDir.resolve("mail");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** Waits until {@code newDir} holds at least {@code count} files and returns them. */
  static List<Path> await(Path newDir, int count, Duration timeout) throws IOException, InterruptedException {
    return awaitUntil(newDir, files -> files.size() >= count, count + " message(s)", timeout);
  }

  /** Waits until a message in {@code newDir} contains {@code marker}; returns every one that does. */
  static List<byte[]> awaitContaining(Path newDir, String marker, Duration timeout)
      throws IOException, InterruptedException {
    awaitUntil(newDir, files -> !containing(files, marker).isEmpty(), "a message containing " + marker, timeout);
    return containing(files(newDir), marker);
  }

  /** The contents of those {@code files} that contain {@code marker} (as UTF-8). */
  static List<byte[]> containing(List<Path> files, String marker) {
    byte[] wanted = marker.getBytes(StandardCharsets.UTF_8);
    List<byte[]> found = new ArrayList<>();
    for (Path f : files) {
      try {
        byte[] bytes = Files.readAllBytes(f);
        if (indexOf(bytes, wanted) >= 0) {
          found.add(bytes);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return found;
  }

  /**
   * Waits until the files of {@code newDir} satisfy {@code done} and returns them. The directory
   * and its parents may not exist yet: the nearest existing ancestor is watched until they do.
   */
  static List<Path> awaitUntil(Path newDir, Predicate<List<Path>> done, String what, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      Path watched = null;
      while (true) {
        Path dir = nearestExisting(newDir);
        if (!dir.equals(watched)) {
          dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
          watched = dir;
          continue; // the tree may have grown before the registration: look again before waiting
        }
        List<Path> files = files(newDir);
        if (done.test(files)) {
          return files;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + what + " in " + newDir + " within " + timeout
              + ", found " + files.size() + " file(s)");
        }
        WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static Path nearestExisting(Path dir) {
    Path p = dir;
    while (!Files.isDirectory(p)) {
      p = p.getParent();
    }
    return p;
  }
}
