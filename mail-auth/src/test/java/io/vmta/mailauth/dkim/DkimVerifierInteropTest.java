package io.vmta.mailauth.dkim;

import static io.vmta.mailauth.dkim.DkimVerifierTest.await;
import static io.vmta.mailauth.dkim.DkimVerifierTest.bytes;
import static io.vmta.mailauth.dkim.DkimVerifierTest.concat;
import static io.vmta.mailauth.dkim.DkimVerifierTest.replace;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.testing.FakeDnsServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mail signed by dkimpy (Debian {@code python3-dkim}) and by Mail::DKIM ({@code libmail-dkim-perl}),
 * the implementations everyone else is checked against, verifies in {@link DkimVerifier} with the
 * keys served by a DNS server in the test: dkimpy with both algorithms, every canonicalization and
 * {@code l=}; Mail::DKIM with RSA (Debian 12's version cannot sign with Ed25519). One changed byte
 * in the body or in a signed header fails it. Each signer's cases are skipped when it is not
 * installed; {@code .ci/run} installs both.
 */
class DkimVerifierInteropTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final String MESSAGE = String.join("\r\n",
      "Received: from client.example.test by mx.example.test",
      "From: Alice Example <alice@example.test>",
      "To: Bob <bob@remote.example>",
      "Subject: Gr\u00fc\u00dfe   with  spaces\t",
      "Date: Sat, 05 Dec 2026 08:00:00 +0000",
      "Message-ID: <dkimpy-interop@example.test>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Hello Bob,  \t",
      ".a line that starts with a dot",
      "   indented  and  spaced   ",
      "8-bit: \u00e4\u00f6\u00fc \u20ac",
      "",
      "",
      "");

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static FakeDnsServer dns;
  private static DkimVerifier verifier;
  private static boolean hasDkimpy;
  private static boolean hasMailDkim;

  @BeforeAll
  static void keys() throws Exception {
    hasDkimpy = runs(PYTHON, "-c", "import dkim, nacl");
    hasMailDkim = runs("perl", "-MMail::DKIM::Signer", "-e", "1");
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    verifier = new DkimVerifier(vertx, new DnsClient(vertx, List.of(dns.address()), Duration.ofSeconds(1)),
        DkimVerifier.Limits.DEFAULT);
    Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(DkimTestKeys.RSA.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    byte[] ed = DkimTestKeys.ED.getPrivate().getEncoded(); // PKCS#8: 16 octets of prefix, then the 32-octet seed
    Files.writeString(dir.resolve("ed.key"), Base64.getEncoder().encodeToString(Arrays.copyOfRange(ed, ed.length - 32,
        ed.length)));
    DkimTestKeys.publish(dns, "rsa1", "example.test", DkimTestKeys.record(DkimTestKeys.RSA.getPublic()));
    DkimTestKeys.publish(dns, "ed1", "example.test", DkimTestKeys.record(DkimTestKeys.ED.getPublic()));
    for (String script : List.of("dkimpy-sign.py", "mail-dkim-sign.pl")) {
      try (InputStream in = DkimVerifierInteropTest.class.getResourceAsStream("/dkim/" + script)) {
        Files.copy(in, dir.resolve(script));
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (dns != null) {
      dns.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @ParameterizedTest(name = "{0} c={1} l={2}")
  @CsvSource({
      "rsa-sha256,     relaxed/simple,  no",
      "rsa-sha256,     relaxed/relaxed, no",
      "rsa-sha256,     simple/simple,   no",
      "rsa-sha256,     simple/relaxed,  yes",
      "ed25519-sha256, relaxed/relaxed, no",
      "ed25519-sha256, simple/simple,   no",
      "ed25519-sha256, relaxed/simple,  yes",
  })
  void signedByDkimpyVerifiesAndOneChangedByteFails(String algorithm, String canon, String length) throws Exception {
    Assumptions.assumeTrue(hasDkimpy, "python3-dkim (with python3-nacl) is not installed");
    String selector = algorithm.startsWith("rsa") ? "rsa1" : "ed1";
    String key = dir.resolve(algorithm.startsWith("rsa") ? "rsa.pem" : "ed.key").toString();
    byte[] signed = signed(List.of(PYTHON, dir.resolve("dkimpy-sign.py").toString(), "{message}", key, selector,
        "example.test", algorithm, canon, length));
    check(signed, algorithm, selector, canon, length.equals("yes"));
  }

  @ParameterizedTest(name = "rsa-sha256 c={0}")
  @CsvSource({"relaxed/simple", "relaxed/relaxed", "simple/simple", "simple/relaxed"})
  void signedByMailDkimVerifiesAndOneChangedByteFails(String canon) throws Exception {
    Assumptions.assumeTrue(hasMailDkim, "libmail-dkim-perl is not installed");
    byte[] signed = signed(List.of("perl", dir.resolve("mail-dkim-sign.pl").toString(), "{message}",
        dir.resolve("rsa.pem").toString(), "rsa1", "example.test", canon));
    check(signed, "rsa-sha256", "rsa1", canon, false);
  }

  /** {@code signed} passes as signed by (algorithm, selector), and fails after one changed byte. */
  private static void check(byte[] signed, String algorithm, String selector, String canon, boolean length)
      throws Exception {
    assertThat(new String(signed, StandardCharsets.UTF_8)).startsWith("DKIM-Signature: v=1; a=" + algorithm)
        .contains("c=" + canon);
    DkimOutcome outcome = verify(signed);
    assertThat(outcome.result()).as(outcome.toString()).isEqualTo(DkimResult.PASS);
    assertThat(outcome).extracting(DkimOutcome::domain, DkimOutcome::selector, DkimOutcome::algorithm)
        .containsExactly("example.test", selector, algorithm);
    assertThat(outcome.reason()).isEqualTo(length ? "l=" + bodyLength(canon) : "");

    assertThat(verify(replace(signed, "Hello Bob", "Hello Rob")))
        .extracting(DkimOutcome::result, DkimOutcome::reason).containsExactly(DkimResult.FAIL, reason(length,
            "body hash mismatch", canon));
    assertThat(verify(replace(signed, "Subject: Gr", "Subject: Gl")))
        .extracting(DkimOutcome::result, DkimOutcome::reason).containsExactly(DkimResult.FAIL, reason(length,
            "signature does not verify", canon));
  }

  private static String reason(boolean length, String why, String canon) {
    return length ? why + "; l=" + bodyLength(canon) : why;
  }

  /** The canonical body's length in octets, as dkimpy writes it in l=. */
  private static int bodyLength(String canon) {
    String body = MESSAGE.substring(MESSAGE.indexOf("\r\n\r\n") + 4);
    String canonical = canon.endsWith("relaxed")
        ? "Hello Bob,\r\n.a line that starts with a dot\r\n indented and spaced\r\n8-bit: \u00e4\u00f6\u00fc \u20ac\r\n"
        : body.substring(0, body.length() - 4);
    return canonical.getBytes(StandardCharsets.UTF_8).length;
  }

  private static DkimOutcome verify(byte[] message) throws Exception {
    List<DkimOutcome> outcomes = await(verifier.verify(Buffer.buffer(message)));
    assertThat(outcomes).hasSize(1);
    return outcomes.get(0);
  }

  /** {@link #MESSAGE} with the DKIM-Signature field that {@code command} prints in front. */
  private static byte[] signed(List<String> command) throws Exception {
    Path message = Files.createTempFile(dir, "message-", ".eml");
    Files.write(message, bytes(MESSAGE));
    Process p = new ProcessBuilder(command.stream().map(a -> a.replace("{message}", message.toString())).toList())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] field = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(new String(field, StandardCharsets.US_ASCII)).endsWith("\r\n");
    return concat(field, bytes(MESSAGE));
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
}
