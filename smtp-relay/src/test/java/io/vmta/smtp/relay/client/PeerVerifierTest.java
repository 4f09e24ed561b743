package io.vmta.smtp.relay.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.smtp.relay.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** relay.tls.caFile: a PEM bundle of CAs trusted besides the JDK's. */
class PeerVerifierTest {

  private static final TestCa CA = TestCa.create("Bundle CA");
  private static final TestCa OTHER = TestCa.create("Other CA");

  @TempDir
  Path dir;

  @Test
  void aBundleOfSeveralCasWithTextAroundThem() throws Exception {
    Path a = CA.writePem(dir.resolve("a.pem"));
    Path b = OTHER.writePem(dir.resolve("b.pem"));
    Path bundle = Files.writeString(dir.resolve("bundle.pem"),
        "Bundle made for a test\n" + Files.readString(a) + "\n" + Files.readString(b));
    PeerVerifier verifier = PeerVerifier.create(bundle);
    for (TestCa ca : List.of(CA, OTHER)) {
      TestCa.Issued leaf = ca.issue("mx.example.org");
      assertThat(verifier.check(List.of(leaf.certificate(), ca.certificate()), "mx.example.org").trust())
          .isEqualTo(PeerTrust.VERIFIED);
      // The leaf alone: the CA comes from the bundle.
      assertThat(verifier.check(List.of(leaf.certificate()), "mx.example.org").trust()).isEqualTo(PeerTrust.VERIFIED);
    }
  }

  @Test
  void theJdkTrustStoreAloneDoesNotKnowTheTestCa() {
    TestCa.Issued leaf = CA.issue("mx.example.org");
    PeerVerifier.Result result = PeerVerifier.create(null).check(List.of(leaf.certificate()), "mx.example.org");
    assertThat(result.trust()).isEqualTo(PeerTrust.UNTRUSTED);
    assertThat(result.reason()).startsWith("certificate chain not trusted");
    assertThat(PeerVerifier.create(null).check(List.of(), "mx.example.org").trust()).isEqualTo(PeerTrust.UNTRUSTED);
  }

  @Test
  void aFileWithoutACertificateOrNoFileIsRefused() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
    assertThatThrownBy(() -> PeerVerifier.create(empty)).hasMessageContaining("holds no PEM certificate");
    assertThatThrownBy(() -> PeerVerifier.create(dir.resolve("missing.pem"))).hasMessageStartingWith("cannot read");
    Path junk = Files.writeString(dir.resolve("junk.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> PeerVerifier.create(junk)).hasMessageContaining("malformed certificate");
  }
}
