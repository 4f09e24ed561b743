package io.vmta.smtp.relay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.local.JsonLists;
import io.vmta.smtp.relay.client.ClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Options of {@link RelayVerticle}: where the DNS servers are, which port the destination
 * servers listen on (25; tests point it elsewhere), an optional smarthost that takes all remote
 * mail, and the SMTP client's own options.
 */
public final class RelayOptions {

  public static final int DEFAULT_PORT = 25;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_DESTINATION = 10;
  public static final long DEFAULT_DNS_TIMEOUT_MILLIS = 5000;
  /** How long a connection that finished a transaction stays open for the next one. */
  public static final long DEFAULT_CONNECTION_IDLE_MILLIS = 5000;

  /** How to reach a smarthost: {@code starttls} (required), {@code implicit} TLS, or {@code none}. */
  public enum SmarthostTls { STARTTLS, IMPLICIT, NONE }

  /** The one upstream server that takes all remote mail (DESIGN.md relay.smarthost). */
  public record Smarthost(String host, int port, SmarthostTls tls, String username, String password) {
    public Smarthost {
      Objects.requireNonNull(host, "smarthost.host");
      tls = tls == null ? SmarthostTls.STARTTLS : tls;
    }

    /** Reads {@code {host, port, tls, username, password}}; the port defaults by TLS mode. */
    public static Smarthost fromJson(JsonObject json) {
      SmarthostTls tls = SmarthostTls.valueOf(json.getString("tls", "starttls").toUpperCase(java.util.Locale.ROOT));
      int port = json.getInteger("port", tls == SmarthostTls.IMPLICIT ? 465 : 587);
      return new Smarthost(json.getString("host"), port, tls, json.getString("username"), json.getString("password"));
    }

    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("host", host).put("port", port)
          .put("tls", tls.name().toLowerCase(java.util.Locale.ROOT));
      if (username != null) {
        json.put("username", username).put("password", password);
      }
      return json;
    }

    @Override
    public String toString() {
      return "Smarthost[" + host + ":" + port + ", " + tls + ", user=" + username + "]";
    }
  }

  private List<String> dnsServers = new ArrayList<>();
  private long dnsTimeoutMillis = DEFAULT_DNS_TIMEOUT_MILLIS;
  private int port = DEFAULT_PORT;
  private Smarthost smarthost;
  private int maxConnectionsPerDestination = DEFAULT_MAX_CONNECTIONS_PER_DESTINATION;
  private ClientOptions client = new ClientOptions();
  private long connectionIdleMillis = DEFAULT_CONNECTION_IDLE_MILLIS;
  private List<String> localNames = new ArrayList<>();
  private List<Integer> localPorts = new ArrayList<>();
  private List<String> requireTls = new ArrayList<>();

  public RelayOptions() {
  }

  public RelayOptions(RelayOptions other) {
    this(other.toJson());
  }

  /** Reads the form written by {@link #toJson()}; a missing key keeps its default. */
  public RelayOptions(JsonObject json) {
    dnsServers = JsonLists.strings(json.getJsonArray("dnsServers"), dnsServers);
    dnsTimeoutMillis = json.getLong("dnsTimeoutMillis", dnsTimeoutMillis);
    port = json.getInteger("port", port);
    JsonObject sh = json.getJsonObject("smarthost");
    smarthost = sh == null ? null : Smarthost.fromJson(sh);
    maxConnectionsPerDestination = json.getInteger("maxConnectionsPerDestination", maxConnectionsPerDestination);
    connectionIdleMillis = json.getLong("connectionIdleMillis", connectionIdleMillis);
    JsonObject c = json.getJsonObject("client");
    client = c == null ? new ClientOptions() : new ClientOptions(c);
    localNames = JsonLists.strings(json.getJsonArray("localNames"), localNames);
    requireTls = JsonLists.strings(json.getJsonArray("requireTls"), requireTls);
    JsonArray ports = json.getJsonArray("localPorts");
    if (ports != null) {
      localPorts = new ArrayList<>();
      ports.forEach(p -> localPorts.add(((Number) p).intValue()));
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("dnsServers", new JsonArray(new ArrayList<>(dnsServers)))
        .put("dnsTimeoutMillis", dnsTimeoutMillis)
        .put("port", port)
        .put("smarthost", smarthost == null ? null : smarthost.toJson())
        .put("maxConnectionsPerDestination", maxConnectionsPerDestination)
        .put("client", client.toJson())
        .put("connectionIdleMillis", connectionIdleMillis)
        .put("localNames", new JsonArray(new ArrayList<>(localNames)))
        .put("localPorts", new JsonArray(new ArrayList<>(localPorts)))
        .put("requireTls", new JsonArray(new ArrayList<>(requireTls)));
  }

  public List<String> getDnsServers() { return dnsServers; }
  public RelayOptions setDnsServers(List<String> v) { this.dnsServers = new ArrayList<>(v); return this; }
  public long getDnsTimeoutMillis() { return dnsTimeoutMillis; }
  public RelayOptions setDnsTimeoutMillis(long v) { this.dnsTimeoutMillis = v; return this; }
  public int getPort() { return port; }
  public RelayOptions setPort(int v) { this.port = v; return this; }
  public Smarthost getSmarthost() { return smarthost; }
  public RelayOptions setSmarthost(Smarthost v) { this.smarthost = v; return this; }
  public int getMaxConnectionsPerDestination() { return maxConnectionsPerDestination; }
  public RelayOptions setMaxConnectionsPerDestination(int v) { this.maxConnectionsPerDestination = v; return this; }
  public long getConnectionIdleMillis() { return connectionIdleMillis; }
  public RelayOptions setConnectionIdleMillis(long v) { this.connectionIdleMillis = v; return this; }
  /** The host names of this MTA: an MX host by one of these names is this MTA (mail loop check). */
  public List<String> getLocalNames() { return localNames; }
  public RelayOptions setLocalNames(List<String> v) { this.localNames = new ArrayList<>(v); return this; }
  /**
   * The ports this MTA's SMTP listeners bind: when the destination {@link #getPort()} is one of
   * them, an MX host at one of this machine's addresses is this MTA (mail loop check).
   */
  public List<Integer> getLocalPorts() { return localPorts; }
  public RelayOptions setLocalPorts(List<Integer> v) { this.localPorts = new ArrayList<>(v); return this; }
  /**
   * Destinations reached only over TLS: {@code example.com} for that domain, {@code .example.com}
   * for its subdomains (lower case, A-labels). Without STARTTLS or with a failed handshake the
   * recipients are deferred, never sent in clear. Not for the smarthost, which has its own {@code tls}.
   */
  public List<String> getRequireTls() { return requireTls; }
  public RelayOptions setRequireTls(List<String> v) { this.requireTls = new ArrayList<>(v); return this; }
  /** Whether mail for {@code domain} must go over TLS ({@link #getRequireTls()}). */
  public boolean requiresTls(String domain) {
    String d = domain.toLowerCase(java.util.Locale.ROOT);
    for (String rule : requireTls) {
      if (rule.startsWith(".") ? d.endsWith(rule) : d.equals(rule)) {
        return true;
      }
    }
    return false;
  }
  public ClientOptions getClient() { return client; }
  public RelayOptions setClient(ClientOptions v) { this.client = new ClientOptions(v); return this; }
}
