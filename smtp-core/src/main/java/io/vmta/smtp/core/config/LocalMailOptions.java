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
  /** Subaddressing on, with {@code +} as most mail systems do. */
  public static final String DEFAULT_RECIPIENT_DELIMITER = "+";
  /** The characters that may separate a local part from its extension (atext specials, RFC 5322). */
  static final String DELIMITER_CHARACTERS = "!#$%&'*+-/=?^_`{|}~.";

  private String hostname = DEFAULT_HOSTNAME;
  private List<String> domains = DEFAULT_DOMAINS;
  private Map<String, List<String>> aliases = Map.of();
  private List<String> localUsers = List.of();
  private String recipientDelimiter = DEFAULT_RECIPIENT_DELIMITER;

  /** The defaults. */
  public LocalMailOptions() {
  }

  /** A copy. */
  public LocalMailOptions(LocalMailOptions other) {
    hostname = other.hostname;
    domains = other.domains;
    aliases = other.aliases;
    localUsers = other.localUsers;
    recipientDelimiter = other.recipientDelimiter;
  }

  /** Reads its keys from the top level of a configuration; the caller ends the reader. */
  public LocalMailOptions(ConfigReader r) {
    hostname = Names.domain(r.string("hostname", DEFAULT_HOSTNAME), r.key("hostname"));
    domains = r.strings("domains", DEFAULT_DOMAINS, Names::domain);
    aliases = aliases(r.map("aliases"), r.key("aliases"));
    localUsers = r.strings("localUsers", List.of(), Names::address);
    Object delimiter = r.value("recipientDelimiter");
    recipientDelimiter = delimiter == null ? DEFAULT_RECIPIENT_DELIMITER
        : delimiter(delimiter, r.key("recipientDelimiter"));
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
        .put("localUsers", new JsonArray(new ArrayList<>(localUsers)))
        .put("recipientDelimiter", recipientDelimiter);
  }

  /**
   * The characters that separate a local part from its extension ({@code alice+lists@} is
   * {@code alice@}); empty: no subaddressing.
   */
  public String getRecipientDelimiter() {
    return recipientDelimiter;
  }

  /** Sets the delimiter characters ({@code ""} turns subaddressing off). */
  public LocalMailOptions setRecipientDelimiter(String delimiter) {
    this.recipientDelimiter = delimiter(delimiter, "recipientDelimiter");
    return this;
  }

  private static String delimiter(Object value, String path) {
    if (!(value instanceof String text) || text.length() > DELIMITER_CHARACTERS.length()
        || !text.chars().allMatch(c -> DELIMITER_CHARACTERS.indexOf(c) >= 0)) {
      throw ConfigReader.bad(path, "\"\" or characters from " + DELIMITER_CHARACTERS, value);
    }
    return text;
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
      // "@example.org" is that domain's catch-all, as in Postfix's virtual(5).
      String address = key.startsWith("@") ? "@" + Names.domain(key.substring(1), keyPath)
          : Names.address(key, keyPath);
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
