package io.vmta.smtp.core;

import java.util.List;
import java.util.Objects;

/**
 * An SMTP reply: a three-digit code, an optional enhanced status code and one or more text lines
 * (RFC 5321 section 4.2, RFC 2034, RFC 3463).
 *
 * @param code   the reply code, 200..599
 * @param status the enhanced status code, or {@code null}; its class must equal {@code code / 100}
 * @param lines  the text lines, at least one, none containing CR, LF or NUL; may be empty strings
 */
public record Reply(int code, EnhancedStatus status, List<String> lines) {

  /** Validates the code, the status class and the lines, and copies the lines. */
  public Reply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("reply code must be 200..599, not " + code);
    }
    if (status != null && status.klass() != code / 100) {
      throw new IllegalArgumentException(
          "enhanced status " + status + " does not match the class of reply code " + code);
    }
    Objects.requireNonNull(lines, "lines");
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a reply needs at least one line");
    }
    for (String line : lines) {
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '\r' || c == '\n' || c == '\0') {
          throw new IllegalArgumentException("reply line contains CR, LF or NUL");
        }
      }
    }
  }

  /** A reply from a code, a status like {@code "2.0.0"} (or {@code null}) and its lines. */
  public static Reply of(int code, String status, String... lines) {
    return new Reply(code, status == null ? null : EnhancedStatus.parse(status), List.of(lines));
  }

  /**
   * The wire form, every line ending in CRLF: {@code 250-} before all but the last line,
   * {@code 250 } before the last (RFC 5321 section 4.2.1). When {@code enhanced} and a status is
   * present, each line carries it after the code (RFC 2034 section 4). There is never a trailing
   * space after the status: an empty line gives {@code "250 2.0.0"}, or {@code "250 "} without status.
   */
  public String format(boolean enhanced) {
    String statusText = enhanced && status != null ? status.toString() : null;
    StringBuilder out = new StringBuilder();
    int last = lines.size() - 1;
    for (int i = 0; i <= last; i++) {
      String line = lines.get(i);
      out.append(code).append(i == last ? ' ' : '-');
      if (statusText != null) {
        out.append(statusText);
        if (!line.isEmpty()) {
          out.append(' ');
        }
      }
      out.append(line).append("\r\n");
    }
    return out.toString();
  }

  /** The text lines joined by a space, without code or status; for logs and exception messages. */
  public String text() {
    return String.join(" ", lines);
  }

  /** Whether this is a positive completion or intermediate reply (2xx or 3xx). */
  public boolean isPositive() {
    return code < 400;
  }

  /** Whether this is a transient negative reply (4xx). */
  public boolean isTransient() {
    return code >= 400 && code < 500;
  }

  /** Whether this is a permanent negative reply (5xx). */
  public boolean isPermanent() {
    return code >= 500;
  }

  /** The same code and status with other text lines. */
  public Reply withText(String... newLines) {
    return new Reply(code, status, List.of(newLines));
  }

  /** The wire form with enhanced status codes, for logs and debugging. */
  @Override
  public String toString() {
    return format(true).replace("\r\n", "\\r\\n");
  }
}
