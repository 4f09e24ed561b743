package io.vmta.mta.config;

import io.vmta.smtp.server.ListenerMode;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** One SMTP listener, {@code {"host": "0.0.0.0", "port": 2525, "mode": "mx"}}; port 0: any. */
public class ListenerOptions {

  /** Default bind address: all IPv4 interfaces. */
  public static final String DEFAULT_HOST = "0.0.0.0";
  /** Default port. */
  public static final int DEFAULT_PORT = 2525;
  /** Default mode. */
  public static final ListenerMode DEFAULT_MODE = ListenerMode.MX;

  private String host;
  private int port;
  private ListenerMode mode;

  /** A listener with the defaults. */
  public ListenerOptions() {
    this(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MODE);
  }

  /** A listener on host and port in a mode. */
  public ListenerOptions(String host, int port, ListenerMode mode) {
    setHost(host).setPort(port).setMode(mode);
  }

  /** A copy. */
  public ListenerOptions(ListenerOptions other) {
    this(other.host, other.port, other.mode);
  }

  /** Reads and validates JSON; errors name keys as {@code listener.port}. */
  public ListenerOptions(JsonObject json) {
    this(json, "listener");
  }

  ListenerOptions(JsonObject json, String path) {
    ConfigReader r = new ConfigReader(json, path, "host", "port", "mode");
    host = Names.host(r.string("host", DEFAULT_HOST), r.key("host"));
    port = r.port("port", DEFAULT_PORT, 0);
    String m = r.string("mode", null);
    mode = DEFAULT_MODE;
    if (m != null) {
      try {
        mode = ListenerMode.fromJson(m);
      } catch (IllegalArgumentException e) {
        throw ConfigReader.bad(r.key("mode"), "one of mx, submission, smtps", m);
      }
    }
  }

  /** This listener as configuration JSON. */
  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("mode", mode.jsonName());
  }

  /** The address to bind. */
  public String getHost() {
    return host;
  }

  /** Sets the address to bind. */
  public ListenerOptions setHost(String host) {
    this.host = Names.host(Objects.requireNonNull(host, "host"), "host");
    return this;
  }

  /** The port; 0 picks a free one. */
  public int getPort() {
    return port;
  }

  /** Sets the port (0-65535). */
  public ListenerOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw ConfigReader.bad("port", "a port number (0-65535)", port);
    }
    this.port = port;
    return this;
  }

  /** The mode. */
  public ListenerMode getMode() {
    return mode;
  }

  /** Sets the mode. */
  public ListenerOptions setMode(ListenerMode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ListenerOptions l
        && l.host.equals(host) && l.port == port && l.mode == mode;
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, mode);
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
