package io.vmta.smtp.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.smtp.server.TlsListenersTest.Way;
import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that renegotiates (TLS 1.2) is refused, on STARTTLS and implicit TLS: each
 * renegotiation costs the server a full handshake (CVE-2011-1473). Runs in a JVM of its own
 * (see smtp-server/pom.xml): the JDK reads its switch once per JVM.
 */
class TlsRenegotiationTest {

  private static ServerFixture server;

  @BeforeAll
  static void start() {
    server = TlsListenersTest.mxAndSmtps();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void aClientInitiatedRenegotiationIsRefused(Way way) throws IOException {
    try (TestSmtpClient client = TlsListenersTest.plainPart(server, way)) {
      SSLSocket tls = client.upgrade(s -> s.setEnabledProtocols(new String[] {"TLSv1.2"}));
      TlsListenersTest.afterHandshake(way, client);
      tls.startHandshake(); // a second ClientHello on the established connection
      // Accepted, the server would answer the handshake and then 250; refused, it sends a fatal
      // alert (an SSLException here) or closes.
      assertThatThrownBy(() -> {
        if (client.command("NOOP").code() == 250) {
          throw new AssertionError("the server renegotiated and went on");
        }
      }).isInstanceOf(IOException.class);
    }
  }
}
