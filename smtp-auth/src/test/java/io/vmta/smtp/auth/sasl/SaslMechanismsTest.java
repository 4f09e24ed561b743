package io.vmta.smtp.auth.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.vmta.smtp.auth.AuthReplies;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaslMechanismsTest {

  @Test
  void offersPlainAndLogin() {
    assertThat(SaslMechanisms.names()).containsExactly("PLAIN", "LOGIN");
    assertThat(SaslMechanisms.create("Plain").mechanism()).isEqualTo("PLAIN");
    assertThat(SaslMechanisms.create("login").mechanism()).isEqualTo("LOGIN");
  }

  @ParameterizedTest
  @ValueSource(strings = {"CRAM-MD5", "XOAUTH2", "", "PLAIN ", "PLAINX"})
  void otherMechanismsAreRefused(String name) {
    assertThatThrownBy(() -> SaslMechanisms.create(name))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachCreateStartsAFreshExchange() {
    assertThat(SaslMechanisms.create("LOGIN")).isNotSameAs(SaslMechanisms.create("LOGIN"));
  }

  @Test
  void decodesBase64() {
    assertThat(SaslMechanisms.decodeResponse("dGVzdA==")).isEqualTo(utf8("test"));
    assertThat(SaslMechanisms.decodeResponse("AGEAYg==")).isEqualTo(new byte[] {0, 'a', 0, 'b'});
  }

  @Test
  void anEqualsSignAndAnEmptyLineAreTheEmptyResponse() {
    assertThat(SaslMechanisms.decodeResponse("=")).isEmpty();
    assertThat(SaslMechanisms.decodeResponse("")).isEmpty();
  }

  @Test
  void aStarCancels() {
    assertThat(SaslMechanisms.isCancel("*")).isTrue();
    assertThat(SaslMechanisms.isCancel("**")).isFalse();
    assertThat(SaslMechanisms.isCancel("dGVzdA==")).isFalse();
    assertThatThrownBy(() -> SaslMechanisms.decodeResponse("*"))
        .isInstanceOf(SaslCancelledException.class)
        .asInstanceOf(type(SaslException.class))
        .extracting(SaslException::reply)
        .isEqualTo(AuthReplies.CANCELLED);
    assertThat(AuthReplies.CANCELLED.format(true))
        .isEqualTo("501 5.0.0 Authentication cancelled\r\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64!", "dGVz dA==", "dGVzdA==\r", "dGVzdA===", "d", "dGVzdA=x",
      "dGVzdA-_", "*dGVz", "=dGVz", "dGVzdé=="})
  void invalidBase64Is501(String line) {
    assertThatThrownBy(() -> SaslMechanisms.decodeResponse(line))
        .isExactlyInstanceOf(SaslException.class)
        .asInstanceOf(type(SaslException.class))
        .extracting(SaslException::reply)
        .isEqualTo(AuthReplies.INVALID_BASE64);
    assertThat(AuthReplies.INVALID_BASE64.format(true)).startsWith("501 5.5.2 ");
  }

  @Test
  void linesUpTo12288OctetsAreDecodedLongerOnesRefused() {
    String longest = "A".repeat(SaslMechanisms.MAX_RESPONSE_LINE_OCTETS);
    assertThat(SaslMechanisms.decodeResponse(longest)).hasSize(9216);
    assertThatThrownBy(() -> SaslMechanisms.decodeResponse(longest + "AAAA"))
        .asInstanceOf(type(SaslException.class))
        .extracting(SaslException::reply)
        .isEqualTo(AuthReplies.LINE_TOO_LONG);
    assertThat(AuthReplies.LINE_TOO_LONG.format(true))
        .isEqualTo("500 5.5.6 Authentication exchange line is too long\r\n");
  }

  @Test
  void theLengthCapCountsOctets() {
    // 12287 characters, but the non-ASCII one makes it 12289 octets.
    String line = "A".repeat(SaslMechanisms.MAX_RESPONSE_LINE_OCTETS - 2) + "€";
    assertThatThrownBy(() -> SaslMechanisms.decodeResponse(line))
        .asInstanceOf(type(SaslException.class))
        .extracting(SaslException::reply)
        .isEqualTo(AuthReplies.LINE_TOO_LONG);
  }

  @Test
  void credentialsNeverShowThePassword() {
    Step.Credentials credentials = new Step.Credentials(null, "alice@example.test", "hunter2");
    assertThat(credentials.toString()).contains("alice@example.test").doesNotContain("hunter2");
  }

  @Test
  void challengesAreCopied() {
    byte[] bytes = utf8("Username:");
    Step.Challenge challenge = new Step.Challenge(bytes);
    bytes[0] = 'X';
    challenge.challenge()[1] = 'X';
    assertThat(challenge.challenge()).isEqualTo(utf8("Username:"));
    assertThat(challenge).isEqualTo(Step.Challenge.of("Username:"))
        .hasSameHashCodeAs(Step.Challenge.of("Username:"))
        .hasToString("Challenge[Username:]");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
