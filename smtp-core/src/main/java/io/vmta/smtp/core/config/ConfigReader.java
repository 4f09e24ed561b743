package io.vmta.smtp.core.config;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads one JSON object of the configuration strictly: every read declares its key, checks type and
 * range and names the full key path in an error. A key that is absent or null takes its default.
 * Several options classes may read one object (the MTA's top level feeds the server, the queue and
 * the MTA itself); {@link #end()} then refuses every key that none of them declared.
 */
public final class ConfigReader {

  /** What the readers of one document share: renamed keys met, and keys the document lacks. */
  private record Document(List<String> warnings, Set<String> excluded) {}

  private final JsonObject json;
  private final String path;
  private final Document document;
  private final Set<String> declared = new LinkedHashSet<>();
  private final Map<String, ConfigReader> children = new LinkedHashMap<>();

  private ConfigReader(JsonObject json, String path, Document document) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
    this.document = document;
  }

  /** A reader of a whole document, or of a part given alone whose keys sit under {@code path}. */
  public static ConfigReader root(JsonObject json, String path) {
    return new ConfigReader(json, path, new Document(new ArrayList<>(), new LinkedHashSet<>()));
  }

  /**
   * Leaves keys out of this document although an options class reads them: they are unknown keys
   * here and read as absent. The MTA sets these itself (e.g. {@code localUsers} from its users file).
   */
  public ConfigReader without(String... fullPaths) {
    document.excluded.addAll(List.of(fullPaths));
    return this;
  }

  /** The full path of this object, empty at the top level. */
  public String path() {
    return path;
  }

  /** The full path of a key of this object. */
  public String key(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The value of a key, objects and lists as JsonObject and JsonArray; null when absent. */
  public Object value(String key) {
    declared.add(key);
    return document.excluded.contains(key(key)) ? null : json.getValue(key);
  }

  /** Whether a key has a non-null value. */
  public boolean has(String key) {
    return value(key) != null;
  }

  /** The reader of the object under a key (empty when absent); one reader per key, shared. */
  public ConfigReader object(String key) {
    Object v = value(key);
    if (v != null && !(v instanceof JsonObject)) {
      throw bad(key(key), "an object", v);
    }
    return children.computeIfAbsent(key, k -> new ConfigReader((JsonObject) v, key(k), document));
  }

  /** The object under a key whose own keys are data (e.g. aliases), unchecked; empty when absent. */
  public JsonObject map(String key) {
    Object v = value(key);
    if (v != null && !(v instanceof JsonObject)) {
      throw bad(key(key), "an object", v);
    }
    return v == null ? new JsonObject() : (JsonObject) v;
  }

  /** A list under a key; null when absent. */
  public JsonArray array(String key) {
    Object v = value(key);
    if (v != null && !(v instanceof JsonArray)) {
      throw bad(key(key), "a list", v);
    }
    return (JsonArray) v;
  }

  /** A non-blank string. */
  public String string(String key, String defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw bad(key(key), "a non-empty string", v);
    }
    return s;
  }

  /** true or false. */
  public boolean bool(String key, boolean defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Boolean b)) {
      throw bad(key(key), "true or false", v);
    }
    return b;
  }

  /** A whole number from 1 to {@link Integer#MAX_VALUE}. */
  public int positiveInt(String key, int defaultValue) {
    return (int) longIn(key, defaultValue, 1, Integer.MAX_VALUE, "a positive integer");
  }

  /** A whole number from 1 to {@link Long#MAX_VALUE}. */
  public long positiveLong(String key, long defaultValue) {
    return longIn(key, defaultValue, 1, Long.MAX_VALUE, "a positive integer");
  }

  /** A port number from {@code min} (0 or 1) to 65535. */
  public int port(String key, int defaultValue, int min) {
    return (int) longIn(key, defaultValue, min, 65535, "a port number (" + min + "-65535)");
  }

  /** A whole number in {@code [min, max]}; {@code expected} describes it in the error. */
  public long longIn(String key, long defaultValue, long min, long max, String expected) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    Long n = asLong(v);
    if (n == null || n < min || n > max) {
      throw bad(key(key), expected, v);
    }
    return n;
  }

  /** A positive duration in the one format of {@link Durations}, e.g. "5m". */
  public Duration duration(String key, Duration defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    Duration d;
    try {
      d = Durations.parse(v instanceof String s ? s : String.valueOf(asLong(v)));
    } catch (IllegalArgumentException e) {
      throw bad(key(key), "a duration like \"30s\", \"5m\", \"1h\", \"5d\" or \"250ms\"", v);
    }
    if (d.isZero()) {
      throw bad(key(key), "a positive duration", v);
    }
    return d;
  }

  /** A list of strings under a key, each checked and normalised by {@code check(value, path)}. */
  public List<String> strings(String key, List<String> defaultValue,
      BiFunction<String, String, String> check) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    return strings(v, key(key), check, false);
  }

  /**
   * The key to read of a key renamed from {@code oldKey} to {@code newKey}: the old one (with a
   * warning) when only it is set, else the new one (with a warning when both are set).
   */
  public String renamed(String oldKey, String newKey) {
    boolean oldSet = has(oldKey);
    boolean newSet = has(newKey);
    if (oldSet && newSet) {
      document.warnings.add(key(oldKey) + " is ignored: " + key(newKey) + " is set (" + key(oldKey)
          + " is its old name)");
    } else if (oldSet) {
      document.warnings.add(key(oldKey) + " is deprecated: rename it " + key(newKey));
      return oldKey;
    }
    return newKey;
  }

  /** The warnings of this document so far, e.g. renamed keys. */
  public List<String> warnings() {
    return List.copyOf(document.warnings);
  }

  /**
   * Ends the reading: a key of this object or of one below that no reader declared is an error
   * naming it, with a "did you mean" hint. Returns the warnings of the document.
   */
  public List<String> end() {
    Set<String> known = new LinkedHashSet<>();
    declared.stream().filter(k -> !document.excluded.contains(key(k))).forEach(known::add);
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        String hint = Checks.closest(key, known);
        throw new ConfigException(key(key), "unknown key"
            + (hint == null ? "; known keys are " + String.join(", ", known)
                : "; did you mean " + hint + "?"));
      }
    }
    children.values().forEach(ConfigReader::end);
    return warnings();
  }

  /** {@link #end()}, then each warning logged: for an options class read on its own. */
  public void endAndLog() {
    System.Logger log = System.getLogger("io.vmta.config");
    end().forEach(w -> log.log(System.Logger.Level.WARNING, w));
  }

  /** As {@link #strings(String, List, BiFunction)}; a lone string is a list of one if allowed. */
  public static List<String> strings(Object v, String path, BiFunction<String, String, String> check,
      boolean singleAllowed) {
    if (singleAllowed && v instanceof String) {
      v = new JsonArray().add(v);
    }
    if (!(v instanceof JsonArray list)) {
      throw bad(path, singleAllowed ? "a string or a list of strings" : "a list of strings", v);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String itemPath = path + "[" + i + "]";
      Object item = list.getValue(i);
      if (!(item instanceof String s) || s.isBlank()) {
        throw bad(itemPath, "a non-empty string", item);
      }
      String normalised = check.apply(s, itemPath);
      if (out.contains(normalised)) {
        throw new ConfigException(itemPath, "duplicate " + render(normalised));
      }
      out.add(normalised);
    }
    return List.copyOf(out);
  }

  /** The strings of a Java list checked as if read from {@code path}: for setters. */
  public static List<String> strings(List<String> values, String path,
      BiFunction<String, String, String> check) {
    return strings(new JsonArray(new ArrayList<>(values)), path, check, false);
  }

  /** The error "path: must be expected, got value". */
  public static ConfigException bad(String path, String expected, Object got) {
    return new ConfigException(path, "must be " + expected + ", got " + render(got));
  }

  /** A value as it appears in an error message: strings quoted and cut short, containers named. */
  public static String render(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "a list";
    }
    if (v instanceof String s) {
      return Json.encode(s.length() > 60 ? s.substring(0, 57) + "..." : s);
    }
    return String.valueOf(v);
  }

  /** A JSON/YAML number as a long when it is a whole number in range, else null. */
  static Long asLong(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() < 64 ? b.longValue() : null;
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      try {
        return new BigDecimal(v.toString()).longValueExact();
      } catch (ArithmeticException | NumberFormatException notWhole) {
        return null;
      }
    }
    return null;
  }
}
