package io.vmta.mta.config;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.Checks;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.Names;
import java.util.Objects;

/** Where the management HTTP endpoint listens; loopback by default. */
public class ManagementOptions {

  /** Default bind address: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port. */
  public static final int DEFAULT_PORT = 8025;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String token;

  /** The defaults. */
  public ManagementOptions() {
  }

  /** A copy. */
  public ManagementOptions(ManagementOptions other) {
    this.host = other.host;
    this.port = other.port;
    this.token = other.token;
  }

  /** Reads and validates JSON; errors name keys as {@code management.port}. */
  public ManagementOptions(JsonObject json) {
    this(ConfigReader.root(json, "management"));
  }

  /** Reads the {@code management} object and ends its reader. */
  ManagementOptions(ConfigReader r) {
    host = Names.host(r.string("host", DEFAULT_HOST), r.key("host"));
    port = r.port("port", DEFAULT_PORT, 0);
    token = r.string("token", null);
    if (token != null && token.isBlank()) {
      throw ConfigReader.bad(r.key("token"), "a non-empty string", token);
    }
    validate(r.path());
    r.end();
  }

  /**
   * Checks what no single setter can: a host other than loopback needs a token. Throws a
   * {@link ConfigException} naming {@code <path>.token}.
   */
  public void validate(String path) {
    if (!isLoopback(host) && (token == null || token.isBlank())) {
      throw new ConfigException((path.isEmpty() ? "" : path + ".") + "token",
          "required when host is not a loopback address (host is " + host + ")");
    }
  }

  /** Whether {@code host} is a loopback address or {@code localhost}; names are never resolved. */
  public static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    String[] parts = h.split("\\.");
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String p : parts) {
      if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** These options as configuration JSON. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("port", port);
    if (token != null) {
      json.put("token", token);
    }
    return json;
  }

  /** The bearer token required when the host is not loopback; null when none is set. */
  public String getToken() {
    return token;
  }

  /** Sets the bearer token ({@code Authorization: Bearer <token>}). */
  public ManagementOptions setToken(String token) {
    this.token = token;
    return this;
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
    this.port = Checks.port("management.port", port, 0);
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManagementOptions m && m.host.equals(host) && m.port == port
        && Objects.equals(m.token, token);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, token);
  }

  @Override
  public String toString() {
    JsonObject json = toJson();
    if (token != null) {
      json.put("token", "***");
    }
    return json.encode();
  }
}
