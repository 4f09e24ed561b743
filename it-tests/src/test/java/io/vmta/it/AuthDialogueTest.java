package io.vmta.it;

import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AUTH as a transcript against the real process on its three listeners: where it is offered
 * (only under TLS), what it requires (submission and smtps: AUTH before MAIL), how it fails
 * (535, then 421 and close after three failures in a session) and what it grants (relaying,
 * but only from one's own address or an alias of it).
 */
class AuthDialogueTest {

  private static final String EHLO = "EHLO client.example.org";
  private static final String AUTH_LINE = "250-AUTH PLAIN LOGIN";

  @TempDir
  static Path dir;
  private static MtaProcess mta;

  @BeforeAll
  static void start() throws Exception {
    mta = MtaProcess.start(dir, MtaProcess.allListeners(), MtaProcess.DEFAULT_JVM_OPTIONS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (mta != null) {
      mta.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mx", "submission"})
  void authIsOfferedOnlyAfterStartTls(String mode) throws Exception {
    try (TestSmtpClient c = mta.connect(mode)) {
      TestSmtpClient.Reply plain = c.command(EHLO);
      assertThat(plain.code()).isEqualTo(250);
      assertThat(plain.lines()).contains("250-STARTTLS").noneMatch(l -> l.contains("AUTH"));

      startTls(c);
      TestSmtpClient.Reply secure = c.command(EHLO);
      assertThat(secure.code()).isEqualTo(250);
      assertThat(secure.lines()).contains(AUTH_LINE).doesNotContain("250-STARTTLS");
    }
  }

  @Test
  void smtpsOffersAuthAtOnce() throws Exception {
    try (TestSmtpClient c = mta.connect("smtps")) {
      TestSmtpClient.Reply ehlo = c.command(EHLO);
      assertThat(ehlo.lines()).contains(AUTH_LINE).noneMatch(l -> l.contains("STARTTLS"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mx", "submission"})
  void authOnAPlainConnectionIs538AndRevealsNothing(String mode) throws Exception {
    try (TestSmtpClient c = mta.connect(mode)) {
      c.command(EHLO);
      // The credentials are right, yet they must not be checked in the clear.
      assertThat(authPlain(c, "alice@example.test", "secret"))
          .startsWith("538 5.7.11 ");
      assertThat(c.command("AUTH LOGIN").last()).startsWith("538 5.7.11 ");
    }
  }

  @Test
  void submissionRefusesMailBeforeStartTlsAndBeforeAuth() throws Exception {
    try (TestSmtpClient c = mta.connect("submission")) {
      c.command(EHLO);
      assertThat(c.command("MAIL FROM:<alice@example.test>").last()).startsWith("530 5.7.0 ");
      startTls(c);
      c.command(EHLO);
      assertThat(c.command("MAIL FROM:<alice@example.test>").last()).startsWith("530 5.7.0 ");
    }
  }

  @Test
  void smtpsRefusesMailBeforeAuth() throws Exception {
    try (TestSmtpClient c = mta.connect("smtps")) {
      c.command(EHLO);
      assertThat(c.command("MAIL FROM:<alice@example.test>").last()).startsWith("530 5.7.0 ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"submission", "smtps"})
  void wrongPasswordAndUnknownUserGetTheSame535(String mode) throws Exception {
    try (TestSmtpClient c = secureSession(mode)) {
      String wrongPassword = authPlain(c, "alice@example.test", "guess");
      String unknownUser = authPlain(c, "nobody@example.test", "secret");
      assertThat(wrongPassword).startsWith("535 5.7.8 ");
      assertThat(unknownUser).isEqualTo(wrongPassword);
      // Two failures do not end the session: the right password still works.
      assertThat(authPlain(c, "alice@example.test", "secret")).startsWith("235 2.7.0 ");
    }
  }

  @Test
  void loginMechanismStepByStep() throws Exception {
    try (TestSmtpClient c = secureSession("submission")) {
      assertThat(c.command("AUTH LOGIN").last()).isEqualTo("334 " + base64("Username:"));
      assertThat(c.command(base64("alice@example.test")).last())
          .isEqualTo("334 " + base64("Password:"));
      assertThat(c.command(base64("secret")).last()).startsWith("235 2.7.0 ");
      assertThat(c.command("MAIL FROM:<alice@example.test>").last()).startsWith("250 ");
    }
  }

  @Test
  void threeFailuresInASessionClose() throws Exception {
    try (TestSmtpClient c = secureSession("submission")) {
      assertThat(authPlain(c, "alice@example.test", "guess1")).startsWith("535 5.7.8 ");
      assertThat(authPlain(c, "alice@example.test", "guess2")).startsWith("535 5.7.8 ");
      assertThat(authPlain(c, "alice@example.test", "guess3")).startsWith("535 5.7.8 ");
      assertThat(c.read().last()).startsWith("421 4.7.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
    // The next session starts afresh (and a success clears the address's failures).
    try (TestSmtpClient c = secureSession("submission")) {
      assertThat(authPlain(c, "alice@example.test", "secret")).startsWith("235 2.7.0 ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mx", "submission", "smtps"})
  void authenticatedUserRelaysOnlyFromItsOwnAddresses(String mode) throws Exception {
    try (TestSmtpClient c = secureSession(mode)) {
      assertThat(authPlain(c, "alice@example.test", "secret")).startsWith("235 2.7.0 ");
      assertThat(c.command("MAIL FROM:<bob@example.test>").last()).startsWith("553 5.7.1 ");
      assertThat(c.command("MAIL FROM:<someone@remote.example>").last())
          .startsWith("553 5.7.1 ");
      // postmaster is an alias of alice.
      assertThat(c.command("MAIL FROM:<postmaster@example.test>").last()).startsWith("250 ");
      assertThat(c.command("RCPT TO:<someone@remote.example>").last()).startsWith("250 ");
      assertThat(c.command("RSET").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<alice@EXAMPLE.test>").last()).startsWith("250 ");
      assertThat(c.command("RCPT TO:<bob@example.test>").last()).startsWith("250 ");
    }
  }

  @Test
  void mxWithoutAuthDeniesRelaying() throws Exception {
    try (TestSmtpClient c = secureSession("mx")) {
      assertThat(c.command("MAIL FROM:<alice@example.test>").last()).startsWith("250 ");
      assertThat(c.command("RCPT TO:<someone@remote.example>").last()).startsWith("554 5.7.1 ");
      assertThat(c.command("RCPT TO:<bob@example.test>").last()).startsWith("250 ");
    }
  }

  /** A session that has said EHLO under TLS: STARTTLS first except on smtps. */
  private static TestSmtpClient secureSession(String mode) throws IOException {
    TestSmtpClient c = mta.connect(mode);
    if (!"smtps".equals(mode)) {
      c.command(EHLO);
      startTls(c);
    }
    assertThat(c.command(EHLO).lines()).contains(AUTH_LINE);
    return c;
  }

  private static void startTls(TestSmtpClient c) throws IOException {
    assertThat(c.command("STARTTLS").last()).startsWith("220 2.0.0 ");
    c.upgrade();
  }

  /** AUTH PLAIN with an initial response; the last line of the reply. */
  private static String authPlain(TestSmtpClient c, String user, String password)
      throws IOException {
    return c.command("AUTH PLAIN " + plain(user, password)).last();
  }

  /** RFC 4616: authzid (empty), authcid and password, NUL-separated, in base64. */
  private static String plain(String user, String password) {
    return base64("\0" + user + "\0" + password);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
