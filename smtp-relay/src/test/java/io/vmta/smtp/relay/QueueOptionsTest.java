package io.vmta.smtp.relay;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QueueOptionsTest {

  @Test
  void roundTripsThroughJson() {
    QueueOptions options = new QueueOptions()
        .setDataDir("/var/spool/vmta")
        .setHostname("mx.example.test")
        .setDomains(List.of("example.test", "other.test"))
        .setLocalUsers(List.of("alice@example.test"))
        .setAliases(Map.of("postmaster@example.test", List.of("alice@example.test", "bob@other.test")))
        .setInitialDelaySeconds(7)
        .setMaxDelaySeconds(70)
        .setMaxAgeSeconds(700)
        .setMaxConcurrentDeliveries(3);
    JsonObject json = options.toJson();
    assertThat(new QueueOptions(json).toJson()).isEqualTo(json);
    assertThat(new QueueOptions(options).toJson()).isEqualTo(json);
    assertThat(json.getJsonObject("retry").getLong("maxAgeSeconds")).isEqualTo(700);
  }

  @Test
  void anEmptyObjectGivesTheDefaults() {
    QueueOptions options = new QueueOptions(new JsonObject());
    assertThat(options.toJson()).isEqualTo(new QueueOptions().toJson());
    assertThat(options.getInitialDelaySeconds()).isEqualTo(QueueOptions.DEFAULT_INITIAL_DELAY);
  }

  @Test
  void anAliasMayBeOneAddress() {
    QueueOptions options = new QueueOptions(new JsonObject().put("aliases",
        new JsonObject().put("a@example.test", "b@example.test")));
    assertThat(options.getAliases()).containsExactly(Map.entry("a@example.test", List.of("b@example.test")));
  }
}
