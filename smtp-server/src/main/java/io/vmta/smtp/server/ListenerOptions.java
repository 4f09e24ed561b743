package io.vmta.smtp.server;

import io.vertx.core.json.JsonObject;

import java.util.Objects;

/** One listening socket: address, port and role. */
public final class ListenerOptions {

  public static final String DEFAULT_HOST = "0.0.0.0";

  private String host = DEFAULT_HOST;
  private int port;
  private ListenerMode mode = ListenerMode.MX;

  public ListenerOptions() {
  }

  public ListenerOptions(String host, int port, ListenerMode mode) {
    setHost(host).setPort(port).setMode(mode);
  }

  public ListenerOptions(ListenerOptions other) {
    this(other.host, other.port, other.mode);
  }

  /** Reads {@code {"host": ..., "port": ..., "mode": ...}}; throws IllegalArgumentException naming the key. */
  public ListenerOptions(JsonObject json) {
    setHost(json.getString("host", DEFAULT_HOST));
    Object port = json.getValue("port");
    if (!(port instanceof Number)) {
      throw new IllegalArgumentException("port: must be a number from 0 to 65535, got " + port);
    }
    setPort(((Number) port).intValue());
    setMode(ListenerMode.fromJson(json.getString("mode", "mx")));
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("mode", mode.jsonName());
  }

  public String getHost() {
    return host;
  }

  public ListenerOptions setHost(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  public int getPort() {
    return port;
  }

  /** 0 lets the system choose a free port (tests). */
  public ListenerOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: must be a number from 0 to 65535, got " + port);
    }
    this.port = port;
    return this;
  }

  public ListenerMode getMode() {
    return mode;
  }

  public ListenerOptions setMode(ListenerMode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ListenerOptions l && l.toJson().equals(toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return mode.jsonName() + "@" + host + ":" + port;
  }
}
