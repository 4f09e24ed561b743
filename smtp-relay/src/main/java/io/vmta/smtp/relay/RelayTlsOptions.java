package io.vmta.smtp.relay;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.JsonOptions;
import io.vmta.smtp.relay.client.TlsLevel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code relay.tls}: the CAs trusted besides the JDK's ({@code caFile}, a PEM bundle) and the TLS
 * level per destination ({@code policy}: {@code example.org} for that domain, {@code .example.org}
 * for its subdomains, to one of {@code none}, {@code may}, {@code encrypt}, {@code verify},
 * {@code dane}). The most specific entry wins; a domain without one gets {@link #DEFAULT_LEVEL}.
 */
public final class RelayTlsOptions extends JsonOptions {

  /** The level of a destination no entry names: opportunistic TLS. */
  public static final TlsLevel DEFAULT_LEVEL = TlsLevel.MAY;

  /** The level for a domain and where it came from, e.g. {@code relay.tls.policy[.example.org]}. */
  public record Match(TlsLevel level, String source) {
  }

  private String caFile;
  private Map<String, TlsLevel> policy = Map.of();

  /** No extra CA, no entry. */
  public RelayTlsOptions() {
  }

  /** A copy of {@code other}. */
  public RelayTlsOptions(RelayTlsOptions other) {
    this(other.toJson());
  }

  /** Reads the JSON form given alone; errors name keys as {@code relay.tls.policy}. */
  public RelayTlsOptions(JsonObject json) {
    this(ConfigReader.root(json, "relay.tls"), true);
  }

  /** Reads the {@code tls} object of {@code relay}; the caller ends the reader. */
  RelayTlsOptions(ConfigReader r) {
    this(r, false);
  }

  private RelayTlsOptions(ConfigReader r, boolean whole) {
    caFile = r.string("caFile", null);
    JsonObject map = r.map("policy");
    Map<String, TlsLevel> out = new TreeMap<>();
    for (String key : map.fieldNames()) {
      String path = r.key("policy") + "." + key;
      String domain = RelayOptions.tlsDomain(key, path);
      Object v = map.getValue(key);
      TlsLevel level = v instanceof String s ? TlsLevel.parse(s) : null;
      if (level == null) {
        throw ConfigReader.bad(path, "one of none, may, encrypt, verify, dane", v);
      }
      if (out.put(domain, level) != null) {
        throw ConfigReader.bad(path, "a domain named once", key);
      }
    }
    policy = Map.copyOf(out);
    if (whole) {
      r.endAndLog();
    }
  }

  /** The JSON form read by {@link #RelayTlsOptions(JsonObject)}. */
  @Override
  public JsonObject toJson() {
    JsonObject map = new JsonObject();
    new TreeMap<>(policy).forEach((d, l) -> map.put(d, l.jsonName()));
    return new JsonObject().put("caFile", caFile).put("policy", map);
  }

  /** The PEM bundle of CAs trusted besides the JDK's, or null. */
  public String getCaFile() { return caFile; }
  /** Sets the PEM bundle of CAs trusted besides the JDK's (a path; null for none). */
  public RelayTlsOptions setCaFile(String v) { caFile = v; return this; }
  /** The level per destination pattern ({@code example.org}, {@code .example.org}). */
  public Map<String, TlsLevel> getPolicy() { return policy; }
  /** Sets the level per destination pattern; patterns are checked and normalised. */
  public RelayTlsOptions setPolicy(Map<String, TlsLevel> v) {
    Map<String, TlsLevel> out = new TreeMap<>();
    v.forEach((k, l) -> out.put(RelayOptions.tlsDomain(k, "relay.tls.policy." + k), java.util.Objects.requireNonNull(l)));
    policy = Map.copyOf(out);
    return this;
  }

  /**
   * The level for mail to {@code domain}: the entry for the domain itself, else the one for its
   * nearest parent given as {@code .parent}; at one pattern, {@code policy} wins over
   * {@code requireTls} (the older list, meaning {@code encrypt}); else {@link #DEFAULT_LEVEL}.
   */
  public Match lookup(String domain, List<String> requireTls) {
    String d = domain.toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    Map<String, Match> rules = new LinkedHashMap<>();
    requireTls.forEach(p -> rules.put(p, new Match(TlsLevel.ENCRYPT, "relay.requireTls[" + p + "]")));
    policy.forEach((p, l) -> rules.put(p, new Match(l, "relay.tls.policy[" + p + "]")));
    Match exact = rules.get(d);
    if (exact != null) {
      return exact;
    }
    for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
      Match parent = rules.get(d.substring(dot));
      if (parent != null) {
        return parent;
      }
    }
    return new Match(DEFAULT_LEVEL, "default");
  }
}
