package io.vmta.smtp.core.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;

/** The checks of values given to options setters, and the "did you mean" hint of unknown keys. */
public final class Checks {

  private Checks() {}

  /** A positive number given to a setter, or the error naming {@code key}. */
  public static long positive(String key, long value) {
    if (value <= 0) {
      throw ConfigReader.bad(key, "a positive integer", value);
    }
    return value;
  }

  /** A positive duration given to a setter, cut to milliseconds, or the error naming {@code key}. */
  public static Duration positive(String key, Duration value) {
    Duration d = Objects.requireNonNull(value, key).truncatedTo(ChronoUnit.MILLIS);
    if (d.isNegative() || d.isZero()) {
      throw ConfigReader.bad(key, "a positive duration", Durations.format(value));
    }
    return d;
  }

  /** A port number given to a setter ({@code min} to 65535), or the error naming {@code key}. */
  public static int port(String key, int value, int min) {
    if (value < min || value > 65535) {
      throw ConfigReader.bad(key, "a port number (" + min + "-65535)", value);
    }
    return value;
  }

  /** The known key closest to a mistyped one (at most two edits away), or null. */
  static String closest(String key, Set<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = k.equalsIgnoreCase(key) ? 0 : distance(k.toLowerCase(), key.toLowerCase());
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
