package io.vmta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.vmta.mailauth.AuthenticationOptions.DmarcFailure;
import io.vmta.mailauth.AuthenticationOptions.TempFailure;
import io.vmta.smtp.core.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code authentication}: defaults, read and written back equal, and every bad value named by its key. */
class AuthenticationOptionsTest {

  @Test
  void defaultsCheckEverythingAndHonourTheDomainsPolicy() {
    AuthenticationOptions defaults = new AuthenticationOptions(new JsonObject());

    assertThat(defaults).isEqualTo(new AuthenticationOptions());
    assertThat(defaults.isSpf() && defaults.isDkim() && defaults.isDmarc()).isTrue();
    assertThat(defaults.getDmarcFailure()).isEqualTo(DmarcFailure.REJECT);
    assertThat(defaults.getTempFailure()).isEqualTo(TempFailure.ACCEPT);
    assertThat(defaults.getTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.getMaxSignatures()).isEqualTo(5);
  }

  @Test
  void everyKeyRoundTrips() {
    JsonObject json = new JsonObject("{\"spf\": false, \"dkim\": false, \"dmarc\": false,"
        + " \"dmarcFailure\": \"Quarantine\", \"tempFailure\": \"defer\", \"timeout\": \"3s\", \"maxSignatures\": 20}");

    AuthenticationOptions options = new AuthenticationOptions(json);

    assertThat(options.isAnyCheck()).isFalse();
    assertThat(options.getDmarcFailure()).isEqualTo(DmarcFailure.QUARANTINE);
    assertThat(options.getTempFailure()).isEqualTo(TempFailure.DEFER);
    assertThat(options.getTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(new AuthenticationOptions(options.toJson())).isEqualTo(options);
    assertThat(new AuthenticationOptions(options)).isEqualTo(options);
    assertThat(options.toJson().getString("dmarcFailure")).isEqualTo("quarantine");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"dmarcFailure\": \"drop\"}  | authentication.dmarcFailure: must be one of reject, quarantine, none, got \"drop\"",
      "{\"tempFailure\": \"reject\"} | authentication.tempFailure: must be one of accept, defer",
      "{\"timeout\": \"0s\"}         | authentication.timeout",
      "{\"maxSignatures\": 0}        | authentication.maxSignatures",
      "{\"maxSignatures\": 21}       | authentication.maxSignatures",
      "{\"spf\": \"yes\"}            | authentication.spf",
      "{\"dmarcfailure\": \"none\"}  | authentication.dmarcfailure: unknown key",
  })
  void badValuesNameTheirKey(String json, String message) {
    assertThatThrownBy(() -> new AuthenticationOptions(new JsonObject(json)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }
}
