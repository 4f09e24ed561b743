package io.vmta.mta.config;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads one JSON object of the configuration, checking types and ranges and naming the full key
 * path in every error. A key that is absent or null takes its default. Unknown keys are errors.
 */
final class ConfigReader {

  private final JsonObject json;
  private final String path;

  ConfigReader(JsonObject json, String path, String... knownKeys) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
    Set<String> known = new LinkedHashSet<>(List.of(knownKeys));
    for (String key : this.json.fieldNames()) {
      if (!known.contains(key)) {
        String hint = closest(key, known);
        throw new ConfigException(key(key), "unknown key"
            + (hint == null ? "; known keys are " + String.join(", ", known)
                : "; did you mean " + hint + "?"));
      }
    }
  }

  /** The full path of a key of this object. */
  String key(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The value of a key, with objects and lists wrapped as JsonObject and JsonArray. */
  Object value(String key) {
    return json.getValue(key);
  }

  boolean has(String key) {
    return json.getValue(key) != null;
  }

  /** The sub-object under a key; empty when absent. */
  JsonObject object(String key) {
    Object v = value(key);
    if (v == null) {
      return new JsonObject();
    }
    if (!(v instanceof JsonObject o)) {
      throw bad(key(key), "an object", v);
    }
    return o;
  }

  /** A list under a key; null when absent. */
  JsonArray array(String key) {
    Object v = value(key);
    if (v != null && !(v instanceof JsonArray)) {
      throw bad(key(key), "a list", v);
    }
    return (JsonArray) v;
  }

  String string(String key, String defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw bad(key(key), "a non-empty string", v);
    }
    return s;
  }

  boolean bool(String key, boolean defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Boolean b)) {
      throw bad(key(key), "true or false", v);
    }
    return b;
  }

  int positiveInt(String key, int defaultValue) {
    return (int) longIn(key, defaultValue, 1, Integer.MAX_VALUE, "a positive integer");
  }

  long positiveLong(String key, long defaultValue) {
    return longIn(key, defaultValue, 1, Long.MAX_VALUE, "a positive integer");
  }

  int port(String key, int defaultValue, int min) {
    return (int) longIn(key, defaultValue, min, 65535, "a port number (" + min + "-65535)");
  }

  long longIn(String key, long defaultValue, long min, long max, String expected) {
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

  /** A positive duration: a string such as "5m", or a number of seconds. */
  Duration duration(String key, Duration defaultValue) {
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
  List<String> strings(String key, List<String> defaultValue,
      BiFunction<String, String, String> check) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    return strings(v, key(key), check, false);
  }

  /** As {@link #strings(String, List, BiFunction)}; a lone string is a list of one if allowed. */
  static List<String> strings(Object v, String path, BiFunction<String, String, String> check,
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
    return out;
  }

  /** The error "path: must be expected, got value". */
  static ConfigException bad(String path, String expected, Object got) {
    return new ConfigException(path, "must be " + expected + ", got " + render(got));
  }

  /** A value as it appears in an error message: strings quoted and cut short, containers named. */
  static String render(Object v) {
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

  private static String closest(String key, Set<String> known) {
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
