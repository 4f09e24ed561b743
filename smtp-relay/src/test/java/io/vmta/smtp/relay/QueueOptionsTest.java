package io.vmta.smtp.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueOptionsTest {

  @Test
  void roundTripsThroughJson() {
    QueueOptions options = new QueueOptions()
        .setDataDir("/var/spool/vmta")
        .setHostname("mx.example.test")
        .setDomains(List.of("example.test", "other.test"))
        .setLocalUsers(List.of("alice@example.test"))
        .setAliases(Map.of("postmaster@example.test", List.of("alice@example.test", "bob@other.test")))
        .setInitialDelay(Duration.ofSeconds(7))
        .setMaxDelay(Duration.ofSeconds(70))
        .setMaxAge(Duration.ofSeconds(700))
        .setMaxConcurrentDeliveries(3);
    for (QueueOptions o : List.of(new QueueOptions(), options)) {
      JsonObject json = o.toJson();
      assertThat(new QueueOptions(json)).isEqualTo(o);
      assertThat(new QueueOptions(json).toJson()).isEqualTo(json);
      assertThat(new QueueOptions(o)).isEqualTo(o);
    }
    assertThat(options.toJson().getJsonObject("relay").getJsonObject("retry").getString("maxAge"))
        .isEqualTo("700s");
  }

  @Test
  void anEmptyObjectGivesTheDefaults() {
    QueueOptions options = new QueueOptions(new JsonObject());
    assertThat(options).isEqualTo(new QueueOptions());
    assertThat(options.getInitialDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(options.getMaxAge()).isEqualTo(Duration.ofDays(5));
  }

  @Test
  void anAliasMayBeOneAddress() {
    QueueOptions options = new QueueOptions(new JsonObject().put("aliases",
        new JsonObject().put("a@example.test", "b@example.test")));
    assertThat(options.getAliases()).containsExactly(Map.entry("a@example.test", List.of("b@example.test")));
  }

  @Test
  void unknownKeysAndBadDurationsAreErrorsNamingThePath() {
    assertThatThrownBy(() -> new QueueOptions(new JsonObject().put("relay",
        new JsonObject().put("retry", new JsonObject().put("maxAgeSeconds", 700)))))
        .hasMessageStartingWith("relay.retry.maxAgeSeconds: unknown key");
    assertThatThrownBy(() -> new QueueOptions(new JsonObject().put("relay",
        new JsonObject().put("retry", new JsonObject().put("maxAge", "5 days")))))
        .hasMessageStartingWith("relay.retry.maxAge: must be a duration like");
    assertThatThrownBy(() -> new QueueOptions(new JsonObject().put("relay",
        new JsonObject().put("retry", new JsonObject().put("initialDelay", "2h")))))
        .hasMessageStartingWith("relay.retry.maxDelay: must not be shorter than initialDelay");
  }
}
