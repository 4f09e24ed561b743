package io.vmta.mta.config;

import io.vmta.smtp.core.local.Cidr;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Outbound delivery: DNS servers for MX lookups, destination port, smarthost and retries. */
public class RelayOptions extends JsonOptions {

  /** Default DNS servers: none, meaning the system resolvers. */
  public static final List<String> DEFAULT_DNS_SERVERS = List.of();
  /** Default DNS port when a server is given without one. */
  public static final int DEFAULT_DNS_PORT = 53;
  /** Default destination SMTP port. */
  public static final int DEFAULT_PORT = 25;

  private static final String DNS_SERVER =
      "an IP address with an optional port, like \"192.0.2.53:53\" or \"[2001:db8::53]:53\"";

  private List<String> dnsServers = DEFAULT_DNS_SERVERS;
  private int port = DEFAULT_PORT;
  private JsonObject smarthost;
  private RetryOptions retry = new RetryOptions();
  private List<String> requireTls = List.of();

  /** The defaults. */
  public RelayOptions() {
  }

  /** A copy. */
  public RelayOptions(RelayOptions other) {
    this.dnsServers = other.dnsServers;
    this.port = other.port;
    this.smarthost = other.smarthost == null ? null : other.smarthost.copy();
    this.retry = new RetryOptions(other.retry);
    this.requireTls = other.requireTls;
  }

  /** Reads and validates JSON; errors name keys as {@code relay.port}. */
  public RelayOptions(JsonObject json) {
    this(json, "relay");
  }

  RelayOptions(JsonObject json, String path) {
    ConfigReader r = new ConfigReader(json, path, "dnsServers", "port", "smarthost", "retry", "requireTls");
    dnsServers = List.copyOf(r.strings("dnsServers", DEFAULT_DNS_SERVERS, RelayOptions::dnsServer));
    port = r.port("port", DEFAULT_PORT, 1);
    Object s = r.value("smarthost");
    if (s != null && !(s instanceof JsonObject)) {
      throw ConfigReader.bad(r.key("smarthost"), "an object or null", s);
    }
    smarthost = s == null ? null : smarthost((JsonObject) s, r.key("smarthost"));
    retry = new RetryOptions(r.object("retry"), r.key("retry"));
    requireTls = List.copyOf(r.strings("requireTls", List.of(), RelayOptions::tlsDomain));
  }

  /** {@code example.com} (that domain) or {@code .example.com} (its subdomains), normalised. */
  static String tlsDomain(String text, String path) {
    return text.startsWith(".") ? "." + Names.domain(text.substring(1), path) : Names.domain(text, path);
  }

  /** Checks {@code {host, port, tls, username, password}}; errors name the key. */
  private static JsonObject smarthost(JsonObject json, String path) {
    ConfigReader r = new ConfigReader(json, path, "host", "port", "tls", "username", "password");
    String host = r.string("host", null);
    if (host == null || host.isBlank()) {
      throw ConfigReader.bad(r.key("host"), "a host name or IP address", host);
    }
    Names.host(host, r.key("host"));
    r.port("port", 587, 1);
    String tls = r.string("tls", "starttls");
    if (!List.of("starttls", "implicit", "none").contains(tls)) {
      throw ConfigReader.bad(r.key("tls"), "one of starttls, implicit, none", tls);
    }
    boolean user = r.string("username", null) != null;
    boolean password = r.string("password", null) != null;
    if (user != password) {
      throw new ConfigException(path, "username and password go together");
    }
    if (user && tls.equals("none")) {
      throw new ConfigException(r.key("tls"), "a password is only ever sent over TLS: starttls or implicit");
    }
    return json.copy();
  }

  /** These options as configuration JSON. */
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("dnsServers", new JsonArray(new ArrayList<>(dnsServers)))
        .put("port", port)
        .put("smarthost", smarthost == null ? null : smarthost.copy())
        .put("retry", retry.toJson())
        .put("requireTls", new JsonArray(new ArrayList<>(requireTls)));
  }

  /**
   * The destinations mail goes to only over TLS: {@code example.com} for that domain,
   * {@code .example.com} for its subdomains. A peer that offers no STARTTLS or fails the
   * handshake defers the mail (never sent in clear); other destinations use opportunistic TLS.
   */
  public List<String> getRequireTls() {
    return requireTls;
  }

  /** Sets the domains that require TLS (see {@link #getRequireTls()}). */
  public RelayOptions setRequireTls(List<String> domains) {
    List<String> checked = new ArrayList<>();
    for (String d : domains) {
      checked.add(tlsDomain(d, "requireTls"));
    }
    this.requireTls = List.copyOf(checked);
    return this;
  }

  /** The DNS servers as {@code host:port} strings ({@code [v6]:port}); empty means the system's. */
  public List<String> getDnsServers() {
    return dnsServers;
  }

  /** The DNS servers as socket addresses, built without any lookup. */
  public List<InetSocketAddress> dnsServerAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String server : dnsServers) {
      int colon = server.lastIndexOf(':');
      String host = server.substring(0, colon).replace("[", "").replace("]", "");
      InetAddress address = Cidr.parseAddress(host);
      out.add(new InetSocketAddress(address, Integer.parseInt(server.substring(colon + 1))));
    }
    return out;
  }

  /** Sets the DNS servers ({@code host} or {@code host:port}, IP literals only). */
  public RelayOptions setDnsServers(List<String> dnsServers) {
    List<String> checked = new ArrayList<>();
    for (String server : dnsServers) {
      checked.add(dnsServer(server, "dnsServers"));
    }
    this.dnsServers = List.copyOf(checked);
    return this;
  }

  /** The destination SMTP port. */
  public int getPort() {
    return port;
  }

  /** Sets the destination SMTP port (1-65535; tests point it at a fake server). */
  public RelayOptions setPort(int port) {
    if (port < 1 || port > 65535) {
      throw ConfigReader.bad("port", "a port number (1-65535)", port);
    }
    this.port = port;
    return this;
  }

  /** The smarthost settings, kept as given, or null to deliver directly to MX hosts. */
  public JsonObject getSmarthost() {
    return smarthost;
  }

  /** Sets the smarthost settings, or null. */
  public RelayOptions setSmarthost(JsonObject smarthost) {
    this.smarthost = smarthost;
    return this;
  }

  /** The retry schedule. */
  public RetryOptions getRetry() {
    return retry;
  }

  /** Sets the retry schedule. */
  public RelayOptions setRetry(RetryOptions retry) {
    this.retry = Objects.requireNonNull(retry, "retry");
    return this;
  }

  /** Checks {@code ip}, {@code ip:port}, {@code [ipv6]:port} or a bare IPv6; returns host:port. */
  static String dnsServer(String text, String path) {
    String host = text;
    String portText = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || (close != text.length() - 1 && text.charAt(close + 1) != ':')) {
        throw ConfigReader.bad(path, DNS_SERVER, text);
      }
      host = text.substring(1, close);
      portText = close == text.length() - 1 ? null : text.substring(close + 2);
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      portText = text.substring(text.indexOf(':') + 1);
    }
    int dnsPort = DEFAULT_DNS_PORT;
    try {
      Cidr.parseAddress(host);
      if (portText != null) {
        dnsPort = portText.matches("[0-9]{1,5}") ? Integer.parseInt(portText) : -1;
      }
    } catch (IllegalArgumentException e) {
      throw ConfigReader.bad(path, DNS_SERVER, text);
    }
    if (dnsPort < 1 || dnsPort > 65535) {
      throw ConfigReader.bad(path, DNS_SERVER, text);
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + dnsPort;
  }
}
