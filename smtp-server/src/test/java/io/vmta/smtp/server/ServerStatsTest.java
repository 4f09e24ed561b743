package io.vmta.smtp.server;

import io.vertx.core.Promise;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SmtpServerStats}: open connections, refusals and AUTH failures, counted over real sockets. */
class ServerStatsTest {

  private static final UsersFile USERS = UsersFile.parse(
      "alice@example.test:" + PasswordHashes.hash("s3cret") + "\n", "test users");

  private ServerFixture server;

  @AfterEach
  void stop() {
    server.close();
  }

  private SmtpServerStats stats() {
    return SmtpServerStats.of(server.vertx);
  }

  @Test
  void openConnectionsGoUpOnConnectAndDownOnCloseByMode() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setListeners(List.of(
        new ListenerOptions("127.0.0.1", 0, ListenerMode.MX),
        new ListenerOptions("127.0.0.1", 0, ListenerMode.SMTPS))));
    assertThat(stats().openConnections()).isZero();
    TestSmtpClient a = server.connect();
    TestSmtpClient b = server.connect();
    TestSmtpClient tls = TestSmtpClient.tls("127.0.0.1", server.port(1));
    assertThat(tls.read().code()).isEqualTo(220);
    // Each session is counted before its greeting is written.
    assertThat(stats().openConnections(ListenerMode.MX)).isEqualTo(2);
    assertThat(stats().openConnections(ListenerMode.SMTPS)).isEqualTo(1);
    assertThat(stats().openConnections(ListenerMode.SUBMISSION)).isZero();
    assertThat(stats().openConnections()).isEqualTo(3);

    a.close();
    eventually(() -> stats().openConnections(ListenerMode.MX) == 1, "the client's close counted");
    assertThat(b.command("QUIT").code()).isEqualTo(221);
    assertThat(b.closedByServer()).isTrue();
    eventually(() -> stats().openConnections(ListenerMode.MX) == 0, "the server's close counted");
    tls.close();
    eventually(() -> stats().openConnections() == 0, "every connection closed");
    b.close();
    assertThat(stats().refusedConnections()).isZero();
  }

  @Test
  void connectionsOverALimitAreRefusedAndCountedAsSuch() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setMaxConnectionsPerIp(1));
    try (TestSmtpClient a = server.connect(); TestSmtpClient refused = new TestSmtpClient("127.0.0.1", server.port())) {
      assertThat(refused.read().last()).startsWith("421 4.7.0 ");
      assertThat(stats().refusedConnections(ListenerMode.MX)).isEqualTo(1);
      assertThat(stats().refusedConnections()).isEqualTo(1);
      assertThat(stats().openConnections(ListenerMode.MX)).as("a refused connection is never open").isEqualTo(1);
    }
  }

  @Test
  void onlyRejectedCredentialsCountAsAuthFailures() throws Exception {
    server = new ServerFixture(ServerFixture.defaults(), vertx -> new UsersAuthenticationProvider(vertx, USERS));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.org");
      assertThat(c.command("AUTH PLAIN " + b64("\0alice@example.test\0s3cret")).code()).isEqualTo(538);
      c.command("STARTTLS");
      c.upgrade();
      c.command("EHLO client.example.org");
      assertThat(c.command("AUTH PLAIN " + b64("\0alice@example.test\0wrong")).code()).isEqualTo(535);
      assertThat(stats().authFailures(ListenerMode.MX)).isEqualTo(1);
      assertThat(c.command("AUTH LOGIN").code()).isEqualTo(334);
      assertThat(c.command(b64("alice@example.test")).code()).isEqualTo(334);
      assertThat(c.command(b64("guess")).code()).isEqualTo(535);
      assertThat(stats().authFailures(ListenerMode.MX)).isEqualTo(2);
      assertThat(c.command("AUTH PLAIN " + b64("\0alice@example.test\0s3cret")).code()).isEqualTo(235);
      assertThat(stats().authFailures(ListenerMode.MX)).isEqualTo(2);
      assertThat(stats().authFailures(ListenerMode.SUBMISSION)).isZero();
      assertThat(stats().authFailures()).isEqualTo(2);
    }
  }

  @Test
  void listeningUntilTheServerStops() {
    server = new ServerFixture(ServerFixture.defaults());
    assertThat(server.verticle().isListening()).isTrue();
    ServerFixture.await(server.vertx.undeploy(server.vertx.deploymentIDs().iterator().next()));
    assertThat(server.verticle().isListening()).isFalse();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Waits until {@code condition} holds, checking it every 5 ms on one-shot Vert.x timers: the
   * server counts a close when its close handler runs, which the client's side cannot observe.
   * (Not setPeriodic(0, ...): in Vert.x 5.0.7 cancelling it from its first run throws an NPE.)
   */
  private void eventually(BooleanSupplier condition, String what) {
    Promise<Void> done = Promise.promise();
    check(condition, System.nanoTime() + TimeUnit.SECONDS.toNanos(10), what, done);
    ServerFixture.await(done.future());
  }

  private void check(BooleanSupplier condition, long deadline, String what, Promise<Void> done) {
    if (condition.getAsBoolean()) {
      done.complete();
    } else if (System.nanoTime() > deadline) {
      done.fail(new AssertionError("not within 10 s: " + what));
    } else {
      server.vertx.setTimer(5, id -> check(condition, deadline, what, done));
    }
  }
}
