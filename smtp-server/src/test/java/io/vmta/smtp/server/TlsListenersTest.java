package io.vmta.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS versions and cipher suites the listeners accept, over real sockets, for STARTTLS (mx)
 * and implicit TLS (smtps): TLS 1.3 and TLS 1.2 with ECDHE and AES-GCM yes; TLS 1.2 with only a
 * CBC suite, TLS 1.1 and TLS 1.0 no (RFC 8996, RFC 9325 4.2).
 */
class TlsListenersTest {

  private static ServerFixture server;

  /** The two ways into TLS: the listener's index in the fixture. */
  enum Way {
    STARTTLS(0), IMPLICIT(1);

    final int listener;

    Way(int listener) {
      this.listener = listener;
    }
  }

  @BeforeAll
  static void start() {
    server = mxAndSmtps();
  }

  /** A test server with an mx listener (STARTTLS) and an smtps listener (implicit TLS), as {@link Way} numbers them. */
  static ServerFixture mxAndSmtps() {
    return new ServerFixture(ServerFixture.defaults().setListeners(List.of(
        new ListenerOptions("127.0.0.1", 0, ListenerMode.MX),
        new ListenerOptions("127.0.0.1", 0, ListenerMode.SMTPS))));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void tls13IsAccepted(Way way) throws IOException {
    try (TestSmtpClient client = plainPart(server, way)) {
      SSLSocket tls = client.upgrade(s -> s.setEnabledProtocols(new String[] {"TLSv1.3"}));
      assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.3");
      afterHandshake(way, client);
    }
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void tls12WithEcdheAndAesGcmIsAccepted(Way way) throws IOException {
    try (TestSmtpClient client = plainPart(server, way)) {
      SSLSocket tls = client.upgrade(s -> {
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
      });
      assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(tls.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
      afterHandshake(way, client);
    }
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void tls12WithOnlyCbcOrStaticRsaIsRefused(Way way) throws IOException {
    for (String suite : List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")) {
      try (TestSmtpClient client = plainPart(server, way)) {
        assertThatThrownBy(() -> client.upgrade(s -> {
          s.setEnabledProtocols(new String[] {"TLSv1.2"});
          s.setEnabledCipherSuites(new String[] {suite});
        })).as(suite).isInstanceOf(SSLException.class);
      }
    }
  }

  /**
   * TLS 1.0 (0x0301) and 1.1 (0x0302): the JDK's client no longer offers them, so a ClientHello
   * is written by hand; the server must answer with an alert or close, never a ServerHello.
   */
  @ParameterizedTest
  @ValueSource(ints = {0x0301, 0x0302})
  void tls10And11AreRefused(int version) throws IOException {
    for (Way way : Way.values()) {
      try (TestSmtpClient client = plainPart(server, way)) {
        Socket socket = client.socket();
        socket.getOutputStream().write(clientHello(version));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        int contentType;
        try {
          contentType = in.read();
        } catch (IOException reset) {
          contentType = -1;
        }
        assertThat(contentType).as("%s, version %x: 21 (alert) or -1 (closed), 22 would be a ServerHello",
            way, version).isIn(21, -1);
      }
    }
  }

  /** The connection up to the TLS handshake: the greeting, and for STARTTLS EHLO and its 220. */
  static TestSmtpClient plainPart(ServerFixture server, Way way) throws IOException {
    TestSmtpClient client = new TestSmtpClient("127.0.0.1", server.port(way.listener));
    if (way == Way.STARTTLS) {
      client.read();
      client.command("EHLO client.example.test");
      assertThat(client.command("STARTTLS").code()).isEqualTo(220);
    }
    return client;
  }

  /** The session goes on over TLS: the greeting (implicit TLS) and a 250 to EHLO. */
  static void afterHandshake(Way way, TestSmtpClient client) throws IOException {
    if (way == Way.IMPLICIT) {
      assertThat(client.read().code()).isEqualTo(220);
    }
    assertThat(client.command("EHLO client.example.test").code()).isEqualTo(250);
  }

  /**
   * A minimal TLS ClientHello of {@code version} (RFC 2246 7.4.1.2 / RFC 4346): record and
   * hello both of that version, ECDHE and RSA suites with CBC (all TLS 1.0 has), no extensions
   * but the curves and point formats ECDHE needs.
   */
  static byte[] clientHello(int version) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, version);
    body.writeBytes(new byte[32]); // random
    body.write(0); // no session id
    int[] suites = {0xC013, 0xC014, 0x002F, 0x0035}; // ECDHE_RSA/RSA with AES_128/256_CBC_SHA
    u16(body, suites.length * 2);
    for (int s : suites) {
      u16(body, s);
    }
    body.write(1); // one compression method: null
    body.write(0);
    byte[] extensions = {
        0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17, // supported_groups: secp256r1
        0x00, 0x0b, 0x00, 0x02, 0x01, 0x00};              // ec_point_formats: uncompressed
    u16(body, extensions.length);
    body.writeBytes(extensions);
    byte[] hello = body.toByteArray();
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(22); // handshake
    u16(record, version);
    u16(record, hello.length + 4);
    record.write(1); // client_hello
    record.write(0);
    u16(record, hello.length);
    record.writeBytes(hello);
    return record.toByteArray();
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write(v >> 8);
    out.write(v & 0xff);
  }
}
