package io.vmta.smtp.relay.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {

  @Test
  void roundTripsThroughJson() {
    ClientOptions options = new ClientOptions()
        .setHeloName("relay.example.test")
        .setConnectTimeout(Duration.ofSeconds(1))
        .setGreetingTimeout(Duration.ofSeconds(2))
        .setCommandTimeout(Duration.ofSeconds(3))
        .setMailTimeout(Duration.ofSeconds(4))
        .setRcptTimeout(Duration.ofSeconds(5))
        .setDataInitTimeout(Duration.ofSeconds(6))
        .setDataBlockTimeout(Duration.ofSeconds(7))
        .setDataEndTimeout(Duration.ofMillis(8))
        .setTlsLevel(TlsLevel.ENCRYPT)
        .setImplicitTls(true)
        .setAuthOverUnverifiedTls(true)
        .setUsername("relay")
        .setPassword("secret")
        .setMaxRecipients(9);
    for (ClientOptions o : List.of(new ClientOptions(), options)) {
      JsonObject json = o.toJson();
      assertThat(new ClientOptions(json)).isEqualTo(o);
      assertThat(new ClientOptions(json).toJson()).isEqualTo(json);
      assertThat(new ClientOptions(o)).isEqualTo(o);
    }
    assertThat(options.toJson().getString("tlsLevel")).isEqualTo("encrypt");
    assertThat(options.toJson().getString("dataEndTimeout")).isEqualTo("8ms");
  }

  @Test
  void defaultsAreTheRfc5321Timeouts() {
    ClientOptions options = new ClientOptions(new JsonObject());
    assertThat(options).isEqualTo(new ClientOptions());
    assertThat(options.getGreetingTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(options.getDataInitTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(options.getDataBlockTimeout()).isEqualTo(Duration.ofMinutes(3));
    assertThat(options.getDataEndTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(options.getTlsLevel()).isEqualTo(TlsLevel.MAY);
    assertThat(options.isAuthOverUnverifiedTls()).isFalse();
    assertThat(options.toJson().containsKey("password")).isFalse();
  }

  @Test
  void tlsPolicyIsTheOldNameOfTlsLevelWithItsOldValues() {
    assertThat(new ClientOptions(new JsonObject().put("tlsPolicy", "REQUIRED")).getTlsLevel())
        .isEqualTo(TlsLevel.ENCRYPT);
    assertThat(new ClientOptions(new JsonObject().put("tlsPolicy", "OPPORTUNISTIC")).getTlsLevel())
        .isEqualTo(TlsLevel.MAY);
    assertThat(new ClientOptions(new JsonObject().put("tlsLevel", "verify")).getTlsLevel())
        .isEqualTo(TlsLevel.VERIFY);
    assertThatThrownBy(() -> new ClientOptions(new JsonObject().put("tlsLevel", "secure")))
        .hasMessageStartingWith("relay.client.tlsLevel: must be one of none, may, encrypt, verify, dane");
  }

  @Test
  void unknownKeysAndBadDurationsAreErrorsNamingThePath() {
    assertThatThrownBy(() -> new ClientOptions(new JsonObject().put("mailTimeut", "1m")))
        .hasMessage("relay.client.mailTimeut: unknown key; did you mean mailTimeout?");
    assertThatThrownBy(() -> new ClientOptions(new JsonObject().put("mailTimeout", "soon")))
        .hasMessageStartingWith("relay.client.mailTimeout: must be a duration like");
  }
}
