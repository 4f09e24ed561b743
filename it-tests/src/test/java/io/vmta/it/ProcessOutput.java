package io.vmta.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The merged output of a child process, read line by line on a daemon thread. Tests wait for a
 * line with {@link #await}: the reader wakes them as each line arrives, and nothing a waiter has
 * not looked at yet is lost, since every line stays in the list.
 */
final class ProcessOutput {

  private final List<String> lines = new ArrayList<>();
  private boolean ended;

  ProcessOutput(InputStream in, String name) {
    Thread reader = new Thread(() -> read(in), name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process died or was killed: its output ends here
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  /** The first line (from the start of the output) matching {@code wanted}, waiting up to {@code timeout}. */
  String await(Predicate<String> wanted, String what, Duration timeout) throws InterruptedException {
    return awaitAll(wanted, 1, what, timeout).get(0);
  }

  /** The first {@code count} lines matching {@code wanted}, waiting up to {@code timeout} for them. */
  synchronized List<String> awaitAll(Predicate<String> wanted, int count, String what, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> found = new ArrayList<>();
    int next = 0;
    while (true) {
      for (; next < lines.size() && found.size() < count; next++) {
        if (wanted.test(lines.get(next))) {
          found.add(lines.get(next));
        }
      }
      if (found.size() >= count) {
        return found;
      }
      if (ended) {
        throw new AssertionError("the output ended with " + found.size() + " of " + count + " " + what + ":\n" + text());
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(found.size() + " of " + count + " " + what + " within " + timeout
            + " in the output:\n" + text());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Everything read so far. */
  synchronized String text() {
    return String.join("\n", lines);
  }

  /** A snapshot of the lines read so far. */
  synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }
}
