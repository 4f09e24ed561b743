package io.vmta.smtp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnhancedStatusTest {

  @ParameterizedTest
  @CsvSource({"2.0.0, 2, 0, 0", "5.1.1, 5, 1, 1", "4.7.0, 4, 7, 0", "5.999.999, 5, 999, 999", "5.01.002, 5, 1, 2"})
  void parsesValidCodes(String text, int klass, int subject, int detail) {
    assertThat(EnhancedStatus.parse(text)).isEqualTo(new EnhancedStatus(klass, subject, detail));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "5.1", "5.1.1.1", "3.0.0", "1.0.0", "6.0.0", "5.1000.1", "5.1.1000", "05.1.1",
      "5..1", "5.1.", "a.b.c", " 5.1.1", "5.1.1 ", "5.-1.1", "+5.1.1"})
  void refusesMalformedCodes(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> EnhancedStatus.parse(text));
  }

  @Test
  void refusesNull() {
    assertThatIllegalArgumentException().isThrownBy(() -> EnhancedStatus.parse(null));
  }

  @ParameterizedTest
  @CsvSource({"3, 0, 0", "5, -1, 0", "5, 0, -1", "2, 1000, 0", "4, 0, 1000", "0, 0, 0"})
  void constructorValidates(int klass, int subject, int detail) {
    assertThatIllegalArgumentException().isThrownBy(() -> new EnhancedStatus(klass, subject, detail));
  }

  @Test
  void toStringIsTheWireForm() {
    assertThat(new EnhancedStatus(5, 1, 1)).hasToString("5.1.1");
    assertThat(EnhancedStatus.parse("4.12.345")).hasToString("4.12.345");
  }
}
