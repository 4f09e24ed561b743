package io.vmta.smtp.auth.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.smtp.auth.AuthReplies;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoginServerTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void asksForUsernameThenPassword() {
    SaslServer server = SaslMechanisms.create("LOGIN");
    assertThat(server.mechanism()).isEqualTo("LOGIN");
    assertThat(server.start(null)).isEqualTo(Step.Challenge.of("Username:"));
    assertThat(server.next(utf8("alice@example.test"))).isEqualTo(Step.Challenge.of("Password:"));
    assertThat(server.next(utf8("s3cret")))
        .isEqualTo(new Step.Credentials(null, "alice@example.test", "s3cret"));
  }

  @Test
  void theChallengesAreBase64OfTheCustomaryText() {
    // What clients see on the wire after "334 ".
    assertThat(java.util.Base64.getEncoder().encodeToString(
        ((Step.Challenge) SaslMechanisms.create("login").start(null)).challenge()))
        .isEqualTo("VXNlcm5hbWU6");
  }

  @Test
  void anInitialResponseIsTheUsername() {
    SaslServer server = SaslMechanisms.create("login");
    assertThat(server.start(utf8("bob@example.test"))).isEqualTo(Step.Challenge.of("Password:"));
    assertThat(server.next(utf8("pässwörd")))
        .isEqualTo(new Step.Credentials(null, "bob@example.test", "pässwörd"));
  }

  @Test
  void anEmptyUsernameOrPasswordFails() {
    Step.Failed malformed = new Step.Failed(AuthReplies.MALFORMED_RESPONSE);
    assertThat(SaslMechanisms.create("LOGIN").start(new byte[0])).isEqualTo(malformed);

    SaslServer server = SaslMechanisms.create("LOGIN");
    server.start(null);
    assertThat(server.next(new byte[0])).isEqualTo(malformed);

    SaslServer noPassword = SaslMechanisms.create("LOGIN");
    noPassword.start(utf8("alice"));
    assertThat(noPassword.next(new byte[0])).isEqualTo(malformed);
  }

  @Test
  void badFieldsFail() {
    Step.Failed malformed = new Step.Failed(AuthReplies.MALFORMED_RESPONSE);
    assertThat(SaslMechanisms.create("LOGIN").start(utf8("al\0ice"))).isEqualTo(malformed);
    assertThat(SaslMechanisms.create("LOGIN").start(utf8("alice\r\n"))).isEqualTo(malformed);
    assertThat(SaslMechanisms.create("LOGIN").start(new byte[] {(byte) 0xc3})).isEqualTo(malformed);
    SaslServer server = SaslMechanisms.create("LOGIN");
    server.start(utf8("alice"));
    assertThat(server.next(utf8("p".repeat(256)))).isEqualTo(malformed);
  }

  @Test
  void theExchangeEndsAfterThePassword() {
    SaslServer server = SaslMechanisms.create("LOGIN");
    server.start(utf8("alice"));
    server.next(utf8("pw"));
    assertThatThrownBy(() -> server.next(utf8("pw"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> server.start(null)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SaslMechanisms.create("LOGIN").next(utf8("alice")))
        .isInstanceOf(IllegalStateException.class);
  }
}
