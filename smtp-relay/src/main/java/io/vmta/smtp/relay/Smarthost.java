package io.vmta.smtp.relay;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.Names;
import java.util.Locale;
import java.util.Objects;

/**
 * The one upstream server that takes all remote mail ({@code relay.smarthost}): {@code host},
 * {@code port} (587, or 465 with implicit TLS), {@code tls}, optional credentials, and
 * {@code tlsVerify}: whether its certificate must verify for {@code host} (the default), which
 * is also what allows the credentials to be sent. {@code tlsVerify: false} is the explicit
 * opt-out for a smarthost with a private or self-signed certificate; the relay warns at start.
 */
public record Smarthost(String host, int port, Tls tls, String username, String password, boolean tlsVerify) {

  /** How to reach the smarthost: {@code starttls} (required), {@code implicit} TLS, or {@code none}. */
  public enum Tls { STARTTLS, IMPLICIT, NONE }

  /** A smarthost whose certificate must verify. */
  public Smarthost(String host, int port, Tls tls, String username, String password) {
    this(host, port, tls, username, password, true);
  }

  /** Checks the fields; a password is only ever sent over TLS. */
  public Smarthost {
    Names.host(Objects.requireNonNull(host, "relay.smarthost.host"), "relay.smarthost.host");
    tls = tls == null ? Tls.STARTTLS : tls;
    if ((username == null) != (password == null)) {
      throw new ConfigException("relay.smarthost", "username and password go together");
    }
    if (username != null && tls == Tls.NONE) {
      throw new ConfigException("relay.smarthost.tls",
          "a password is only ever sent over TLS: starttls or implicit");
    }
  }

  /** Reads {@code {host, port, tls, username, password}}; errors name the key. */
  static Smarthost read(ConfigReader r) {
    String host = r.string("host", null);
    if (host == null) {
      throw ConfigReader.bad(r.key("host"), "a host name or IP address", null);
    }
    String tlsName = r.string("tls", "starttls");
    Tls tls;
    try {
      tls = Tls.valueOf(tlsName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ConfigReader.bad(r.key("tls"), "one of starttls, implicit, none", tlsName);
    }
    int port = r.port("port", tls == Tls.IMPLICIT ? 465 : 587, 1);
    return new Smarthost(Names.host(host, r.key("host")), port, tls, r.string("username", null),
        r.string("password", null), r.bool("tlsVerify", true));
  }

  /** The JSON form; it holds the password when one is set, so never log it. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("port", port)
        .put("tls", tls.name().toLowerCase(Locale.ROOT)).put("tlsVerify", tlsVerify);
    if (username != null) {
      json.put("username", username).put("password", password);
    }
    return json;
  }

  @Override
  public String toString() {
    return "Smarthost[" + host + ":" + port + ", " + tls + (tlsVerify ? "" : ", tlsVerify=false")
        + ", user=" + username + "]";
  }

  /** A copy with {@code tlsVerify} set. */
  public Smarthost withTlsVerify(boolean v) {
    return new Smarthost(host, port, tls, username, password, v);
  }
}
