package io.vmta.mailauth.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header fields of a message (RFC 5322 2.2), located in its bytes: each field from its name to
 * the end of its last continuation line, without the final CRLF; and where the body starts.
 *
 * @param fields    the fields, top to bottom
 * @param bodyStart the offset of the body (after the empty line), or the message length without one
 */
record HeaderFields(List<Field> fields, int bodyStart) {

  /** One field: its lower-case name and its bytes {@code [start, end)} in the message. */
  record Field(String name, int start, int end) {
  }

  /** Finds the fields of {@code message}; lines are CRLF-delimited. */
  static HeaderFields parse(byte[] message) {
    List<Field> fields = new ArrayList<>();
    int i = 0;
    int n = message.length;
    int fieldStart = -1;
    while (i < n) {
      int eol = lineEnd(message, i);
      boolean empty = eol == i;
      boolean continuation = !empty && (message[i] == ' ' || message[i] == '\t');
      if (!continuation && fieldStart >= 0) {
        fields.add(field(message, fieldStart, i - 2));
        fieldStart = -1;
      }
      if (empty) {
        return new HeaderFields(List.copyOf(fields), Math.min(n, eol + 2));
      }
      if (!continuation) {
        fieldStart = i;
      }
      if (eol >= n) {
        fields.add(field(message, fieldStart < 0 ? i : fieldStart, n));
        return new HeaderFields(List.copyOf(fields), n);
      }
      i = eol + 2;
    }
    if (fieldStart >= 0) {
      fields.add(field(message, fieldStart, n - 2));
    }
    return new HeaderFields(List.copyOf(fields), n);
  }

  /** The fields named {@code name} (lower case), top to bottom. */
  List<Field> named(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).toList();
  }

  private static Field field(byte[] message, int start, int end) {
    int colon = start;
    while (colon < end && message[colon] != ':') {
      colon++;
    }
    String name = new String(message, start, colon - start, StandardCharsets.ISO_8859_1).strip()
        .toLowerCase(Locale.ROOT);
    return new Field(name, start, end);
  }

  /** The offset of the CRLF that ends the line at {@code from}, or the message length. */
  private static int lineEnd(byte[] message, int from) {
    for (int i = from; i + 1 < message.length; i++) {
      if (message[i] == '\r' && message[i + 1] == '\n') {
        return i;
      }
    }
    return message.length;
  }
}
