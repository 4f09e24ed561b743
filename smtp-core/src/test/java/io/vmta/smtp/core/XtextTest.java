package io.vmta.smtp.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** xtext (RFC 3461 section 4) both ways. */
class XtextTest {

  @ParameterizedTest(name = "{0} <-> {1}")
  @CsvSource(delimiter = '|', value = {
      "alice@example.com | alice@example.com",
      "a+b=c@example.com | a+2Bb+3Dc@example.com",
      "<> | <>",
      "\"a b\"@example.com | \"a+20b\"@example.com",
  })
  void encodesAndDecodes(String text, String xtext) {
    assertThat(Xtext.encode(text)).isEqualTo(xtext);
    assertThat(Xtext.decode(xtext)).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a+", "a+4", "a+4G", "a=b", "a b", "ü", "+80", "+FF"})
  void refusesWhatIsNotXtext(String bad) {
    assertThatIllegalArgumentException().isThrownBy(() -> Xtext.decode(bad)).withMessageStartingWith("xtext: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"+3c+3e", "+3C+3E"})
  void acceptsLowerCaseHex(String xtext) {
    assertThat(Xtext.decode(xtext)).isEqualTo("<>");
  }
}
