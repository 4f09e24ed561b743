package io.vmta.mta.config;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docs/configuration.md} as data: its key tables ({@code | key | type | default | meaning |
 * example |}), its deprecated names ({@code | deprecated key | replaced by | why |}) and its
 * complete example in YAML and JSON; plus the walk that turns a configuration JSON into the same
 * key paths ({@code limits.maxRecipients}, {@code listeners[].port}, {@code aliases.<address>}).
 */
final class ConfigReference {

  static final Path FILE = Path.of("..", "docs", "configuration.md");
  static final String KEY_TABLE = "| key | type | default | meaning | example |";
  static final String DEPRECATED_TABLE = "| deprecated key | replaced by | why |";
  static final String EXAMPLE_SECTION = "## A complete example";
  /** The default cell of a key that has none. */
  static final String NO_DEFAULT = "—";

  /**
   * The maps of the configuration (names chosen by the user) and how the reference names their
   * entries. A new map-valued key needs its placeholder here, and the walk says so.
   */
  static final Map<String, String> MAP_ENTRIES = Map.of("aliases", "<address>", "relay.tls.policy", "<domain>");

  private static final Pattern KEY = Pattern.compile(
      "([a-z][A-Za-z0-9]*(\\[])?|<[a-z]+>)(\\.([a-z][A-Za-z0-9]*(\\[])?|<[a-z]+>))*");
  private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]*");
  private static final Pattern LEADING_VALUE = Pattern.compile("^`([^`]+)`");

  /** One row of a key table; {@code defaultJson} is null when the cell says {@link #NO_DEFAULT}. */
  record Row(String key, String type, String defaultJson, String meaning, String exampleJson) {
  }

  final Map<String, Row> rows = new LinkedHashMap<>();
  /** Deprecated key to its new name. */
  final Map<String, String> deprecated = new LinkedHashMap<>();
  final JsonObject yamlExample;
  final JsonObject jsonExample;

  private ConfigReference(String markdown) {
    List<String> lines = markdown.lines().toList();
    String yaml = null;
    String json = null;
    String section = "";
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("## ")) {
        section = line;
      } else if (line.equals(KEY_TABLE) || line.equals(DEPRECATED_TABLE)) {
        i = table(lines, i, line.equals(KEY_TABLE));
      } else if (section.equals(EXAMPLE_SECTION) && line.equals("```yaml")) {
        yaml = block(lines, i);
      } else if (section.equals(EXAMPLE_SECTION) && line.equals("```json")) {
        json = block(lines, i);
      }
    }
    if (yaml == null || json == null) {
      throw new IllegalStateException(FILE + ": no ```yaml and ```json block under " + EXAMPLE_SECTION);
    }
    Map<String, Object> map = new Yaml().load(yaml);
    yamlExample = new JsonObject(new JsonObject(map).encode());
    jsonExample = new JsonObject(json);
  }

  static ConfigReference read() throws IOException {
    return new ConfigReference(Files.readString(FILE, StandardCharsets.UTF_8));
  }

  /** Reads the rows after a header line; returns the index of the last row. */
  private int table(List<String> lines, int header, boolean keys) {
    int columns = keys ? 5 : 3;
    int i = header + 2;
    for (; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String line = lines.get(i);
      String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
      if (cells.length != columns) {
        throw new IllegalStateException(FILE + ": " + columns + " cells expected: " + line);
      }
      for (int c = 0; c < cells.length; c++) {
        cells[c] = cells[c].strip();
      }
      String key = key(cells[0], line);
      if (keys) {
        String example = exactValue(cells[4], line, "example");
        Row row = new Row(key, cells[1], defaultValue(cells[2], line), cells[3], example);
        if (rows.putIfAbsent(key, row) != null) {
          throw new IllegalStateException(FILE + ": " + key + " documented twice");
        }
      } else {
        deprecated.put(key, key(cells[1], line));
      }
    }
    return i - 1;
  }

  private static String key(String cell, String line) {
    String key = exactValue(cell, line, "key");
    if (!KEY.matcher(key).matches()) {
      throw new IllegalStateException(FILE + ": not a key path: " + key + " in " + line);
    }
    return key;
  }

  private static String exactValue(String cell, String line, String what) {
    if (!cell.matches("`[^`]+`")) {
      throw new IllegalStateException(FILE + ": the " + what + " cell must be one `value`: " + line);
    }
    return cell.substring(1, cell.length() - 1);
  }

  private static String defaultValue(String cell, String line) {
    if (cell.equals(NO_DEFAULT)) {
      return null;
    }
    Matcher m = LEADING_VALUE.matcher(cell);
    if (!m.find()) {
      throw new IllegalStateException(FILE + ": the default cell must start with a `value` or be "
          + NO_DEFAULT + ": " + line);
    }
    return m.group(1);
  }

  private static String block(List<String> lines, int fence) {
    StringBuilder text = new StringBuilder();
    for (int i = fence + 1; !lines.get(i).equals("```"); i++) {
      text.append(lines.get(i)).append('\n');
    }
    return text.toString();
  }

  /** The key paths of a configuration JSON, with their first value seen, and its sections. */
  static final class Walk {
    /** Every path whose value is not an object (lists and nulls included), to its first value. */
    final Map<String, Object> keys = new LinkedHashMap<>();
    /** Every path whose value is an object: the groups of keys (and list items). */
    final Set<String> sections = new LinkedHashSet<>();

    Walk(JsonObject json) {
      visit(json, "");
    }

    private void visit(Object value, String path) {
      if (value instanceof JsonObject object) {
        if (!path.isEmpty()) {
          sections.add(path);
        }
        for (String field : object.fieldNames()) {
          String name = MAP_ENTRIES.getOrDefault(path, field);
          if (!MAP_ENTRIES.containsKey(path) && !NAME.matcher(field).matches()) {
            throw new IllegalStateException("\"" + field + "\" under " + path
                + " looks like a map entry: add the map's placeholder to MAP_ENTRIES");
          }
          visit(object.getValue(field), path.isEmpty() ? name : path + "." + name);
        }
        return;
      }
      keys.putIfAbsent(path, value);
      if (value instanceof JsonArray array) {
        array.forEach(item -> {
          if (item instanceof JsonObject) {
            visit(item, path + "[]");
          }
        });
      }
    }
  }

  /** A copy of {@code root} with {@code value} at {@code path}: the first list item, the first map entry. */
  static JsonObject with(JsonObject root, String path, Object value) {
    JsonObject copy = root.copy();
    List<String> segments = List.of(path.split("\\."));
    JsonObject at = copy;
    for (String segment : segments.subList(0, segments.size() - 1)) {
      at = child(at, segment);
    }
    at.put(name(at, segments.get(segments.size() - 1)), value);
    return copy;
  }

  /** A copy of {@code root} without the keys at these paths (in every list item). */
  static JsonObject without(JsonObject root, Set<String> paths) {
    JsonObject copy = root.copy();
    for (String path : paths) {
      remove(copy, List.of(path.split("\\.")));
    }
    return copy;
  }

  private static void remove(JsonObject at, List<String> segments) {
    String first = segments.get(0);
    if (segments.size() == 1) {
      at.remove(first);
      return;
    }
    Object next = first.endsWith("[]") ? at.getValue(first.substring(0, first.length() - 2))
        : at.getValue(first);
    List<Object> items = new ArrayList<>();
    if (next instanceof JsonArray list) {
      list.forEach(items::add);
    } else {
      items.add(next);
    }
    for (Object item : items) {
      if (item instanceof JsonObject object) {
        remove(object, segments.subList(1, segments.size()));
      }
    }
  }

  private static JsonObject child(JsonObject at, String segment) {
    if (segment.endsWith("[]")) {
      String name = segment.substring(0, segment.length() - 2);
      JsonArray list = at.getJsonArray(name);
      if (list == null || list.isEmpty()) {
        list = new JsonArray().add(new JsonObject());
        at.put(name, list);
      }
      return list.getJsonObject(0);
    }
    String name = name(at, segment);
    JsonObject next = at.getJsonObject(name);
    if (next == null) {
      next = new JsonObject();
      at.put(name, next);
    }
    return next;
  }

  /** A placeholder such as {@code <address>} stands for the first entry already there. */
  private static String name(JsonObject at, String segment) {
    if (!segment.startsWith("<")) {
      return segment;
    }
    return at.fieldNames().stream().findFirst().orElseThrow(() ->
        new IllegalStateException("no entry to stand for " + segment));
  }

  /** A JSON value in a canonical form, so that 5 and 5L, or key order, compare equal. */
  static Object canonical(Object value) {
    return Json.decodeValue(Json.encode(value));
  }
}
