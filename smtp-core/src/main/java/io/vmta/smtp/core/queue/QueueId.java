package io.vmta.smtp.core.queue;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Queue ids: 21 characters from a 31-letter alphabet of digits and consonants (no vowels, so
 * no words), the first 11 from the time in microseconds (so ids sort by arrival), the rest from a
 * per-process random number and a counter, so that nodes of a cluster do not collide. Safe as a
 * file name.
 */
public final class QueueId {

  private static final char[] ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZ".toCharArray();
  private static final Pattern VALID = Pattern.compile("[0-9A-Z]{12,40}");
  private static final long NODE = new SecureRandom().nextLong() & 0x7fff_ffffL;
  private static final AtomicLong COUNTER = new AtomicLong(new SecureRandom().nextInt(1 << 20));

  private QueueId() {
  }

  /** A new id, unique in this process and, with overwhelming probability, in the cluster. */
  public static String next() {
    long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
    StringBuilder sb = new StringBuilder(21);
    append(sb, micros, 11);
    append(sb, NODE, 5);
    append(sb, COUNTER.incrementAndGet(), 5);
    return sb.toString();
  }

  /** Whether {@code id} has the shape of a queue id (and so is safe as a file name). */
  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  private static void append(StringBuilder sb, long value, int digits) {
    char[] out = new char[digits];
    long v = value;
    for (int i = digits - 1; i >= 0; i--) {
      out[i] = ALPHABET[(int) Long.remainderUnsigned(v, ALPHABET.length)];
      v = Long.divideUnsigned(v, ALPHABET.length);
    }
    sb.append(out);
  }
}
