package io.vmta.smtp.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "250ms, PT0.25S, 250ms",
      "30s,   PT30S,   30s",
      "90s,   PT1M30S, 90s",
      "60s,   PT1M,    1m",
      "5m,    PT5M,    5m",
      "1h,    PT1H,    1h",
      "5d,    PT120H,  5d",
      "45,    PT45S,   45s",
      "0s,    PT0S,    0s",
      "1500ms, PT1.5S, 1500ms",
  })
  void parsesAndFormats(String text, String iso, String formatted) {
    Duration d = Durations.parse(text);
    assertThat(d).isEqualTo(Duration.parse(iso));
    assertThat(Durations.format(d)).isEqualTo(formatted);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "m", "5 m", "5M", "-5m", "1.5h", "5w", "5mins", "ms",
      "999999999999999999d"})
  void refusesEverythingElse(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
