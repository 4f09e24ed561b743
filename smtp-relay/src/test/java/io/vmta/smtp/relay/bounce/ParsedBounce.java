package io.vmta.smtp.relay.bounce;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A minimal, strict reader of the bounce for tests: top headers, boundary, parts, DSN groups. */
final class ParsedBounce {

  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"([^\"]+)\"");

  final String raw;
  final Map<String, String> headers;
  final String boundary;
  final List<Part> parts;

  /** One body part: its header fields (names lower-cased) and its body. */
  record Part(Map<String, String> headers, String body) {

    /** The groups of a message/delivery-status body, per-message fields first (RFC 3464 2.1). */
    List<Map<String, String>> groups() {
      List<Map<String, String>> groups = new ArrayList<>();
      for (String group : body.split("\r\n\r\n")) {
        if (!group.isBlank()) {
          groups.add(fields(group + "\r\n"));
        }
      }
      return groups;
    }
  }

  ParsedBounce(Buffer content) {
    raw = content.toString(StandardCharsets.UTF_8);
    int end = raw.indexOf("\r\n\r\n");
    assertThat(end).as("end of the top header section").isPositive();
    headers = fields(raw.substring(0, end + 2));
    Matcher m = BOUNDARY.matcher(headers.getOrDefault("content-type", ""));
    assertThat(m.find()).as("boundary parameter").isTrue();
    boundary = m.group(1);
    parts = split(raw.substring(end + 4), boundary);
  }

  private static List<Part> split(String body, String boundary) {
    String delimiter = "\r\n--" + boundary;
    String close = delimiter + "--\r\n";
    assertThat(body).as("ends with the close delimiter").endsWith(close);
    String inner = "\r\n" + body.substring(0, body.length() - close.length());
    String[] chunks = inner.split(Pattern.quote(delimiter + "\r\n"), -1);
    List<Part> parts = new ArrayList<>();
    for (int i = 1; i < chunks.length; i++) {
      String chunk = chunks[i];
      int blank = chunk.indexOf("\r\n\r\n");
      assertThat(blank).as("part header end").isPositive();
      parts.add(new Part(fields(chunk.substring(0, blank + 2)), chunk.substring(blank + 4)));
    }
    return parts;
  }

  /** Header-style fields, unfolded (RFC 5322 2.2.3: CRLF removed before WSP), names lower-cased. */
  static Map<String, String> fields(String section) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : section.replace("\r\n ", " ").replace("\r\n\t", "\t").split("\r\n")) {
      int colon = line.indexOf(':');
      assertThat(colon).as("field line: %s", line).isPositive();
      String name = line.substring(0, colon).toLowerCase();
      assertThat(out).as("duplicate field %s", name).doesNotContainKey(name);
      out.put(name, line.substring(colon + 1).strip());
    }
    return out;
  }

  Part part(int index) {
    return parts.get(index);
  }
}
