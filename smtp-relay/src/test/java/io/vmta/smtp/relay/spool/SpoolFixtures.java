package io.vmta.smtp.relay.spool;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Messages and directory helpers shared by the spool tests. */
final class SpoolFixtures {

  private SpoolFixtures() {
  }

  /** A message with every byte value in its body, so that any re-encoding would show. */
  static QueuedMessage message(String... recipients) {
    String id = QueueId.next();
    Envelope env = new Envelope(id, "sender@example.org", List.of(recipients), true, "8BITMIME",
        "192.0.2.7", "client.example.org", "alice@example.test", Instant.parse("2026-11-29T10:15:30.123456Z"));
    Buffer body = Buffer.buffer("Subject: " + id + "\r\n\r\n");
    for (int i = 0; i < 256; i++) {
      body.appendByte((byte) i);
    }
    return new QueuedMessage(env, body.appendString("\r\n"));
  }

  /** The names of the files directly in {@code dir} with this suffix. */
  static List<String> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
    }
  }
}
