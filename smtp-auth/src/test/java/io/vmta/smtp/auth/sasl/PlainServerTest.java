package io.vmta.smtp.auth.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.smtp.auth.AuthReplies;
import io.vmta.smtp.core.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainServerTest {

  /** The message with '|' standing for NUL, so tests read like the RFC grammar. */
  private static byte[] msg(String withBars) {
    return withBars.replace('|', '\0').getBytes(StandardCharsets.UTF_8);
  }

  private static Step plain(byte[] initialResponse) {
    return SaslMechanisms.create("PLAIN").start(initialResponse);
  }

  @Test
  void initialResponseGivesCredentialsAtOnce() {
    assertThat(plain(msg("|alice@example.test|s3cret")))
        .isEqualTo(new Step.Credentials(null, "alice@example.test", "s3cret"));
  }

  @Test
  void theRfc4616ExampleDecodesFromBase64() {
    // RFC 4616 section 4: "\0tim\0tanstaaftanstaaf", sent on the AUTH line.
    byte[] decoded = SaslMechanisms.decodeResponse("AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
    assertThat(plain(decoded)).isEqualTo(new Step.Credentials(null, "tim", "tanstaaftanstaaf"));
  }

  @Test
  void withoutInitialResponseAnEmptyChallengeComesFirst() {
    SaslServer server = SaslMechanisms.create("plain");
    Step first = server.start(null);
    assertThat(first).isInstanceOf(Step.Challenge.class);
    assertThat(((Step.Challenge) first).challenge()).isEmpty();
    assertThat(server.next(msg("|bob@example.test|pw")))
        .isEqualTo(new Step.Credentials(null, "bob@example.test", "pw"));
  }

  @Test
  void anAuthzidEqualToTheLoginIgnoringCaseIsAccepted() {
    assertThat(plain(msg("Alice@Example.TEST|alice@example.test|pw")))
        .isEqualTo(new Step.Credentials("Alice@Example.TEST", "alice@example.test", "pw"));
  }

  @Test
  void anotherAuthzidIsRefusedAsBadCredentials() {
    assertThat(plain(msg("boss@example.test|alice@example.test|pw")))
        .isEqualTo(new Step.Failed(AuthReplies.INVALID_CREDENTIALS));
    assertThat(AuthReplies.INVALID_CREDENTIALS.code()).isEqualTo(535);
    assertThat(AuthReplies.INVALID_CREDENTIALS.status()).hasToString("5.7.8");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",                      // the "=" initial response
      "alice",                 // no NUL
      "|alice",                // one NUL
      "a|b|c|d",               // three NULs
      "||pw",                  // empty authcid
      "|alice|",               // empty password
      "|alice|p|w",            // NUL inside the password
      "|al\rice|pw",           // control character in the login
      "x\n|alice|pw",          // control character in the authzid
  })
  void malformedMessagesFailWith501(String message) {
    Step step = plain(msg(message));
    assertThat(step).isEqualTo(new Step.Failed(AuthReplies.MALFORMED_RESPONSE));
    Reply reply = ((Step.Failed) step).reply();
    assertThat(reply.code()).isEqualTo(501);
    assertThat(reply.status()).hasToString("5.5.2");
  }

  @Test
  void fieldsOf255OctetsPassAnd256Fail() {
    String id255 = "a".repeat(242) + "@example.test";
    assertThat(id255).hasSize(255);
    assertThat(plain(msg(id255 + "|" + id255 + "|" + "p".repeat(255))))
        .isInstanceOf(Step.Credentials.class);
    Step.Failed malformed = new Step.Failed(AuthReplies.MALFORMED_RESPONSE);
    assertThat(plain(msg("|" + "b" + id255 + "|pw"))).isEqualTo(malformed);
    assertThat(plain(msg("|alice|" + "p".repeat(256)))).isEqualTo(malformed);
    assertThat(plain(msg("b" + id255 + "|" + "b" + id255 + "|pw"))).isEqualTo(malformed);
  }

  @Test
  void utf8PasswordsAndLoginsDecode() {
    assertThat(plain(msg("|jörg@exämple.test|пароль密码🔑")))
        .isEqualTo(new Step.Credentials(null, "jörg@exämple.test", "пароль密码🔑"));
  }

  @Test
  void theOctetLimitCountsUtf8BytesNotCharacters() {
    // 128 two-octet characters: 128 chars but 256 octets.
    assertThat(plain(msg("|alice|" + "é".repeat(128))))
        .isEqualTo(new Step.Failed(AuthReplies.MALFORMED_RESPONSE));
    assertThat(plain(msg("|alice|" + "é".repeat(127)))).isInstanceOf(Step.Credentials.class);
  }

  @Test
  void invalidUtf8Fails() {
    Step.Failed malformed = new Step.Failed(AuthReplies.MALFORMED_RESPONSE);
    assertThat(plain(bytes("\0alice\0", new byte[] {(byte) 0xff, 'x'}))).isEqualTo(malformed);
    // An overlong NUL must not slip past the NUL check.
    assertThat(plain(bytes("\0alice\0", new byte[] {'p', (byte) 0xc0, (byte) 0x80})))
        .isEqualTo(malformed);
    // A truncated sequence, and an encoded surrogate (CESU-8).
    assertThat(plain(bytes("\0alice\0", new byte[] {'p', (byte) 0xe2, (byte) 0x82})))
        .isEqualTo(malformed);
    assertThat(plain(bytes("\0alice\0", new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})))
        .isEqualTo(malformed);
  }

  @Test
  void theExchangeEndsAfterTheMessage() {
    SaslServer withIr = SaslMechanisms.create("PLAIN");
    withIr.start(msg("|alice|pw"));
    assertThatThrownBy(() -> withIr.next(msg("|alice|pw")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> withIr.start(null)).isInstanceOf(IllegalStateException.class);

    SaslServer without = SaslMechanisms.create("PLAIN");
    assertThatThrownBy(() -> without.next(msg("|alice|pw")))
        .isInstanceOf(IllegalStateException.class);
    without.start(null);
    without.next(msg("alice"));
    assertThatThrownBy(() -> without.next(msg("|alice|pw")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theInputIsNotModified() {
    byte[] message = msg("|alice|pw");
    byte[] copy = message.clone();
    plain(message);
    assertThat(message).isEqualTo(copy);
  }

  @Test
  void base64OfAMessageRoundTrips() {
    String line = Base64.getEncoder().encodeToString(msg("|carol@example.test|hunter2"));
    assertThat(plain(SaslMechanisms.decodeResponse(line)))
        .isEqualTo(new Step.Credentials(null, "carol@example.test", "hunter2"));
  }

  private static byte[] bytes(String prefix, byte[] rest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(rest);
    return out.toByteArray();
  }
}
