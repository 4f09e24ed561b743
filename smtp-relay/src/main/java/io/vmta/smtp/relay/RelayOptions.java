package io.vmta.smtp.relay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mailauth.dns.DnsServers;
import io.vmta.smtp.core.config.Checks;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.Durations;
import io.vmta.smtp.relay.dane.DnssecMode;
import io.vmta.smtp.core.config.JsonOptions;
import io.vmta.smtp.core.config.Names;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.client.TlsLevel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Options of {@link RelayVerticle}, the {@code relay} object of the MTA configuration (whose
 * {@code retry} belongs to {@link QueueOptions}): DNS servers, the destination port, an optional
 * smarthost, the TLS level per destination ({@code tls}, and the older {@code requireTls}); and, for embedders, the SMTP client, pooling and the
 * mail loop check, which the MTA derives itself.
 */
public final class RelayOptions extends JsonOptions {

  /** Default destination SMTP port. */
  public static final int DEFAULT_PORT = 25;
  /** Default port of a DNS server given without one. */
  public static final int DEFAULT_DNS_PORT = DnsServers.DEFAULT_PORT;
  /** Default time a DNS lookup may take. */
  public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(5);
  /** Default most simultaneous connections to one destination. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_DESTINATION = 10;
  /** MTA-STS (RFC 8461) is applied to MX routing unless turned off. */
  public static final boolean DEFAULT_MTA_STS = true;
  /** Default time a connection that finished a transaction stays open for the next one. */
  public static final Duration DEFAULT_CONNECTION_IDLE = Duration.ofSeconds(5);

  private List<String> dnsServers = List.of();
  private Duration dnsTimeout = DEFAULT_DNS_TIMEOUT;
  private DnssecMode dnssec = DnssecMode.OFF;
  private String dnssecTrustAnchors;
  private int port = DEFAULT_PORT;
  private Smarthost smarthost;
  private List<String> requireTls = List.of();
  private RelayTlsOptions tls = new RelayTlsOptions();
  private boolean mtaSts = DEFAULT_MTA_STS;
  private int maxConnectionsPerDestination = DEFAULT_MAX_CONNECTIONS_PER_DESTINATION;
  private Duration connectionIdle = DEFAULT_CONNECTION_IDLE;
  private ClientOptions client = new ClientOptions();
  private List<String> localNames = List.of();
  private List<Integer> localPorts = List.of();

  /** The defaults. */
  public RelayOptions() {
  }

  /** A deep copy. */
  public RelayOptions(RelayOptions other) {
    this(other.toJson());
  }

  /** Reads the {@code relay} object given alone; errors name keys as {@code relay.port}. */
  public RelayOptions(JsonObject json) {
    this(ConfigReader.root(json, "relay"), true);
  }

  /** Reads the {@code relay} object of a larger configuration; the caller ends the reader. */
  public RelayOptions(ConfigReader r) {
    this(r, false);
  }

  private RelayOptions(ConfigReader r, boolean whole) {
    dnsServers = r.strings("dnsServers", List.of(), RelayOptions::dnsServer);
    dnsTimeout = r.duration("dnsTimeout", DEFAULT_DNS_TIMEOUT);
    Object mode = r.value("dnssec");
    dnssec = mode == null ? DnssecMode.OFF : DnssecMode.parse(mode);
    if (dnssec == null) {
      throw ConfigReader.bad(r.key("dnssec"), "false, \"validate\" or \"trust-ad\"", mode);
    }
    dnssecTrustAnchors = r.string("dnssecTrustAnchors", null);
    port = r.port("port", DEFAULT_PORT, 1);
    Object s = r.value("smarthost");
    if (s != null && !(s instanceof JsonObject)) {
      throw ConfigReader.bad(r.key("smarthost"), "an object or null", s);
    }
    smarthost = s == null ? null : Smarthost.read(r.object("smarthost"));
    requireTls = r.strings("requireTls", List.of(), RelayOptions::tlsDomain);
    tls = new RelayTlsOptions(r.object("tls"));
    mtaSts = r.bool("mtaSts", DEFAULT_MTA_STS);
    maxConnectionsPerDestination = r.positiveInt("maxConnectionsPerDestination",
        DEFAULT_MAX_CONNECTIONS_PER_DESTINATION);
    connectionIdle = r.duration("connectionIdle", DEFAULT_CONNECTION_IDLE);
    client = new ClientOptions(r.object("client"));
    localNames = r.strings("localNames", List.of(), Names::domain);
    JsonArray ports = r.array("localPorts");
    if (ports != null) {
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < ports.size(); i++) {
        Object p = ports.getValue(i);
        if (!(p instanceof Integer n) || n < 1 || n > 65535) {
          throw ConfigReader.bad(r.key("localPorts") + "[" + i + "]", "a port number (1-65535)", p);
        }
        out.add(n);
      }
      localPorts = List.copyOf(out);
    }
    if (whole) {
      r.endAndLog();
    }
  }

  /** The JSON form read by {@link #RelayOptions(JsonObject)}. */
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("dnsServers", new JsonArray(new ArrayList<>(dnsServers)))
        .put("dnsTimeout", Durations.format(dnsTimeout))
        .put("dnssec", dnssec.toJson())
        .put("dnssecTrustAnchors", dnssecTrustAnchors)
        .put("port", port)
        .put("smarthost", smarthost == null ? null : smarthost.toJson())
        .put("requireTls", new JsonArray(new ArrayList<>(requireTls)))
        .put("tls", tls.toJson())
        .put("mtaSts", mtaSts)
        .put("maxConnectionsPerDestination", maxConnectionsPerDestination)
        .put("connectionIdle", Durations.format(connectionIdle))
        .put("client", client.toJson())
        .put("localNames", new JsonArray(new ArrayList<>(localNames)))
        .put("localPorts", new JsonArray(new ArrayList<>(localPorts)));
  }

  /** The DNS servers as {@code host:port} ({@code [v6]:port}); empty means the system's resolvers. */
  public List<String> getDnsServers() { return dnsServers; }
  /** Sets the DNS servers ({@code ip} or {@code ip:port}, IP literals only). */
  public RelayOptions setDnsServers(List<String> v) {
    dnsServers = ConfigReader.strings(v, "relay.dnsServers", RelayOptions::dnsServer);
    return this;
  }
  /** The DNS servers as socket addresses, built without any lookup. */
  public List<InetSocketAddress> dnsServerAddresses() {
    return DnsServers.addresses(dnsServers);
  }
  /** How long a DNS lookup may take. */
  public Duration getDnsTimeout() { return dnsTimeout; }
  /** Sets how long a DNS lookup may take (millisecond precision). */
  public RelayOptions setDnsTimeout(Duration v) { dnsTimeout = Checks.positive("relay.dnsTimeout", v); return this; }
  /** How DNS answers are known to be DNSSEC-secure, which DANE needs; {@link DnssecMode#OFF} (no DANE) by default. */
  public DnssecMode getDnssec() { return dnssec; }
  /** Sets {@code relay.dnssec}. */
  public RelayOptions setDnssec(DnssecMode v) { dnssec = Objects.requireNonNull(v, "relay.dnssec"); return this; }
  /**
   * A file of DNSSEC trust anchors (DS or DNSKEY records in zone-file form) for
   * {@code relay.dnssec: "validate"}, or null for the root zone's, bundled with vmta.
   */
  public String getDnssecTrustAnchors() { return dnssecTrustAnchors; }
  /** Sets the trust anchor file, or null for the bundled root anchors. */
  public RelayOptions setDnssecTrustAnchors(String v) { dnssecTrustAnchors = v; return this; }
  /** The destination SMTP port (25; tests point it at a fake server). */
  public int getPort() { return port; }
  /** Sets the destination SMTP port (1-65535). */
  public RelayOptions setPort(int v) { port = Checks.port("relay.port", v, 1); return this; }
  /** The one upstream server that takes all remote mail, or null for MX routing. */
  public Smarthost getSmarthost() { return smarthost; }
  /** Sets the smarthost, or null. */
  public RelayOptions setSmarthost(Smarthost v) { smarthost = v; return this; }
  /** The most simultaneous connections to one destination. */
  public int getMaxConnectionsPerDestination() { return maxConnectionsPerDestination; }
  /** Sets the most simultaneous connections to one destination. */
  public RelayOptions setMaxConnectionsPerDestination(int v) {
    maxConnectionsPerDestination = (int) Checks.positive("relay.maxConnectionsPerDestination", v);
    return this;
  }
  /** How long a connection that finished a transaction stays open for the next one. */
  public Duration getConnectionIdle() { return connectionIdle; }
  /** Sets how long an idle outbound connection is kept (millisecond precision). */
  public RelayOptions setConnectionIdle(Duration v) { connectionIdle = Checks.positive("relay.connectionIdle", v); return this; }
  /** The host names of this MTA: an MX host by one of these names is this MTA (mail loop check). */
  public List<String> getLocalNames() { return localNames; }
  /** Sets the host names of this MTA. */
  public RelayOptions setLocalNames(List<String> v) { localNames = ConfigReader.strings(v, "relay.localNames", Names::domain); return this; }
  /**
   * The ports this MTA's SMTP listeners bind: when the destination {@link #getPort()} is one of
   * them, an MX host at one of this machine's addresses is this MTA (mail loop check).
   */
  public List<Integer> getLocalPorts() { return localPorts; }
  /** Sets the ports this MTA's listeners bind. */
  public RelayOptions setLocalPorts(List<Integer> v) {
    v.forEach(p -> Checks.port("relay.localPorts", p, 1));
    localPorts = List.copyOf(v);
    return this;
  }
  /**
   * Destinations reached only over TLS: {@code example.com} for that domain, {@code .example.com}
   * for its subdomains (lower case, A-labels): the older form of {@code relay.tls.policy} entries
   * at {@code encrypt}, which win over these for the same pattern. Not for the smarthost, which
   * has its own {@code tls}.
   */
  public List<String> getRequireTls() { return requireTls; }
  /** Sets the destinations reached only over TLS (see {@link #getRequireTls()}). */
  public RelayOptions setRequireTls(List<String> v) { requireTls = ConfigReader.strings(v, "relay.requireTls", RelayOptions::tlsDomain); return this; }
  /**
   * The TLS level for mail to {@code domain} routed by MX, and which entry gave it
   * ({@link RelayTlsOptions#lookup}, with {@link #getRequireTls()} as {@code encrypt} entries).
   */
  public RelayTlsOptions.Match tlsPolicy(String domain) {
    return tls.lookup(domain, requireTls);
  }
  /**
   * The TLS level the relay applies now to mail for {@code domain}, and what decided it: the
   * smarthost's settings when there is one (the policy belongs to the next hop), else
   * {@link #tlsPolicy(String)}.
   */
  public RelayTlsOptions.Match appliedTlsPolicy(String domain) {
    if (smarthost == null) {
      return tlsPolicy(domain);
    }
    if (smarthost.tls() == Smarthost.Tls.NONE) {
      return new RelayTlsOptions.Match(TlsLevel.NONE, "relay.smarthost.tls");
    }
    return smarthost.tlsVerify() ? new RelayTlsOptions.Match(TlsLevel.VERIFY, "relay.smarthost")
        : new RelayTlsOptions.Match(TlsLevel.ENCRYPT, "relay.smarthost.tlsVerify");
  }
  /** {@code relay.tls}: the extra CAs and the TLS level per destination. */
  public RelayTlsOptions getTls() { return tls; }
  /** Sets {@code relay.tls} (copied). */
  public RelayOptions setTls(RelayTlsOptions v) { tls = new RelayTlsOptions(Objects.requireNonNull(v)); return this; }
  /**
   * Whether the MTA-STS policies of destination domains (RFC 8461) are looked up and applied to
   * MX routing (not to the smarthost, the next hop that applies them).
   */
  public boolean isMtaSts() { return mtaSts; }
  /** Turns MTA-STS on or off. */
  public RelayOptions setMtaSts(boolean v) { mtaSts = v; return this; }
  /** The outbound SMTP client's options. */
  public ClientOptions getClient() { return client; }
  /** Sets the outbound SMTP client's options (copied). */
  public RelayOptions setClient(ClientOptions v) { client = new ClientOptions(Objects.requireNonNull(v)); return this; }

  /** {@code example.com} (that domain) or {@code .example.com} (its subdomains), normalised. */
  static String tlsDomain(String text, String path) {
    return text.startsWith(".") ? "." + Names.domain(text.substring(1), path) : Names.domain(text, path);
  }

  /** Checks {@code ip}, {@code ip:port}, {@code [ipv6]:port} or a bare IPv6; returns host:port. */
  public static String dnsServer(String text, String path) {
    return DnsServers.parse(text, path);
  }
}
