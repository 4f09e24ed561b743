package io.vmta.mta.config;

import io.vmta.smtp.core.local.Cidr;
import io.vmta.smtp.server.ListenerMode;
import io.vmta.smtp.server.ListenerOptions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validation of the list- and map-valued keys of {@link MtaOptions}. */
final class OptionLists {

  private OptionLists() {}

  /** The listeners; two on the same host and non-zero port are an error. */
  static List<ListenerOptions> listeners(JsonArray array, String path) {
    List<ListenerOptions> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String itemPath = path + "[" + i + "]";
      Object item = array.getValue(i);
      if (!(item instanceof JsonObject json)) {
        throw ConfigReader.bad(itemPath, "an object like {\"host\": \"0.0.0.0\", \"port\": 2525,"
            + " \"mode\": \"mx\"}", item);
      }
      ListenerOptions listener = listener(json, itemPath);
      for (int j = 0; j < out.size(); j++) {
        ListenerOptions other = out.get(j);
        if (listener.getPort() != 0 && other.getPort() == listener.getPort()
            && other.getHost().equals(listener.getHost())) {
          throw new ConfigException(itemPath, "same host and port as " + path + "[" + j + "] ("
              + listener.getHost() + ":" + listener.getPort() + ")");
        }
      }
      out.add(listener);
    }
    return List.copyOf(out);
  }

  /** One listener, {@code {"host": "0.0.0.0", "port": 2525, "mode": "mx"}}; errors name the key. */
  static ListenerOptions listener(JsonObject json, String path) {
    ConfigReader r = new ConfigReader(json, path, "host", "port", "mode");
    String host = Names.host(r.string("host", ListenerOptions.DEFAULT_HOST), r.key("host"));
    int port = r.port("port", MtaOptions.DEFAULT_MX_PORT, 0);
    String m = r.string("mode", null);
    ListenerMode mode = ListenerMode.MX;
    if (m != null) {
      try {
        mode = ListenerMode.fromJson(m);
      } catch (IllegalArgumentException e) {
        throw ConfigReader.bad(r.key("mode"), "one of mx, submission, smtps", m);
      }
    }
    return new ListenerOptions(host, port, mode);
  }

  /** The aliases: address keys to one address or a non-empty list, all lower-cased. */
  static Map<String, List<String>> aliases(JsonObject json, String path) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    Map<String, String> written = new LinkedHashMap<>();
    for (String key : json.fieldNames()) {
      String keyPath = path + "[" + ConfigReader.render(key) + "]";
      String address = Names.address(key, keyPath);
      String previous = written.putIfAbsent(address, key);
      if (previous != null) {
        throw new ConfigException(keyPath, "same address as " + ConfigReader.render(previous));
      }
      Object value = json.getValue(key);
      List<String> targets = ConfigReader.strings(value, keyPath, Names::address, true);
      if (targets.isEmpty()) {
        throw new ConfigException(keyPath, "must list at least one address");
      }
      out.put(address, List.copyOf(targets));
    }
    return Collections.unmodifiableMap(out);
  }

  /** One trusted network, checked by parsing it as a {@link Cidr}; returned as written. */
  static String network(String text, String path) {
    try {
      Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path, "must be a network like \"127.0.0.0/8\" or \"::1/128\": "
          + e.getMessage());
    }
    return text;
  }
}
