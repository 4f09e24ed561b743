package io.vmta.smtp.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as in the configuration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 5d}. */
public final class Durations {

  private static final Pattern FORMAT = Pattern.compile("([0-9]{1,18})(ms|s|m|h|d)?");

  private Durations() {}

  /**
   * Parses a duration; a plain integer means seconds.
   *
   * @throws IllegalArgumentException for anything else, including negative values and overflow
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no duration given");
    }
    Matcher m = FORMAT.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: \"" + text + "\"");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    try {
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } catch (ArithmeticException overflow) {
      throw new IllegalArgumentException("duration too long: \"" + text + "\"");
    }
  }

  /** Formats a duration in the largest unit that keeps it exact, to the millisecond: {@code 5m}. */
  public static String format(Duration duration) {
    long ms = duration.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000L == 0) {
      return ms / 1000L + "s";
    }
    return ms + "ms";
  }

  /** Whole seconds, rounded up (a grace of 500 ms is 1 s, never 0), capped at {@link Integer#MAX_VALUE}. */
  public static int ceilSeconds(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, (duration.toMillis() + 999) / 1000);
  }
}
