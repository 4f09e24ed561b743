package io.vmta.smtp.server;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpServerOptionsTest {

  @Test
  void roundTripsThroughJson() {
    SmtpServerOptions options = new SmtpServerOptions()
        .setHostname("mx.example.test")
        .setListeners(List.of(new ListenerOptions("::1", 25, ListenerMode.MX),
            new ListenerOptions("127.0.0.1", 465, ListenerMode.SMTPS)))
        .setCertPath("/etc/cert.pem")
        .setKeyPath("/etc/key.pem")
        .setMaxMessageSize(1234)
        .setMaxRecipients(5)
        .setMaxConnections(6)
        .setMaxConnectionsPerIp(7)
        .setMaxErrors(8)
        .setIdleTimeoutSeconds(9)
        .setDataTimeoutSeconds(10)
        .setQueueTimeoutSeconds(11)
        .setMaxCommandLine(600)
        .setMaxLineLength(2000)
        .setDomains(List.of("example.test"))
        .setLocalUsers(List.of("alice@example.test"))
        .setAliases(Map.of("team@example.test", List.of("alice@example.test")))
        .setTrustedNetworks(List.of("10.0.0.0/8"));
    JsonObject json = options.toJson();
    assertThat(new SmtpServerOptions(json).toJson()).isEqualTo(json);
    assertThat(new SmtpServerOptions(options).toJson()).isEqualTo(json);
  }

  @Test
  void anEmptyObjectGivesTheDefaults() {
    assertThat(new SmtpServerOptions(new JsonObject()).toJson()).isEqualTo(new SmtpServerOptions().toJson());
  }

  @Test
  void listenerModesAreTheConfigurationWords() {
    assertThat(new ListenerOptions(new JsonObject().put("port", 2587).put("mode", "submission")).getMode())
        .isEqualTo(ListenerMode.SUBMISSION);
    assertThatThrownBy(() -> new ListenerOptions(new JsonObject().put("port", 1).put("mode", "relay")))
        .hasMessageContaining("mx, submission, smtps");
    assertThatThrownBy(() -> new ListenerOptions("h", 70000, ListenerMode.MX)).hasMessageContaining("65535");
  }
}
