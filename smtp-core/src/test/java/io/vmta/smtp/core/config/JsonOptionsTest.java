package io.vmta.smtp.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JsonOptionsTest {

  private static final class Secret extends JsonOptions {
    private final String password;

    Secret(String password) {
      this.password = password;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("smarthost", new JsonObject().put("host", "up.example")
          .put("password", password));
    }
  }

  @Test
  void aPrintedConfigurationNeverShowsAPassword() {
    assertThat(new Secret("s3cr\"et").toString()).doesNotContain("s3cr")
        .contains("\"password\":\"***\"").contains("up.example");
  }

  @Test
  void equalWhenTheirJsonIsEqual() {
    assertThat(new Secret("a")).isEqualTo(new Secret("a")).hasSameHashCodeAs(new Secret("a"))
        .isNotEqualTo(new Secret("b"));
    assertThat(new LocalMailOptions()).isNotEqualTo(new Secret("a"));
  }
}
