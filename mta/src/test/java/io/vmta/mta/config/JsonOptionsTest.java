package io.vmta.mta.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JsonOptionsTest {

  private static MtaOptions withSmarthostPassword(String password) {
    return new MtaOptions(new JsonObject().put("relay", new JsonObject().put("smarthost",
        new JsonObject().put("host", "up.example").put("username", "u").put("password", password))));
  }

  @Test
  void aPrintedConfigurationNeverShowsAPassword() {
    MtaOptions options = withSmarthostPassword("s3cr\"et");
    assertThat(options.toString()).doesNotContain("s3cr").contains("\"password\":\"***\"").contains("up.example");
  }

  @Test
  void equalWhenTheirJsonIsEqual() {
    assertThat(withSmarthostPassword("a")).isEqualTo(withSmarthostPassword("a"))
        .hasSameHashCodeAs(withSmarthostPassword("a"))
        .isNotEqualTo(withSmarthostPassword("b"));
  }
}
