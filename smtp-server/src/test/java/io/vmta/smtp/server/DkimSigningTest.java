package io.vmta.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmta.mailauth.dkim.DkimAlgorithm;
import io.vmta.mailauth.dkim.DkimKeyOptions;
import io.vmta.mailauth.dkim.DkimOptions;
import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which mail the server signs: that of trusted networks (and authenticated users, it-tests'
 * DkimInteropTest), DATA and BDAT alike, with every key of the From domain; never mail an MX
 * listener takes from an untrusted, unauthenticated client. The signatures go above Received.
 */
class DkimSigningTest {

  private static final String MESSAGE = "From: Alice <alice@example.test>\r\nTo: bob@example.org\r\n"
      + "Subject: caf\u00e9\r\n\r\n8-bit body: \u00fc\u00df\r\n";

  @TempDir
  Path dir;
  private ServerFixture server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void trustedClientsMailIsSignedWithBothKeysAboveReceivedByData() throws Exception {
    server = new ServerFixture(signing().setTrustedNetworks(List.of("127.0.0.0/8")));
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.test");
      c.command("MAIL FROM:<alice@example.test> BODY=8BITMIME");
      c.command("RCPT TO:<bob@example.org>");
      assertEquals(354, c.command("DATA").code());
      c.sendBytes((MESSAGE + ".\r\n").getBytes(StandardCharsets.UTF_8));
      assertEquals(250, c.read().code());
    }
    assertSigned(server.nextQueued().content().getBytes());
  }

  @Test
  void trustedClientsMailIsSignedByBdat() throws Exception {
    server = new ServerFixture(signing().setTrustedNetworks(List.of("127.0.0.0/8")));
    byte[] body = MESSAGE.getBytes(StandardCharsets.UTF_8);
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.test");
      c.command("MAIL FROM:<alice@example.test> BODY=8BITMIME");
      c.command("RCPT TO:<bob@example.org>");
      c.sendBytes(("BDAT " + body.length + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
      c.sendBytes(body);
      assertEquals(250, c.read().code());
    }
    assertSigned(server.nextQueued().content().getBytes());
  }

  @Test
  void mailFromAnUntrustedUnauthenticatedClientIsNeverSigned() throws Exception {
    server = new ServerFixture(signing());
    try (TestSmtpClient c = server.connect()) {
      c.command("EHLO client.example.test");
      c.command("MAIL FROM:<alice@example.test>");
      c.command("RCPT TO:<bob@example.test>");
      assertEquals(354, c.command("DATA").code());
      c.sendBytes((MESSAGE + ".\r\n").getBytes(StandardCharsets.UTF_8));
      assertEquals(250, c.read().code());
    }
    String queued = server.nextQueued().content().toString(StandardCharsets.UTF_8);
    assertTrue(queued.startsWith("Received: "), queued);
    assertTrue(!queued.contains("DKIM-Signature"), queued);
  }

  @Test
  void aKeyThatDoesNotLoadFailsTheStart() throws Exception {
    Path bad = dir.resolve("bad.pem");
    Files.writeString(bad, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    SmtpServerOptions options = ServerFixture.defaults().setDkim(new DkimOptions().setKeys(List.of(
        new DkimKeyOptions("example.test", "s1", DkimAlgorithm.RSA_SHA256, bad.toString()))));
    Throwable e = assertThrows(Throwable.class, () -> new ServerFixture(options).close());
    assertTrue(String.valueOf(e.getMessage()).contains("dkim.keys[0].keyPath"), String.valueOf(e.getMessage()));
  }

  private static void assertSigned(byte[] queued) {
    String text = new String(queued, StandardCharsets.UTF_8);
    var signatures = Pattern.compile("(?m)^DKIM-Signature: v=1; a=([a-z0-9-]+);").matcher(text).results()
        .map(m -> m.group(1)).toList();
    assertEquals(List.of("ed25519-sha256", "rsa-sha256"), signatures);
    int received = text.indexOf("\r\nReceived: ");
    assertTrue(text.startsWith("DKIM-Signature: ") && received > text.lastIndexOf("DKIM-Signature: "), text);
    assertTrue(text.endsWith(MESSAGE), "the message itself is unchanged: " + text);
  }

  private SmtpServerOptions signing() throws Exception {
    return ServerFixture.defaults().setDkim(new DkimOptions().setKeys(List.of(
        new DkimKeyOptions("example.test", "rsa1", DkimAlgorithm.RSA_SHA256, pem("RSA", "rsa.pem")),
        new DkimKeyOptions("example.test", "ed1", DkimAlgorithm.ED25519_SHA256, pem("Ed25519", "ed.pem")))));
  }

  private String pem(String algorithm, String name) throws Exception {
    byte[] der = KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPrivate().getEncoded();
    Path file = dir.resolve(name);
    Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n");
    return file.toString();
  }
}
