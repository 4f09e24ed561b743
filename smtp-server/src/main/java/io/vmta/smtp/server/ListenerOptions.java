package io.vmta.smtp.server;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.Checks;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.JsonOptions;
import io.vmta.smtp.core.config.Names;
import java.util.Objects;

/** One listening socket: {@code {"host": "0.0.0.0", "port": 2525, "mode": "mx"}}. */
public final class ListenerOptions extends JsonOptions {

  /** Default bind address: all IPv4 interfaces. */
  public static final String DEFAULT_HOST = "0.0.0.0";
  /** Default port: 2525, the unprivileged mx port. */
  public static final int DEFAULT_PORT = 2525;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private ListenerMode mode = ListenerMode.MX;

  /** The defaults: mx on 0.0.0.0:2525. */
  public ListenerOptions() {
  }

  /** A listener; port 0 lets the system choose a free one (tests). */
  public ListenerOptions(String host, int port, ListenerMode mode) {
    setHost(host).setPort(port).setMode(mode);
  }

  /** A copy. */
  public ListenerOptions(ListenerOptions other) {
    this(other.host, other.port, other.mode);
  }

  /** Reads one listener given alone; errors name keys as {@code listener.port}. */
  public ListenerOptions(JsonObject json) {
    this(ConfigReader.root(json, "listener"));
  }

  /** Reads one listener and ends the reader, e.g. of {@code listeners[1]}. */
  ListenerOptions(ConfigReader r) {
    host = Names.host(r.string("host", DEFAULT_HOST), r.key("host"));
    port = r.port("port", DEFAULT_PORT, 0);
    String m = r.string("mode", null);
    if (m != null) {
      try {
        mode = ListenerMode.fromJson(m);
      } catch (IllegalArgumentException e) {
        throw ConfigReader.bad(r.key("mode"), "one of mx, submission, smtps", m);
      }
    }
    r.end();
  }

  /** The JSON form read by {@link #ListenerOptions(JsonObject)}. */
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("mode", mode.jsonName());
  }

  /** The address to bind. */
  public String getHost() {
    return host;
  }

  /** Sets the address to bind (a name or IP literal). */
  public ListenerOptions setHost(String host) {
    this.host = Names.host(Objects.requireNonNull(host, "host"), "host");
    return this;
  }

  /** The port; 0 lets the system choose. */
  public int getPort() {
    return port;
  }

  /** Sets the port (0-65535; 0 lets the system choose a free port). */
  public ListenerOptions setPort(int port) {
    this.port = Checks.port("port", port, 0);
    return this;
  }

  /** The role: mx, submission or smtps. */
  public ListenerMode getMode() {
    return mode;
  }

  /** Sets the role. */
  public ListenerOptions setMode(ListenerMode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  @Override
  public String toString() {
    return mode.jsonName() + "@" + host + ":" + port;
  }
}
