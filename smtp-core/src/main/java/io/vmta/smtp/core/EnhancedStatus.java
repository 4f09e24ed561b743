package io.vmta.smtp.core;

/**
 * An enhanced mail system status code such as {@code 5.1.1} (RFC 3463 section 2).
 *
 * @param klass   the class: 2 (success), 4 (persistent transient failure) or 5 (permanent failure)
 * @param subject the subject, 0..999
 * @param detail  the detail, 0..999
 */
public record EnhancedStatus(int klass, int subject, int detail) {

  /** Validates the three numbers against RFC 3463 section 2. */
  public EnhancedStatus {
    if (klass != 2 && klass != 4 && klass != 5) {
      throw new IllegalArgumentException("enhanced status class must be 2, 4 or 5, not " + klass);
    }
    if (subject < 0 || subject > 999) {
      throw new IllegalArgumentException("enhanced status subject must be 0..999, not " + subject);
    }
    if (detail < 0 || detail > 999) {
      throw new IllegalArgumentException("enhanced status detail must be 0..999, not " + detail);
    }
  }

  /** Parses {@code class.subject.detail}: class one digit, subject and detail 1-3 digits (RFC 3463 section 2). */
  public static EnhancedStatus parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("enhanced status is null");
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("enhanced status must be class.subject.detail: " + shorten(s));
    }
    int[] numbers = new int[3];
    for (int i = 0; i < 3; i++) {
      String part = parts[i];
      int maxDigits = i == 0 ? 1 : 3;
      if (part.isEmpty() || part.length() > maxDigits || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("enhanced status needs 1 digit, then 1-3 and 1-3 digits: " + shorten(s));
      }
      numbers[i] = Integer.parseInt(part);
    }
    return new EnhancedStatus(numbers[0], numbers[1], numbers[2]);
  }

  /** The wire form, e.g. {@code 5.1.1}. */
  @Override
  public String toString() {
    return klass + "." + subject + "." + detail;
  }

  private static String shorten(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "...";
  }
}
