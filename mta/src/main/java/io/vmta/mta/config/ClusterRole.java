package io.vmta.mta.config;

import java.util.Locale;

/** What a cluster node runs: the SMTP server, the queue and relay, or both. */
public enum ClusterRole {
  /** The SMTP listeners. */
  SERVER,
  /** The queue and the delivery transports. */
  RELAY;

  /** The name used in the configuration: {@code server} or {@code relay}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role with this configuration name.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static ClusterRole fromJson(String name) {
    for (ClusterRole role : values()) {
      if (role.jsonName().equals(name)) {
        return role;
      }
    }
    throw new IllegalArgumentException("unknown cluster role: " + name);
  }
}
