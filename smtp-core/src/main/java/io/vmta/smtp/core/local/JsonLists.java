package io.vmta.smtp.core.local;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON forms of the address lists and alias maps that several options classes carry. */
public final class JsonLists {

  private JsonLists() {
  }

  /** The strings of {@code array}, or {@code fallback} when the key was absent (null). */
  public static List<String> strings(JsonArray array, List<String> fallback) {
    if (array == null) {
      return fallback;
    }
    List<String> out = new ArrayList<>();
    array.forEach(o -> out.add(String.valueOf(o)));
    return out;
  }

  /** An alias map: each value one address or a list; {@code fallback} when absent (null). */
  public static Map<String, List<String>> aliases(JsonObject json, Map<String, List<String>> fallback) {
    if (json == null) {
      return fallback;
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String key : json.fieldNames()) {
      Object v = json.getValue(key);
      out.put(key, v instanceof JsonArray a ? strings(a, List.of()) : List.of(String.valueOf(v)));
    }
    return out;
  }

  /** The JSON form read by {@link #aliases}. */
  public static JsonObject toJson(Map<String, ? extends Collection<String>> aliases) {
    JsonObject json = new JsonObject();
    aliases.forEach((k, v) -> json.put(k, new JsonArray(new ArrayList<>(v))));
    return json;
  }

  /** The JSON form read by {@link #strings}. */
  public static JsonArray toJson(Collection<String> strings) {
    return new JsonArray(new ArrayList<>(strings));
  }
}
