package io.vmta.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.relay.testing.FakeSmtpServer;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DKIM signatures of the real jar checked by the verifiers everyone else is checked against:
 * dkimpy (Debian {@code python3-dkim}) and Mail::DKIM ({@code libmail-dkim-perl}), with the
 * public keys that {@code dkim-keygen} printed served by a DNS server in the test. An
 * authenticated user submits 8-bit mail; the MTA signs it with an RSA and an Ed25519 key and
 * relays it to a fake SMTP server; the relayed bytes must verify, and must stop verifying when
 * one byte of the body or of a signed header changes. Skipped when the verifiers are missing.
 */
class DkimInteropTest {

  private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(60);
  private static final String MESSAGE = String.join("\r\n",
      "From: Alice Example <alice@example.test>",
      "To: Bob <bob@remote.example>",
      "Subject: Gr\u00fc\u00dfe   with  spaces\t",
      "Date: Sat, 05 Dec 2026 08:00:00 +0000",
      "Message-ID: <dkim-interop@example.test>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Hello Bob,  \t",
      ".a line that starts with a dot",
      "8-bit: \u00e4\u00f6\u00fc \u20ac",
      "",
      "",
      "");

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static FakeDnsServer dns;
  private static FakeSmtpServer peer;
  private static MtaProcess mta;
  private static byte[] relayed;

  @BeforeAll
  static void signAndRelay() throws Exception {
    Assumptions.assumeTrue(runs("/usr/bin/python3", "-c", "import dkim, dns.resolver, nacl"),
        "python3-dkim (with python3-dnspython and python3-nacl) is not installed");
    Assumptions.assumeTrue(runs("perl", "-MMail::DKIM::Verifier", "-MNet::DNS::Resolver", "-e", "1"),
        "libmail-dkim-perl is not installed");
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    peer = await(new FakeSmtpServer().pipelining().eightBitMime().start(vertx));
    dns.a("remote.example", "127.0.0.1");
    Path keys = dir.resolve("dkim");
    JsonArray dkimKeys = new JsonArray();
    for (String[] key : List.of(new String[] {"rsa1", "rsa-sha256"}, new String[] {"ed1", "ed25519-sha256"})) {
      MtaCommand.Result r = MtaCommand.run(dir, Map.of(), "dkim-keygen", "--domain", "example.test",
          "--selector", key[0], "--algorithm", key[1], "--out", keys.toString());
      assertThat(r.status()).as(r.toString()).isZero();
      publish(r.out());
      dkimKeys.add(new JsonObject().put("domain", "example.test").put("selector", key[0]).put("algorithm", key[1])
          .put("keyPath", "dkim/" + key[0] + ".example.test.pem"));
    }
    mta = MtaProcess.start(dir, MtaProcess.allListeners()
        .put("dkim", new JsonObject().put("keys", dkimKeys))
        .put("relay", new JsonObject()
            .put("dnsServers", new JsonArray().add("127.0.0.1:" + dns.address().getPort()))
            .put("port", peer.port())
            .put("retry", new JsonObject().put("initialDelay", "1s"))), MtaProcess.DEFAULT_JVM_OPTIONS);
    submitAsAlice();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (peer.messages().isEmpty()) {
      assertThat(System.nanoTime()).as("relayed within 30 s").isLessThan(deadline);
      await(vertx.timer(50));
    }
    relayed = peer.messages().get(0).content().getBytes();
  }

  @AfterAll
  static void stop() throws Exception {
    if (mta != null) {
      mta.close();
    }
    if (dns != null) {
      dns.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void bothSignaturesAreOnTopAndTheMessageIsUnchanged() {
    String text = new String(relayed, StandardCharsets.UTF_8);
    assertThat(text).startsWith("DKIM-Signature: v=1; a=ed25519-sha256;");
    assertThat(text.indexOf("DKIM-Signature: v=1; a=rsa-sha256;")).isPositive()
        .isLessThan(text.indexOf("\r\nReceived: "));
    assertThat(text).endsWith(MESSAGE);
  }

  @Test
  void dkimpyVerifiesBothSignatures() throws Exception {
    assertThat(dkimpy(relayed)).containsExactly("ed25519-sha256 pass", "rsa-sha256 pass");
  }

  /**
   * Mail::DKIM verifies the RSA signature. Debian 12's version (1.20230212) has no Ed25519 (upstream
   * added it later, on CryptX): it answers such a signature "invalid" as an unsupported algorithm;
   * with a version that has it, the signature must pass.
   */
  @Test
  void mailDkimVerifiesBothSignaturesOrDoesNotKnowEd25519() throws Exception {
    List<String> results = mailDkim(relayed);
    assertThat(results).hasSize(2);
    assertThat(results.get(0)).matches("ed25519-sha256 (pass .*|invalid \\(invalid \\(unsupported algorithm ed25519-sha256\\)\\))");
    assertThat(results.get(1)).startsWith("rsa-sha256 pass");
  }

  @Test
  void oneByteMoreInTheBodyFailsBoth() throws Exception {
    byte[] changed = replace(relayed, "Hello Bob", "Hello Rob");
    assertThat(dkimpy(changed)).containsExactly("ed25519-sha256 fail", "rsa-sha256 fail");
    assertThat(mailDkim(changed).get(1)).startsWith("rsa-sha256 fail");
  }

  @Test
  void oneByteInASignedHeaderFailsBoth() throws Exception {
    byte[] changed = replace(relayed, "Subject: Gr", "Subject: Gl");
    assertThat(dkimpy(changed)).containsExactly("ed25519-sha256 fail", "rsa-sha256 fail");
    assertThat(mailDkim(changed).get(1)).startsWith("rsa-sha256 fail");
  }

  @Test
  void anAddedFromHeaderFailsBoth() throws Exception {
    // Over-signing: From is listed once more than it occurs, so a second From breaks the signature.
    byte[] changed = replace(relayed, "From: Alice", "From: Mallory <mallory@example.test>\r\nFrom: Alice");
    assertThat(dkimpy(changed)).containsExactly("ed25519-sha256 fail", "rsa-sha256 fail");
    assertThat(mailDkim(changed).get(1)).startsWith("rsa-sha256 fail");
  }

  /** Publishes the TXT record dkim-keygen printed, with its character-strings as printed. */
  private static void publish(String output) {
    String line = output.lines().filter(l -> l.contains("._domainkey.")).findFirst().orElseThrow();
    String name = line.substring(0, line.indexOf(". IN TXT"));
    List<String> strings = Pattern.compile("\"([^\"]*)\"").matcher(line).results().map(m -> m.group(1)).toList();
    dns.txt(name, strings.toArray(String[]::new));
  }

  private static void submitAsAlice() throws IOException {
    try (TestSmtpClient c = mta.connect("submission")) {
      c.command("EHLO client.example.test");
      assertThat(c.command("STARTTLS").code()).isEqualTo(220);
      c.upgrade();
      c.command("EHLO client.example.test");
      String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes(StandardCharsets.UTF_8));
      assertThat(c.command("AUTH PLAIN " + plain).code()).isEqualTo(235);
      assertThat(c.command("MAIL FROM:<alice@example.test> BODY=8BITMIME").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<bob@remote.example>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.sendBytes((MESSAGE.replace("\r\n.", "\r\n..") + ".\r\n").getBytes(StandardCharsets.UTF_8));
      assertThat(c.read().code()).isEqualTo(250);
    }
  }

  /** dkimpy's result per signature, "a= pass|fail" (its reason left out). */
  private static List<String> dkimpy(byte[] message) throws Exception {
    return verify(message, "/usr/bin/python3", "dkimpy-verify.py").stream()
        .map(l -> l.substring(0, l.indexOf(" ("))).toList();
  }

  private static List<String> mailDkim(byte[] message) throws Exception {
    return verify(message, "perl", "mail-dkim-verify.pl");
  }

  private static List<String> verify(byte[] message, String interpreter, String script) throws Exception {
    Path file = Files.createTempFile(dir, "message-", ".eml");
    Files.write(file, message);
    Path code = dir.resolve(script);
    if (!Files.exists(code)) {
      try (var in = DkimInteropTest.class.getResourceAsStream("/dkim/" + script)) {
        Files.copy(in, code);
      }
    }
    Commands.Result r = Commands.run(dir, VERIFY_TIMEOUT,
        List.of(interpreter, code.toString(), file.toString(), String.valueOf(dns.address().getPort())));
    assertThat(r.exitCode()).as(r.output()).isZero();
    return r.output().lines().filter(l -> l.matches("[a-z0-9-]+ [a-z]+.*")).toList();
  }

  private static byte[] replace(byte[] message, String from, String to) {
    String text = new String(message, StandardCharsets.UTF_8);
    assertThat(text).contains(from);
    return text.replaceFirst(Pattern.quote(from), to).getBytes(StandardCharsets.UTF_8);
  }

  private static boolean runs(String... command) {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
