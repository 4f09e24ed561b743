package io.vmta.smtp.server;

import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.auth.UsersAuthenticationProvider;
import io.vmta.smtp.auth.UsersFile;
import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** AUTH (RFC 4954) with PLAIN and LOGIN, the listener modes and the relay policy, over real sockets. */
class AuthTest {

  private static final String HASH = PasswordHashes.hash("s3cret");
  private static final UsersFile USERS = UsersFile.parse(
      "alice@example.test:" + HASH + "\nbob@example.test:" + HASH + "\n", "test users");

  private ServerFixture server;

  @AfterEach
  void stop() {
    server.close();
  }

  private void start(SmtpServerOptions options) {
    server = new ServerFixture(options.setLocalUsers(List.of("alice@example.test", "bob@example.test"))
        .setAliases(Map.of("postmaster@example.test", List.of("alice@example.test"))),
        vertx -> new UsersAuthenticationProvider(vertx, USERS));
  }

  private void startMx() {
    start(ServerFixture.defaults());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private TestSmtpClient tlsSession() throws Exception {
    TestSmtpClient c = server.connect();
    c.command("EHLO client.example.org");
    c.command("STARTTLS");
    c.upgrade();
    return c;
  }

  @Test
  void authIsOfferedAndAcceptedOnlyUnderTls() throws Exception {
    startMx();
    try (TestSmtpClient c = server.connect()) {
      assertThat(c.command("EHLO client.example.org").lines()).noneMatch(l -> l.contains("AUTH"));
      assertThat(c.command("AUTH PLAIN " + b64("\0alice@example.test\0s3cret")).last()).startsWith("538 5.7.11 ");
      c.command("STARTTLS");
      c.upgrade();
      assertThat(c.command("EHLO client.example.org").lines()).contains("250-AUTH PLAIN LOGIN");
    }
  }

  @Test
  void plainWithAnInitialResponseThenRelayAsTheUser() throws Exception {
    startMx();
    try (TestSmtpClient c = tlsSession()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("AUTH PLAIN " + b64("\0Alice@example.test\0s3cret")).last())
          .isEqualTo("235 2.7.0 Authentication successful");
      assertThat(c.command("EHLO client.example.org").lines()).noneMatch(l -> l.contains("AUTH"));
      assertThat(c.command("AUTH PLAIN " + b64("\0alice@example.test\0s3cret")).last()).startsWith("503 5.5.1 ");
      assertThat(c.command("MAIL FROM:<bob@example.test>").last()).startsWith("553 5.7.1 ");
      assertThat(c.command("MAIL FROM:<>").last()).startsWith("553 5.7.1 ");
      assertThat(c.command("MAIL FROM:<postmaster@example.test>").code()).isEqualTo(250);
      assertThat(c.command("AUTH LOGIN").last()).startsWith("503 5.5.1 ");
      assertThat(c.command("RCPT TO:<friend@elsewhere.example>").code()).isEqualTo(250);
      c.command("DATA");
      assertThat(c.command("hi\r\n.").code()).isEqualTo(250);
    }
    var m = server.nextQueued();
    assertThat(m.envelope().authUser()).isEqualTo("alice@example.test");
    assertThat(m.content().toString(StandardCharsets.UTF_8)).contains(" with ESMTPSA id ");
  }

  @Test
  void plainWithoutAnInitialResponseAndLogin() throws Exception {
    startMx();
    try (TestSmtpClient c = tlsSession()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("AUTH PLAIN").last()).isEqualTo("334 ");
      assertThat(c.command(b64("\0bob@example.test\0s3cret")).code()).isEqualTo(235);
    }
    try (TestSmtpClient c = tlsSession()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("AUTH LOGIN").last()).isEqualTo("334 " + b64("Username:"));
      assertThat(c.command(b64("bob@example.test")).last()).isEqualTo("334 " + b64("Password:"));
      assertThat(c.command(b64("s3cret")).code()).isEqualTo(235);
    }
  }

  @Test
  void wrongPasswordsAndUnknownUsersGetTheSameAnswerAndThreeCloseTheSession() throws Exception {
    startMx();
    try (TestSmtpClient c = tlsSession()) {
      c.command("EHLO client.example.org");
      TestSmtpClient.Reply wrong = c.command("AUTH PLAIN " + b64("\0alice@example.test\0nope"));
      TestSmtpClient.Reply unknown = c.command("AUTH LOGIN " + b64("mallory@example.test"));
      assertThat(unknown.code()).isEqualTo(334);
      unknown = c.command(b64("nope"));
      assertThat(wrong.last()).startsWith("535 5.7.8 ").isEqualTo(unknown.last());
      assertThat(c.command("AUTH PLAIN " + b64("\0bob@example.test\0nope")).last()).startsWith("535 5.7.8 ");
      assertThat(c.read().last()).startsWith("421 4.7.0 ");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void protocolErrorsInsideTheExchange() throws Exception {
    startMx();
    try (TestSmtpClient c = tlsSession()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("AUTH CRAM-MD5").last()).startsWith("504 5.5.4 ");
      c.command("AUTH LOGIN");
      assertThat(c.command("*").last()).startsWith("501 5.0.0 ");
      c.command("AUTH PLAIN");
      assertThat(c.command("not base64!").last()).startsWith("501 5.5.2 ");
      assertThat(c.command("AUTH PLAIN " + b64("no-nul-here")).last()).startsWith("501 5.5.2 ");
      c.command("MAIL FROM:<a@example.org>");
      assertThat(c.command("AUTH PLAIN " + b64("\0alice@example.test\0s3cret")).last()).startsWith("503 5.5.1 ");
      assertThat(c.command("NOOP").code()).isEqualTo(250);
    }
  }

  @Test
  void submissionNeedsTlsThenAuthBeforeMail() throws Exception {
    start(ServerFixture.defaults().setListeners(List.of(new ListenerOptions("127.0.0.1", 0, ListenerMode.SUBMISSION),
        new ListenerOptions("127.0.0.1", 0, ListenerMode.SMTPS))));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("MAIL FROM:<alice@example.test>").last()).startsWith("530 5.7.0 Must issue a STARTTLS");
      c.command("STARTTLS");
      c.upgrade();
      c.command("EHLO client.example.org");
      assertThat(c.command("MAIL FROM:<alice@example.test>").last()).startsWith("530 5.7.0 ");
      assertThat(c.command("AUTH PLAIN " + b64("\0alice@example.test\0s3cret")).code()).isEqualTo(235);
      assertThat(c.command("MAIL FROM:<alice@example.test>").code()).isEqualTo(250);
    }
    try (TestSmtpClient c = TestSmtpClient.tls("127.0.0.1", server.port(1))) {
      assertThat(c.read().code()).isEqualTo(220);
      assertThat(c.command("EHLO client.example.org").lines()).contains("250-AUTH PLAIN LOGIN")
          .noneMatch(l -> l.contains("STARTTLS"));
      assertThat(c.command("MAIL FROM:<bob@example.test>").last()).startsWith("530 5.7.0 ");
      assertThat(c.command("AUTH PLAIN " + b64("\0bob@example.test\0s3cret")).code()).isEqualTo(235);
      assertThat(c.command("MAIL FROM:<bob@example.test>").code()).isEqualTo(250);
    }
  }

  @Test
  void repeatedFailuresFromOneAddressAreRefused() throws Exception {
    start(ServerFixture.defaults().setAuthThresholds(2, 2));
    for (int i = 0; i < 2; i++) {
      try (TestSmtpClient c = tlsSession()) {
        c.command("EHLO client.example.org");
        assertThat(c.command("AUTH PLAIN " + b64("\0alice@example.test\0guess" + i)).code()).isEqualTo(535);
      }
    }
    try (TestSmtpClient c = tlsSession()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("AUTH PLAIN " + b64("\0alice@example.test\0s3cret")).last()).startsWith("454 4.7.0 ");
    }
  }
}
