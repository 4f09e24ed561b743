package io.vmta.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashesTest {

  private static String hash;

  @BeforeAll
  static void hashOnce() {
    hash = PasswordHashes.hash("correct horse battery staple");
  }

  @Test
  void hashHasThePhcShapeWithTheConfiguredIterations() {
    assertThat(hash).startsWith("$pbkdf2$it=" + PasswordHashes.ITERATIONS + "$");
    assertThat(hash).doesNotContain(":").doesNotContain("correct horse");
    assertThat(hash.split("\\$")).hasSize(5);
    assertThat(PasswordHashes.isWellFormed(hash)).isTrue();
  }

  @Test
  void theRightPasswordVerifies() {
    assertThat(PasswordHashes.verify(hash, "correct horse battery staple")).isTrue();
  }

  @Test
  void aWrongPasswordDoesNotVerify() {
    assertThat(PasswordHashes.verify(hash, "correct horse battery stapl")).isFalse();
    assertThat(PasswordHashes.verify(hash, "")).isFalse();
    assertThat(PasswordHashes.verify(hash, null)).isFalse();
  }

  @Test
  void twoHashesOfOnePasswordDiffer() {
    String other = PasswordHashes.hash("correct horse battery staple");
    assertThat(other).isNotEqualTo(hash);
    assertThat(PasswordHashes.verify(other, "correct horse battery staple")).isTrue();
  }

  @Test
  void nonAsciiPasswordsRoundTrip() {
    String h = PasswordHashes.hash("pässwörd ✓");
    assertThat(PasswordHashes.verify(h, "pässwörd ✓")).isTrue();
    assertThat(PasswordHashes.verify(h, "passwort ✓")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "secret",
      "$pbkdf2$",
      "$pbkdf2$it=1000",
      "$pbkdf2$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
      "$pbkdf2$it=abc$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
      "$pbkdf2$it=0$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
      "$pbkdf2$it=99999999$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
      "$pbkdf2$it=1000$AAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
      "$pbkdf2$it=1000$!!!!AAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
      "$sha512$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
      "{pbkdf2}it=1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
  })
  void aMalformedHashIsFalseNotAnException(String malformed) {
    assertThat(PasswordHashes.verify(malformed, "secret")).isFalse();
  }

  @Test
  void aNullHashIsFalse() {
    assertThat(PasswordHashes.verify(null, "secret")).isFalse();
    assertThat(PasswordHashes.isWellFormed(null)).isFalse();
  }

  @Test
  void aTamperedHashDoesNotVerify() {
    char last = hash.charAt(hash.length() - 1);
    String tampered = hash.substring(0, hash.length() - 1) + (last == 'A' ? 'B' : 'A');
    assertThat(PasswordHashes.verify(tampered, "correct horse battery staple")).isFalse();
  }
}
