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
 * Mail signed by dkimpy (Debian {@code python3-dkim}, the verifier everyone else is checked
 * against) verifies in {@link DkimVerifier}, with the keys served by a DNS server in the test, for
 * both algorithms and every canonicalization; one changed byte in the body or in a signed header
 * fails it. Skipped when dkimpy (with PyNaCl for Ed25519) is not installed; {@code .ci/run}
 * installs it.
 */
class DkimpyInteropTest {

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

  @BeforeAll
  static void keys() throws Exception {
    Assumptions.assumeTrue(runs(PYTHON, "-c", "import dkim, nacl"),
        "python3-dkim (with python3-nacl) is not installed");
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
    try (InputStream in = DkimpyInteropTest.class.getResourceAsStream("/dkim/dkimpy-sign.py")) {
      Files.copy(in, dir.resolve("dkimpy-sign.py"));
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
    byte[] signed = dkimpySigned(algorithm, canon, length);
    String selector = algorithm.startsWith("rsa") ? "rsa1" : "ed1";

    DkimOutcome outcome = verify(signed);
    assertThat(outcome.result()).as(outcome.toString()).isEqualTo(DkimResult.PASS);
    assertThat(outcome).extracting(DkimOutcome::domain, DkimOutcome::selector, DkimOutcome::algorithm)
        .containsExactly("example.test", selector, algorithm);
    assertThat(outcome.reason()).isEqualTo(length.equals("yes") ? "l=" + bodyLength(canon) : "");

    assertThat(verify(replace(signed, "Hello Bob", "Hello Rob")))
        .extracting(DkimOutcome::result, DkimOutcome::reason).containsExactly(DkimResult.FAIL, reason(length,
            "body hash mismatch", canon));
    assertThat(verify(replace(signed, "Subject: Gr", "Subject: Gl")))
        .extracting(DkimOutcome::result, DkimOutcome::reason).containsExactly(DkimResult.FAIL, reason(length,
            "signature does not verify", canon));
  }

  private static String reason(String length, String why, String canon) {
    return length.equals("yes") ? why + "; l=" + bodyLength(canon) : why;
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

  /** {@link #MESSAGE} with the DKIM-Signature dkimpy made in front. */
  private static byte[] dkimpySigned(String algorithm, String canon, String length) throws Exception {
    Path message = Files.createTempFile(dir, "message-", ".eml");
    Files.write(message, bytes(MESSAGE));
    String key = dir.resolve(algorithm.startsWith("rsa") ? "rsa.pem" : "ed.key").toString();
    Process p = new ProcessBuilder(PYTHON, dir.resolve("dkimpy-sign.py").toString(), message.toString(), key,
        algorithm.startsWith("rsa") ? "rsa1" : "ed1", "example.test", algorithm, canon, length)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] field = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(new String(field, StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: v=1; a=" + algorithm)
        .contains("c=" + canon).endsWith("\r\n");
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
