package io.vmta.smtp.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

  @Test
  void aKeyNoReaderDeclaredIsAnErrorWithItsPathAndAHint() {
    ConfigReader r = ConfigReader.root(new JsonObject().put("limits",
        new JsonObject().put("idleTimeout", "5m").put("idleTimout", "1m")), "");
    r.object("limits").duration("idleTimeout", Duration.ofMinutes(1));
    assertThatThrownBy(r::end).isInstanceOf(ConfigException.class)
        .hasMessage("limits.idleTimout: unknown key; did you mean idleTimeout?");
  }

  @Test
  void twoReadersOfOneObjectTogetherKnowItsKeys() {
    ConfigReader r = ConfigReader.root(new JsonObject().put("a", 1).put("b", true), "");
    assertThat(r.positiveInt("a", 5)).isEqualTo(1);
    assertThat(r.bool("b", false)).isTrue();
    assertThat(r.end()).isEmpty();
  }

  @Test
  void anExcludedKeyIsUnknownAndReadsAsAbsent() {
    ConfigReader r = ConfigReader.root(new JsonObject().put("localUsers", "x"), "").without("localUsers");
    assertThat(r.string("localUsers", "none")).isEqualTo("none");
    assertThatThrownBy(r::end).hasMessageStartingWith("localUsers: unknown key");
  }

  @Test
  void aBadDurationNamesTheFullPath() {
    ConfigReader r = ConfigReader.root(new JsonObject().put("t", "5 minutes"), "limits");
    assertThatThrownBy(() -> r.duration("t", Duration.ofMinutes(1)))
        .hasMessageStartingWith("limits.t: must be a duration like \"30s\"");
  }

  @Test
  void anOldNameIsReadWithAWarningAndTheNewOneWins() {
    ConfigReader old = ConfigReader.root(new JsonObject().put("commandTimeout", "1m"), "limits");
    assertThat(old.duration(old.renamed("commandTimeout", "queueTimeout"), null))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(old.end()).containsExactly(
        "limits.commandTimeout is deprecated: rename it limits.queueTimeout");
    ConfigReader both = ConfigReader.root(new JsonObject().put("commandTimeout", "1m")
        .put("queueTimeout", "2m"), "limits");
    assertThat(both.duration(both.renamed("commandTimeout", "queueTimeout"), null))
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(both.end()).hasSize(1);
  }

  @Test
  void numbersAreRangeChecked() {
    ConfigReader r = ConfigReader.root(new JsonObject().put("n", 0).put("p", 70000), "x");
    assertThatThrownBy(() -> r.positiveInt("n", 1)).hasMessage("x.n: must be a positive integer, got 0");
    assertThatThrownBy(() -> r.port("p", 1, 1)).hasMessage("x.p: must be a port number (1-65535), got 70000");
  }
}
