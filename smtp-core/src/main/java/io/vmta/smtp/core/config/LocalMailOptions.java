package io.vmta.smtp.core.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who this MTA is and whose mail it keeps: {@code hostname}, {@code domains}, {@code aliases} and
 * {@code localUsers}, the top-level keys that the SMTP server (policy) and the queue (delivery)
 * both read. Declared here once; each of them holds one.
 */
public final class LocalMailOptions extends JsonOptions {

  /** Default host name for greetings and Received headers; never looked up in DNS. */
  public static final String DEFAULT_HOSTNAME = "localhost";
  /** Default local domains. */
  public static final List<String> DEFAULT_DOMAINS = List.of("example.test");

  private String hostname = DEFAULT_HOSTNAME;
  private List<String> domains = DEFAULT_DOMAINS;
  private Map<String, List<String>> aliases = Map.of();
  private List<String> localUsers = List.of();

  /** The defaults. */
  public LocalMailOptions() {
  }

  /** A copy. */
  public LocalMailOptions(LocalMailOptions other) {
    hostname = other.hostname;
    domains = other.domains;
    aliases = other.aliases;
    localUsers = other.localUsers;
  }

  /** Reads its keys from the top level of a configuration; the caller ends the reader. */
  public LocalMailOptions(ConfigReader r) {
    hostname = Names.domain(r.string("hostname", DEFAULT_HOSTNAME), r.key("hostname"));
    domains = r.strings("domains", DEFAULT_DOMAINS, Names::domain);
    aliases = aliases(r.map("aliases"), r.key("aliases"));
    localUsers = r.strings("localUsers", List.of(), Names::address);
  }

  /** Its keys as configuration JSON. */
  @Override
  public JsonObject toJson() {
    JsonObject aliasObject = new JsonObject();
    aliases.forEach((k, v) -> aliasObject.put(k, new JsonArray(new ArrayList<>(v))));
    return new JsonObject()
        .put("hostname", hostname)
        .put("domains", new JsonArray(new ArrayList<>(domains)))
        .put("aliases", aliasObject)
        .put("localUsers", new JsonArray(new ArrayList<>(localUsers)));
  }

  /** The name this server gives itself in greetings and Received headers (lower-case ASCII). */
  public String getHostname() {
    return hostname;
  }

  /** Sets the host name (an IDN is converted to ASCII). */
  public LocalMailOptions setHostname(String hostname) {
    this.hostname = Names.domain(Objects.requireNonNull(hostname, "hostname"), "hostname");
    return this;
  }

  /** The local domains, lower-case ASCII. */
  public List<String> getDomains() {
    return domains;
  }

  /** Sets the local domains (validated and normalised). */
  public LocalMailOptions setDomains(List<String> domains) {
    this.domains = ConfigReader.strings(domains, "domains", Names::domain);
    return this;
  }

  /** Aliases: lower-cased address to the addresses it expands to (never empty). */
  public Map<String, List<String>> getAliases() {
    return aliases;
  }

  /** Sets the aliases (validated and lower-cased). */
  public LocalMailOptions setAliases(Map<String, List<String>> aliases) {
    JsonObject json = new JsonObject();
    aliases.forEach((k, v) -> json.put(k, new JsonArray(new ArrayList<>(v))));
    this.aliases = aliases(json, "aliases");
    return this;
  }

  /** The addresses of the local mailboxes (the MTA takes them from its users file). */
  public List<String> getLocalUsers() {
    return localUsers;
  }

  /** Sets the addresses of the local mailboxes (validated and lower-cased). */
  public LocalMailOptions setLocalUsers(List<String> localUsers) {
    this.localUsers = ConfigReader.strings(localUsers, "localUsers", Names::address);
    return this;
  }

  /** The aliases: address keys to one address or a non-empty list, all lower-cased. */
  private static Map<String, List<String>> aliases(JsonObject json, String path) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    Map<String, String> written = new LinkedHashMap<>();
    for (String key : json.fieldNames()) {
      String keyPath = path + "[" + ConfigReader.render(key) + "]";
      String address = Names.address(key, keyPath);
      String previous = written.putIfAbsent(address, key);
      if (previous != null) {
        throw new ConfigException(keyPath, "same address as " + ConfigReader.render(previous));
      }
      List<String> targets = ConfigReader.strings(json.getValue(key), keyPath, Names::address, true);
      if (targets.isEmpty()) {
        throw new ConfigException(keyPath, "must list at least one address");
      }
      out.put(address, targets);
    }
    return Collections.unmodifiableMap(out);
  }
}
