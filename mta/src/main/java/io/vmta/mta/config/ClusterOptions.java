package io.vmta.mta.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.Checks;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.JsonOptions;
import io.vmta.smtp.core.config.Names;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Clustering over Hazelcast: off by default; the roles of this node; TCP/IP join members. */
public class ClusterOptions extends JsonOptions {

  /** Default: a single node, not clustered. */
  public static final boolean DEFAULT_ENABLED = false;
  /** Default roles: everything. */
  public static final Set<ClusterRole> DEFAULT_ROLES =
      Collections.unmodifiableSet(EnumSet.allOf(ClusterRole.class));
  /** Default cluster bind address. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default cluster port (Hazelcast's). */
  public static final int DEFAULT_PORT = 5701;
  /** Default members to join: none. */
  public static final List<String> DEFAULT_MEMBERS = List.of();

  private boolean enabled = DEFAULT_ENABLED;
  private Set<ClusterRole> roles = DEFAULT_ROLES;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private List<String> members = DEFAULT_MEMBERS;

  /** The defaults. */
  public ClusterOptions() {
  }

  /** A copy. */
  public ClusterOptions(ClusterOptions other) {
    this.enabled = other.enabled;
    this.roles = other.roles;
    this.host = other.host;
    this.port = other.port;
    this.members = other.members;
  }

  /** Reads and validates JSON; errors name keys as {@code cluster.roles[0]}. */
  public ClusterOptions(JsonObject json) {
    this(ConfigReader.root(json, "cluster"));
  }

  /** Reads the {@code cluster} object and ends its reader. */
  ClusterOptions(ConfigReader r) {
    enabled = r.bool("enabled", DEFAULT_ENABLED);
    List<String> names = r.strings("roles", null, (s, p) -> {
      try {
        return ClusterRole.fromJson(s).jsonName();
      } catch (IllegalArgumentException e) {
        throw ConfigReader.bad(p, "one of server, relay", s);
      }
    });
    if (names != null) {
      if (names.isEmpty()) {
        throw new ConfigException(r.key("roles"), "must name at least one of server, relay");
      }
      roles = toRoles(names);
    }
    host = Names.host(r.string("host", DEFAULT_HOST), r.key("host"));
    port = r.port("port", DEFAULT_PORT, 0);
    members = r.strings("members", DEFAULT_MEMBERS, Names::host);
    r.end();
  }

  /** These options as configuration JSON. */
  @Override
  public JsonObject toJson() {
    JsonArray roleNames = new JsonArray();
    roles.forEach(role -> roleNames.add(role.jsonName()));
    return new JsonObject()
        .put("enabled", enabled)
        .put("roles", roleNames)
        .put("host", host)
        .put("port", port)
        .put("members", new JsonArray(new ArrayList<>(members)));
  }

  /** Tells whether this node joins a cluster. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets whether this node joins a cluster. */
  public ClusterOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  /** The roles of this node, never empty. */
  public Set<ClusterRole> getRoles() {
    return roles;
  }

  /** Sets the roles of this node (at least one). */
  public ClusterOptions setRoles(Set<ClusterRole> roles) {
    if (roles.isEmpty()) {
      throw new ConfigException("roles", "must name at least one of server, relay");
    }
    this.roles = Collections.unmodifiableSet(EnumSet.copyOf(roles));
    return this;
  }

  /** The address the cluster member binds. */
  public String getHost() {
    return host;
  }

  /** Sets the address the cluster member binds. */
  public ClusterOptions setHost(String host) {
    this.host = Names.host(Objects.requireNonNull(host, "host"), "host");
    return this;
  }

  /** The cluster port. */
  public int getPort() {
    return port;
  }

  /** Sets the cluster port (0-65535). */
  public ClusterOptions setPort(int port) {
    this.port = Checks.port("cluster.port", port, 0);
    return this;
  }

  /** The members to join, as {@code host} or {@code host:port}. */
  public List<String> getMembers() {
    return members;
  }

  /** Sets the members to join. */
  public ClusterOptions setMembers(List<String> members) {
    members.forEach(m -> Names.host(m, "members"));
    this.members = List.copyOf(members);
    return this;
  }

  private static Set<ClusterRole> toRoles(List<String> names) {
    EnumSet<ClusterRole> set = EnumSet.noneOf(ClusterRole.class);
    names.forEach(n -> set.add(ClusterRole.fromJson(n)));
    return Collections.unmodifiableSet(set);
  }
}
