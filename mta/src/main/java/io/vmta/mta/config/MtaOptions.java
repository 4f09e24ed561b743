package io.vmta.mta.config;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.JsonOptions;
import io.vmta.smtp.core.config.LocalMailOptions;
import io.vmta.smtp.relay.QueueOptions;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.server.SmtpServerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The whole configuration (DESIGN.md "Configuration"), composed of the modules' own options read
 * from the same JSON: {@link SmtpServerOptions} (hostname, domains, aliases, listeners, tls, limits,
 * trustedNetworks, restrictSenders), {@link QueueOptions} (dataDir, relay.retry) and
 * {@link RelayOptions} (the rest of relay). It adds only its own keys: users, management, cluster,
 * and dns.servers. Every key has a default, so {@code new MtaOptions(new JsonObject())} is a
 * working server on unprivileged ports.
 */
public class MtaOptions extends JsonOptions {

  /** Default users file, relative to the configuration file's directory; may be missing. */
  public static final String DEFAULT_USERS = "users.txt";

  /**
   * Keys the modules read that are no part of the MTA configuration: the MTA sets them itself
   * (local users from the users file; the relay's client, host names and ports from the rest) or
   * keeps their defaults.
   */
  private static final String[] SET_BY_THE_MTA = {"localUsers", "maxConcurrentDeliveries",
      "relay.dnsTimeout", "relay.maxConnectionsPerDestination", "relay.connectionIdle",
      "relay.client", "relay.localNames", "relay.localPorts"};

  private SmtpServerOptions server = new SmtpServerOptions();
  private QueueOptions queue = new QueueOptions();
  private RelayOptions relay = new RelayOptions();
  private String users = DEFAULT_USERS;
  private ManagementOptions management = new ManagementOptions();
  private ClusterOptions cluster = new ClusterOptions();
  private List<String> warnings = List.of();

  /** The defaults. */
  public MtaOptions() {
  }

  /** A deep copy. */
  public MtaOptions(MtaOptions other) {
    server = new SmtpServerOptions(other.server);
    queue = new QueueOptions(other.queue);
    relay = new RelayOptions(other.relay);
    users = other.users;
    management = new ManagementOptions(other.management);
    cluster = new ClusterOptions(other.cluster);
    warnings = other.warnings;
  }

  /**
   * Reads and validates the configuration.
   *
   * @throws io.vmta.smtp.core.config.ConfigException naming the first bad key, e.g.
   *     {@code limits.maxMessageSize}, or an unknown one with a "did you mean" hint
   */
  public MtaOptions(JsonObject json) {
    ConfigReader r = ConfigReader.root(json, "").without(SET_BY_THE_MTA);
    server = new SmtpServerOptions(r);
    queue = new QueueOptions(r);
    relay = new RelayOptions(r.object("relay"));
    // dns.servers (DESIGN.md, "Keys for the capabilities being added"), read by the server for the
    // checks of incoming mail, wins over relay.dnsServers, its older name; either serves both.
    if (r.object("dns").has("servers")) {
      relay.setDnsServers(server.getDnsServers());
    } else {
      server.setDnsServers(relay.getDnsServers());
    }
    users = r.string("users", DEFAULT_USERS);
    management = new ManagementOptions(r.object("management"));
    cluster = new ClusterOptions(r.object("cluster"));
    warnings = r.end();
  }

  /** The configuration as JSON that {@link #MtaOptions(JsonObject)} reads back equal. */
  @Override
  public JsonObject toJson() {
    JsonObject json = server.toJson().mergeIn(queue.toJson(), true);
    json.getJsonObject("relay").mergeIn(relay.toJson());
    json.put("users", users)
        .put("management", management.toJson())
        .put("cluster", cluster.toJson());
    for (String key : SET_BY_THE_MTA) {
      int dot = key.indexOf('.');
      (dot < 0 ? json : json.getJsonObject(key.substring(0, dot))).remove(key.substring(dot + 1));
    }
    return json;
  }

  /** What reading the configuration warned about, e.g. a key under its old name; empty otherwise. */
  public List<String> getWarnings() {
    return warnings;
  }

  /** The SMTP server's part: listeners, tls, limits, policy. */
  public SmtpServerOptions getServer() {
    return server;
  }

  /** Sets the SMTP server's part (copied). */
  public MtaOptions setServer(SmtpServerOptions server) {
    this.server = new SmtpServerOptions(server);
    return this;
  }

  /** The queue's part: dataDir, retries. */
  public QueueOptions getQueue() {
    return queue;
  }

  /** Sets the queue's part (copied). */
  public MtaOptions setQueue(QueueOptions queue) {
    this.queue = new QueueOptions(queue);
    return this;
  }

  /** The relay's part: DNS servers, destination port, smarthost, TLS levels (tls, requireTls). */
  public RelayOptions getRelay() {
    return relay;
  }

  /** Sets the relay's part (copied). */
  public MtaOptions setRelay(RelayOptions relay) {
    this.relay = new RelayOptions(relay);
    return this;
  }

  /**
   * The DNS servers of every lookup ({@code dns.servers}), as {@code host:port}; empty: the system's
   * resolvers.
   */
  public List<String> getDnsServers() {
    return server.getDnsServers();
  }

  /**
   * Sets the DNS servers of both the checks of incoming mail and the relay; set them here rather
   * than on one part, so that the configuration written back reads the same.
   */
  public MtaOptions setDnsServers(List<String> servers) {
    server.setDnsServers(servers);
    relay.setDnsServers(server.getDnsServers());
    return this;
  }

  /** Sets hostname, domains and aliases of both the server and the queue. */
  public MtaOptions setLocal(LocalMailOptions local) {
    server.setLocal(local);
    queue.setLocal(local);
    return this;
  }

  /** The host name (the server's and the queue's, which are one key). */
  public String getHostname() {
    return server.getHostname();
  }

  /** The local domains (the server's and the queue's, which are one key). */
  public List<String> getDomains() {
    return server.getDomains();
  }

  /** The data directory, as configured (relative paths are relative to the working directory). */
  public String getDataDir() {
    return queue.getDataDir();
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
}
