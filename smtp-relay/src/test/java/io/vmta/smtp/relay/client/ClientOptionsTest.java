package io.vmta.smtp.relay.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {

  @Test
  void roundTripsThroughJson() {
    ClientOptions options = new ClientOptions()
        .setHeloName("relay.example.test")
        .setConnectTimeout(1)
        .setGreetingTimeout(2)
        .setCommandTimeout(3)
        .setMailTimeout(4)
        .setRcptTimeout(5)
        .setDataInitTimeout(6)
        .setDataBlockTimeout(7)
        .setDataEndTimeout(8)
        .setTlsPolicy(TlsPolicy.REQUIRED)
        .setImplicitTls(true)
        .setTrustAll(false)
        .setUsername("relay")
        .setPassword("secret")
        .setMaxRecipients(9);
    JsonObject json = options.toJson();
    assertThat(new ClientOptions(json).toJson()).isEqualTo(json);
    assertThat(new ClientOptions(options).toJson()).isEqualTo(json);
    assertThat(json.getString("tlsPolicy")).isEqualTo("REQUIRED");
  }

  @Test
  void defaultsAreTheRfc5321Timeouts() {
    ClientOptions options = new ClientOptions(new JsonObject());
    assertThat(options.toJson()).isEqualTo(new ClientOptions().toJson());
    assertThat(options.getGreetingTimeout()).isEqualTo(5 * 60_000);
    assertThat(options.getDataInitTimeout()).isEqualTo(2 * 60_000);
    assertThat(options.getDataBlockTimeout()).isEqualTo(3 * 60_000);
    assertThat(options.getDataEndTimeout()).isEqualTo(10 * 60_000);
    assertThat(options.getTlsPolicy()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
    assertThat(options.isTrustAll()).isTrue();
    assertThat(options.toJson().containsKey("password")).isFalse();
  }
}
