package io.vmta.mta.config;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** Where the management HTTP endpoint listens; loopback by default. */
public class ManagementOptions {

  /** Default bind address: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port. */
  public static final int DEFAULT_PORT = 8025;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;

  /** The defaults. */
  public ManagementOptions() {
  }

  /** A copy. */
  public ManagementOptions(ManagementOptions other) {
    this.host = other.host;
    this.port = other.port;
  }

  /** Reads and validates JSON; errors name keys as {@code management.port}. */
  public ManagementOptions(JsonObject json) {
    this(json, "management");
  }

  ManagementOptions(JsonObject json, String path) {
    ConfigReader r = new ConfigReader(json, path, "host", "port");
    host = Names.host(r.string("host", DEFAULT_HOST), r.key("host"));
    port = r.port("port", DEFAULT_PORT, 0);
  }

  /** These options as configuration JSON. */
  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port);
  }

  /** The address to bind. */
  public String getHost() {
    return host;
  }

  /** Sets the address to bind. */
  public ManagementOptions setHost(String host) {
    this.host = Names.host(Objects.requireNonNull(host, "host"), "host");
    return this;
  }

  /** The port; 0 picks a free one. */
  public int getPort() {
    return port;
  }

  /** Sets the port (0-65535). */
  public ManagementOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw ConfigReader.bad("port", "a port number (0-65535)", port);
    }
    this.port = port;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManagementOptions m && m.host.equals(host) && m.port == port;
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port);
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
