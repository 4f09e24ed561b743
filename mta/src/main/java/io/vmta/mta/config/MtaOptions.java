package io.vmta.mta.config;

import io.vmta.smtp.server.ListenerOptions;

import io.vmta.smtp.core.local.Cidr;

import io.vmta.smtp.server.ListenerMode;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration (DESIGN.md "Configuration"). Every key has a default, so
 * {@code new MtaOptions(new JsonObject())} is a working server on unprivileged ports.
 */
public class MtaOptions extends JsonOptions {

  /** Default host name for greetings and Received headers; never looked up in DNS. */
  public static final String DEFAULT_HOSTNAME = "localhost";
  /** Default data directory (spool, mailboxes, generated certificate). */
  public static final String DEFAULT_DATA_DIR = "./data";
  /** Default port of the mx listener. */
  public static final int DEFAULT_MX_PORT = 2525;
  /** Default port of the submission listener. */
  public static final int DEFAULT_SUBMISSION_PORT = 2587;
  /** Default port of the smtps listener. */
  public static final int DEFAULT_SMTPS_PORT = 2465;
  /** Default local domains. */
  public static final List<String> DEFAULT_DOMAINS = List.of("example.test");
  /** Default users file, relative to the configuration file's directory; may be missing. */
  public static final String DEFAULT_USERS = "users.txt";

  private String hostname = DEFAULT_HOSTNAME;
  private String dataDir = DEFAULT_DATA_DIR;
  private List<ListenerOptions> listeners = defaultListeners();
  private TlsOptions tls = new TlsOptions();
  private LimitsOptions limits = new LimitsOptions();
  private List<String> domains = DEFAULT_DOMAINS;
  private String users = DEFAULT_USERS;
  private Map<String, List<String>> aliases = Map.of();
  private List<String> trustedNetworks = List.of();
  /** Authenticated users may send only as their login or an alias that points to it. */
  public static final boolean DEFAULT_RESTRICT_SENDERS = true;
  private boolean restrictSenders = DEFAULT_RESTRICT_SENDERS;
  private List<Cidr> trustedCidrs = List.of();
  private RelayOptions relay = new RelayOptions();
  private ManagementOptions management = new ManagementOptions();
  private ClusterOptions cluster = new ClusterOptions();

  /** The defaults. */
  public MtaOptions() {
  }

  /** A deep copy. */
  public MtaOptions(MtaOptions other) {
    hostname = other.hostname;
    dataDir = other.dataDir;
    listeners = copyListeners(other.listeners);
    tls = new TlsOptions(other.tls);
    limits = new LimitsOptions(other.limits);
    domains = other.domains;
    users = other.users;
    aliases = other.aliases;
    trustedNetworks = other.trustedNetworks;
    trustedCidrs = other.trustedCidrs;
    relay = new RelayOptions(other.relay);
    management = new ManagementOptions(other.management);
    cluster = new ClusterOptions(other.cluster);
    restrictSenders = other.restrictSenders;
  }

  /**
   * Reads and validates the configuration.
   *
   * @throws ConfigException naming the first bad key, e.g. {@code limits.maxMessageSize}
   */
  public MtaOptions(JsonObject json) {
    ConfigReader r = new ConfigReader(json, "", "hostname", "dataDir", "listeners", "tls",
        "limits", "domains", "users", "aliases", "trustedNetworks", "relay", "management",
        "cluster", "restrictSenders");
    hostname = Names.domain(r.string("hostname", DEFAULT_HOSTNAME), "hostname");
    dataDir = r.string("dataDir", DEFAULT_DATA_DIR);
    if (r.has("listeners")) {
      listeners = OptionLists.listeners(r.array("listeners"), "listeners");
    }
    tls = new TlsOptions(r.object("tls"), "tls");
    limits = new LimitsOptions(r.object("limits"), "limits");
    domains = List.copyOf(r.strings("domains", DEFAULT_DOMAINS, Names::domain));
    users = r.string("users", DEFAULT_USERS);
    aliases = OptionLists.aliases(r.object("aliases"), "aliases");
    trustedNetworks = List.copyOf(r.strings("trustedNetworks", List.of(), OptionLists::network));
    trustedCidrs = trustedNetworks.stream().map(Cidr::parse).toList();
    relay = new RelayOptions(r.object("relay"), "relay");
    management = new ManagementOptions(r.object("management"), "management");
    cluster = new ClusterOptions(r.object("cluster"), "cluster");
    restrictSenders = r.bool("restrictSenders", DEFAULT_RESTRICT_SENDERS);
  }

  /** The configuration as JSON that {@link #MtaOptions(JsonObject)} reads back equal. */
  @Override
  public JsonObject toJson() {
    JsonArray listenerArray = new JsonArray();
    listeners.forEach(l -> listenerArray.add(l.toJson()));
    JsonObject aliasObject = new JsonObject();
    aliases.forEach((k, v) -> aliasObject.put(k, new JsonArray(new ArrayList<>(v))));
    return new JsonObject()
        .put("hostname", hostname)
        .put("dataDir", dataDir)
        .put("listeners", listenerArray)
        .put("tls", tls.toJson())
        .put("limits", limits.toJson())
        .put("domains", new JsonArray(new ArrayList<>(domains)))
        .put("users", users)
        .put("aliases", aliasObject)
        .put("trustedNetworks", new JsonArray(new ArrayList<>(trustedNetworks)))
        .put("relay", relay.toJson())
        .put("management", management.toJson())
        .put("cluster", cluster.toJson())
        .put("restrictSenders", restrictSenders);
  }

  /** The name this server gives itself in greetings and Received headers (lower-case ASCII). */
  public String getHostname() {
    return hostname;
  }

  /** Sets the host name (an IDN is converted to ASCII). */
  public MtaOptions setHostname(String hostname) {
    this.hostname = Names.domain(Objects.requireNonNull(hostname, "hostname"), "hostname");
    return this;
  }

  /** The data directory, as configured (relative paths are relative to the working directory). */
  public String getDataDir() {
    return dataDir;
  }

  /** Sets the data directory. */
  public MtaOptions setDataDir(String dataDir) {
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    return this;
  }

  /** The SMTP listeners (an unmodifiable list of mutable options: copy before changing). */
  public List<ListenerOptions> getListeners() {
    return listeners;
  }

  /** Sets the SMTP listeners (copied). */
  public MtaOptions setListeners(List<ListenerOptions> listeners) {
    this.listeners = copyListeners(listeners);
    return this;
  }

  /** The server certificate and key. */
  public TlsOptions getTls() {
    return tls;
  }

  /** Sets the server certificate and key. */
  public MtaOptions setTls(TlsOptions tls) {
    this.tls = Objects.requireNonNull(tls, "tls");
    return this;
  }

  /** The server limits. */
  public LimitsOptions getLimits() {
    return limits;
  }

  /** Sets the server limits. */
  public MtaOptions setLimits(LimitsOptions limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    return this;
  }

  /** The local domains, lower-case ASCII. */
  public List<String> getDomains() {
    return domains;
  }

  /** Sets the local domains (validated and normalised). */
  public MtaOptions setDomains(List<String> domains) {
    this.domains = List.copyOf(ConfigReader.strings(
        new JsonArray(new ArrayList<>(domains)), "domains", Names::domain, false));
    return this;
  }

  /** The users file as configured; see {@link #resolveUsers(Path)}. */
  public String getUsers() {
    return users;
  }

  /** Sets the users file. */
  public MtaOptions setUsers(String users) {
    this.users = Objects.requireNonNull(users, "users");
    return this;
  }

  /** The users file, a relative path taken against the configuration file's directory. */
  public Path resolveUsers(Path configDir) {
    Path path = Path.of(users);
    return path.isAbsolute() ? path : configDir.resolve(path).normalize();
  }

  /** Aliases: lower-cased address to the addresses it expands to (never empty). */
  public Map<String, List<String>> getAliases() {
    return aliases;
  }

  /** Sets the aliases (validated and lower-cased). */
  public MtaOptions setAliases(Map<String, List<String>> aliases) {
    JsonObject json = new JsonObject();
    aliases.forEach((k, v) -> json.put(k, new JsonArray(new ArrayList<>(v))));
    this.aliases = OptionLists.aliases(json, "aliases");
    return this;
  }

  /** The trusted networks as written, e.g. {@code 127.0.0.0/8}. */
  public List<String> getTrustedNetworks() {
    return trustedNetworks;
  }

  /** The trusted networks, parsed. */
  public List<Cidr> trustedCidrs() {
    return trustedCidrs;
  }

  /** Sets the trusted networks (CIDRs or bare addresses; names are refused). */
  public MtaOptions setTrustedNetworks(List<String> trustedNetworks) {
    this.trustedNetworks = List.copyOf(ConfigReader.strings(
        new JsonArray(new ArrayList<>(trustedNetworks)), "trustedNetworks", OptionLists::network,
        false));
    this.trustedCidrs = this.trustedNetworks.stream().map(Cidr::parse).toList();
    return this;
  }

  /** Outbound delivery. */
  public RelayOptions getRelay() {
    return relay;
  }

  /** Sets outbound delivery. */
  public MtaOptions setRelay(RelayOptions relay) {
    this.relay = Objects.requireNonNull(relay, "relay");
    return this;
  }

  /** The management endpoint. */
  public ManagementOptions getManagement() {
    return management;
  }

  /** Sets the management endpoint. */
  public MtaOptions setManagement(ManagementOptions management) {
    this.management = Objects.requireNonNull(management, "management");
    return this;
  }

  /** Clustering. */
  public ClusterOptions getCluster() {
    return cluster;
  }

  /** Sets clustering. */
  public MtaOptions setCluster(ClusterOptions cluster) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    return this;
  }

  /** New default listeners: mx, submission and smtps on all IPv4 interfaces. */
  public static List<ListenerOptions> defaultListeners() {
    return List.of(
        new ListenerOptions(ListenerOptions.DEFAULT_HOST, DEFAULT_MX_PORT, ListenerMode.MX),
        new ListenerOptions(ListenerOptions.DEFAULT_HOST, DEFAULT_SUBMISSION_PORT,
            ListenerMode.SUBMISSION),
        new ListenerOptions(ListenerOptions.DEFAULT_HOST, DEFAULT_SMTPS_PORT, ListenerMode.SMTPS));
  }

  /** Whether an authenticated user may send only as its own addresses (553 5.7.1 otherwise). */
  public boolean isRestrictSenders() {
    return restrictSenders;
  }

  /** Sets {@link #isRestrictSenders()}. */
  public MtaOptions setRestrictSenders(boolean restrictSenders) {
    this.restrictSenders = restrictSenders;
    return this;
  }

  private static List<ListenerOptions> copyListeners(List<ListenerOptions> list) {
    return list.stream().map(ListenerOptions::new).toList();
  }
}
