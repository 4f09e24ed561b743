package io.vmta.mta;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The human output of {@code queue list} and {@code queue show}, after Postfix's {@code mailq}:
 * one block per message (id, arrival time and sender; then the attempts, the last error in
 * parentheses and each pending recipient, indented), a blank line between blocks, and a last line
 * {@code -- N messages}. Times are UTC, to the second.
 */
final class QueueFormat {

  private static final String INDENT = "  ";

  private QueueFormat() {
  }

  /** A page of {@code GET /queue} that started at {@code offset}. */
  static String list(JsonObject page, int offset) {
    JsonArray messages = page.getJsonArray("messages", new JsonArray());
    int total = page.getInteger("total", messages.size());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < messages.size(); i++) {
      text.append(message(messages.getJsonObject(i))).append('\n');
    }
    text.append("-- ").append(count(total));
    if (messages.size() < total) {
      text.append(", ").append(messages.size()).append(" shown from offset ").append(offset)
          .append(" (--offset and --limit for more)");
    }
    return text.append('\n').toString();
  }

  /** One message of {@code GET /queue/ID}. */
  static String message(JsonObject m) {
    StringBuilder text = new StringBuilder();
    String sender = m.getString("sender", "");
    text.append(m.getString("id")).append("  ").append(time(m.getString("receivedAt")))
        .append("  ").append(sender.isEmpty() ? "<>" : sender).append('\n');
    int attempts = m.getInteger("attempts", 0);
    String next = m.getString("nextAttemptAt");
    text.append(INDENT).append(attempts == 0 ? "not attempted yet" : "attempts: " + attempts);
    if (next != null) {
      text.append(", next attempt: ").append(time(next));
    }
    text.append('\n');
    String error = m.getString("lastError");
    if (error != null) {
      text.append(INDENT).append('(').append(error).append(")\n");
    }
    for (Object recipient : m.getJsonArray("recipients", new JsonArray())) {
      text.append(INDENT).append(recipient).append('\n');
    }
    return text.toString();
  }

  /** "1 message", "3 messages". */
  static String count(int n) {
    return n + (n == 1 ? " message" : " messages");
  }

  /** An ISO instant to the second ({@code 2026-11-30T10:05:00Z}); any other text as it is. */
  private static String time(String iso) {
    if (iso == null) {
      return "-";
    }
    try {
      return Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return iso;
    }
  }
}
