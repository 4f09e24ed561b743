package io.vmta.smtp.server;

import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Undeploying the server: idle sessions leave at once, a message under way may finish. */
class GracefulStopTest {

  private ServerFixture server;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aMessageUnderWayFinishesAndEverySessionIsToldWhyItCloses() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setShutdownGrace(java.time.Duration.ofSeconds(30)));
    int port = server.port();
    try (TestSmtpClient idle = server.connect(); TestSmtpClient busy = server.connect()) {
      idle.command("EHLO client.example.org");
      busy.command("EHLO client.example.org");
      busy.command("MAIL FROM:<a@example.org>");
      busy.command("RCPT TO:<alice@example.test>");
      assertThat(busy.command("DATA").code()).isEqualTo(354);
      busy.send("Subject: in flight\r\n\r\nfirst half\r\n");

      var stopped = server.vertx.undeploy(server.vertx.deploymentIDs().iterator().next());
      assertThat(idle.read().last()).startsWith("421 4.3.2 ");
      assertThat(idle.closedByServer()).isTrue();
      assertThat(server.verticle().isListening()).as("a stopping server is not listening").isFalse();
      assertThat(unserved(port)).as("a new connection is refused, or reset without a greeting").isTrue();

      assertThat(busy.command("second half\r\n.").last()).startsWith("250 2.0.0 Ok: queued as ");
      assertThat(busy.read().last()).startsWith("421 4.3.2 ");
      assertThat(busy.closedByServer()).isTrue();
      ServerFixture.await(stopped);
    }
    assertThat(server.nextQueued().content().toString()).endsWith("first half\r\nsecond half\r\n");
  }

  /**
   * Whether a new connection to {@code port} goes unserved: refused, or taken into the kernel's
   * backlog and then reset without a byte. The second happens when the test connects between
   * Vert.x telling the sessions 421 and the JDK closing the listening socket: a server channel
   * registered with a selector is closed only at that selector's next select, on the acceptor
   * thread, which a loaded machine may run late.
   */
  private static boolean unserved(int port) throws IOException {
    TestSmtpClient late;
    try {
      late = new TestSmtpClient("127.0.0.1", port);
    } catch (IOException refused) {
      return true;
    }
    try (late) {
      return late.closedByServer();
    }
  }

  @Test
  void aSessionStillBusyAtTheDeadlineIsClosedWith421() throws Exception {
    server = new ServerFixture(ServerFixture.defaults().setShutdownGrace(java.time.Duration.ofSeconds(1)));
    try (TestSmtpClient busy = server.connect()) {
      busy.command("EHLO client.example.org");
      busy.command("MAIL FROM:<a@example.org>");
      var stopped = server.vertx.undeploy(server.vertx.deploymentIDs().iterator().next());
      ServerFixture.await(stopped);
      assertThat(busy.read().last()).startsWith("421 4.3.2 ");
      assertThat(busy.closedByServer()).isTrue();
    }
    assertThat(server.queued).isEmpty();
  }
}
