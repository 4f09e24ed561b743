package io.vmta.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmtpServerOptionsTest {

  static SmtpServerOptions nonDefault() {
    return new SmtpServerOptions()
        .setHostname("mx.example.test")
        .setListeners(List.of(new ListenerOptions("::1", 25, ListenerMode.MX),
            new ListenerOptions("127.0.0.1", 465, ListenerMode.SMTPS)))
        .setTls("/etc/cert.pem", "/etc/key.pem")
        .setTlsProtocols(List.of("TLSv1.3"))
        .setTlsCiphers(List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))
        .setMaxMessageSize(1234)
        .setMaxRecipients(5)
        .setMaxConnections(6)
        .setMaxConnectionsPerIp(7)
        .setMaxErrors(8)
        .setIdleTimeout(Duration.ofSeconds(9))
        .setDataTimeout(Duration.ofSeconds(10))
        .setQueueTimeout(Duration.ofMillis(11_500))
        .setMaxConnectionTime(Duration.ofMinutes(30))
        .setMaxJunkCommands(7)
        .setShutdownGrace(Duration.ofSeconds(3))
        .setAuthThresholds(3, 4)
        .setAuthWindow(Duration.ofHours(1))
        .setMaxCommandLine(600)
        .setMaxLineLength(2000)
        .setDomains(List.of("example.test"))
        .setLocalUsers(List.of("alice@example.test"))
        .setAliases(Map.of("team@example.test", List.of("alice@example.test")))
        .setTrustedNetworks(List.of("10.0.0.0/8"))
        .setRestrictSenders(false);
  }

  @Test
  void roundTripsThroughJson() {
    for (SmtpServerOptions options : List.of(new SmtpServerOptions(), nonDefault())) {
      JsonObject json = options.toJson();
      assertThat(new SmtpServerOptions(json)).isEqualTo(options);
      assertThat(new SmtpServerOptions(json).toJson()).isEqualTo(json);
      assertThat(new SmtpServerOptions(options)).isEqualTo(options);
    }
    assertThat(nonDefault()).isNotEqualTo(new SmtpServerOptions());
  }

  @Test
  void anEmptyObjectGivesTheDefaults() {
    SmtpServerOptions defaults = new SmtpServerOptions(new JsonObject());
    assertThat(defaults).isEqualTo(new SmtpServerOptions());
    assertThat(defaults.getIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(defaults.getQueueTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(defaults.getMaxConnectionTime()).isEqualTo(Duration.ofHours(1));
    assertThat(defaults.getMaxJunkCommands()).isEqualTo(100);
    assertThat(defaults.getListeners()).extracting(ListenerOptions::getPort).containsExactly(2525, 2587, 2465);
  }

  @Test
  void durationsAreStringsAndAnIdleTimeoutIsHonoured() {
    SmtpServerOptions options = new SmtpServerOptions(new JsonObject().put("limits",
        new JsonObject().put("idleTimeout", "5m").put("maxConnectionTime", "90s")));
    assertThat(options.getIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(options.getMaxConnectionTime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(new SmtpServerOptions(new JsonObject().put("limits",
        new JsonObject().put("idleTimeout", "2m"))).getIdleTimeout()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void anUnknownKeyIsAnErrorNamingItsPath() {
    assertThatThrownBy(() -> new SmtpServerOptions(new JsonObject().put("limits",
        new JsonObject().put("idleTimeoutSeconds", 300))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("limits.idleTimeoutSeconds: unknown key");
    assertThatThrownBy(() -> new SmtpServerOptions(new JsonObject().put("hostnme", "x")))
        .hasMessage("hostnme: unknown key; did you mean hostname?");
    assertThatThrownBy(() -> new SmtpServerOptions(new JsonObject().put("listeners",
        new JsonArray().add(new JsonObject().put("port", 25).put("mod", "mx")))))
        .hasMessage("listeners[0].mod: unknown key; did you mean mode?");
  }

  @Test
  void aBadDurationIsAnErrorNamingItsPath() {
    assertThatThrownBy(() -> new SmtpServerOptions(new JsonObject().put("limits",
        new JsonObject().put("maxConnectionTime", "an hour"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("limits.maxConnectionTime: must be a duration like \"30s\"");
    assertThatThrownBy(() -> new SmtpServerOptions(new JsonObject().put("limits",
        new JsonObject().put("maxJunkCommands", 0))))
        .hasMessage("limits.maxJunkCommands: must be a positive integer, got 0");
  }

  @Test
  void commandTimeoutIsTheOldNameOfQueueTimeout() {
    SmtpServerOptions old = new SmtpServerOptions(new JsonObject().put("limits",
        new JsonObject().put("commandTimeout", "45s")));
    assertThat(old.getQueueTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(old.toJson().getJsonObject("limits").containsKey("commandTimeout")).isFalse();
    SmtpServerOptions both = new SmtpServerOptions(new JsonObject().put("limits",
        new JsonObject().put("commandTimeout", "45s").put("queueTimeout", "1m")));
    assertThat(both.getQueueTimeout()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void listenerModesAreTheConfigurationWords() {
    assertThat(new ListenerOptions(new JsonObject().put("port", 2587).put("mode", "submission")).getMode())
        .isEqualTo(ListenerMode.SUBMISSION);
    assertThatThrownBy(() -> new ListenerOptions(new JsonObject().put("port", 1).put("mode", "relay")))
        .hasMessageContaining("mx, submission, smtps");
    assertThatThrownBy(() -> new ListenerOptions("h", 70000, ListenerMode.MX)).hasMessageContaining("65535");
    ListenerOptions l = new ListenerOptions("127.0.0.1", 0, ListenerMode.SMTPS);
    assertThat(new ListenerOptions(l.toJson())).isEqualTo(l).isEqualTo(new ListenerOptions(l));
    assertThat(new ListenerOptions(new ListenerOptions().toJson())).isEqualTo(new ListenerOptions());
  }

  @Test
  void certificateAndKeyGoTogether() {
    assertThatThrownBy(() -> new SmtpServerOptions(new JsonObject().put("tls",
        new JsonObject().put("certPath", "c.pem"))))
        .hasMessage("tls.keyPath: must be set when certPath is set");
  }

  @Test
  void tlsProtocolsAndCiphersDefaultToTls12And13WithForwardSecretAeadSuites() {
    SmtpServerOptions defaults = new SmtpServerOptions();
    assertThat(defaults.getTlsProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
    assertThat(defaults.getTlsCiphers()).isNotEmpty().allSatisfy(c -> assertThat(c)
        .matches("TLS_(AES_\\d+_GCM|CHACHA20_POLY1305)_SHA\\d+|TLS_ECDHE_(RSA|ECDSA)_WITH_.*(GCM|CHACHA20).*"));
  }

  @Test
  void unknownTlsProtocolsAndCiphersAreErrorsNamingTheItem() {
    JsonObject ciphers = new JsonObject().put("tls", new JsonObject().put("ciphers", new JsonArray()
        .add("TLS_AES_128_GCM_SHA256").add("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").add("TLS_ECDHE_RSA_WITH_RC5")));
    assertThatThrownBy(() -> new SmtpServerOptions(ciphers))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls.ciphers[2]: must be a cipher suite name")
        .hasMessageContaining("TLS_ECDHE_RSA_WITH_RC5");
    JsonObject protocols = new JsonObject().put("tls", new JsonObject().put("protocols",
        new JsonArray().add("TLSv1.2").add("TLSv1.4")));
    assertThatThrownBy(() -> new SmtpServerOptions(protocols))
        .hasMessageStartingWith("tls.protocols[1]: must be a TLS protocol");
    assertThatThrownBy(() -> new SmtpServerOptions().setTlsProtocols(List.of()))
        .hasMessage("tls.protocols: must not be empty");
    assertThatThrownBy(() -> new SmtpServerOptions(new JsonObject().put("tls",
        new JsonObject().put("cipher", new JsonArray()))))
        .hasMessageContaining("tls.cipher: unknown key; did you mean ciphers?");
  }
}
