package io.vmta.smtp.relay.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.smtp.relay.client.PeerTrust;
import io.vmta.smtp.relay.testing.TestCa;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

/** TLSA matching (RFC 6698 section 2.1, RFC 7672 section 3.1) against certificates of a test CA. */
class DaneVerifierTest {

  private static final TestCa CA = TestCa.create("TLSA Test CA");
  private static final TestCa OTHER_CA = TestCa.create("Other CA");

  private static TLSARecord tlsa(int usage, int selector, int matching, byte[] data) {
    return new TLSARecord(Name.root, DClass.IN, 300, usage, selector, matching, data);
  }

  private static byte[] select(X509Certificate cert, int selector, int matching) throws Exception {
    byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
    return switch (matching) {
      case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
      case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
      default -> selected;
    };
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "0, 1", "0, 2", "1, 0", "1, 1", "1, 2"})
  void daneEeMatchesEverySelectorAndMatchingType(int selector, int matching) throws Exception {
    TestCa.Issued issued = CA.issue("mx.example.org");
    DaneVerifier v = new DaneVerifier(List.of(tlsa(3, selector, matching, select(issued.certificate(), selector, matching))));
    assertThat(v.check(List.of(issued.certificate(), CA.certificate()), "mx.example.org").trust())
        .isEqualTo(PeerTrust.VERIFIED);
    TestCa.Issued other = CA.issue("mx.example.org");
    assertThat(v.check(List.of(other.certificate(), CA.certificate()), "mx.example.org").trust())
        .isEqualTo(PeerTrust.UNTRUSTED);
  }

  @Test
  void daneEeIgnoresNameAndExpiry() throws Exception {
    Instant now = Instant.now();
    TestCa.Issued expired = CA.issue(now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1)), "elsewhere.example");
    DaneVerifier v = new DaneVerifier(List.of(tlsa(3, 1, 1, select(expired.certificate(), 1, 1))));
    assertThat(v.check(List.of(expired.certificate()), "mx.example.org").trust()).isEqualTo(PeerTrust.VERIFIED);
  }

  @Test
  void daneTaNeedsTheAnchorInTheChainAValidChainAndTheName() throws Exception {
    DaneVerifier v = new DaneVerifier(List.of(tlsa(2, 1, 1, select(CA.certificate(), 1, 1))));
    TestCa.Issued good = CA.issue("mx.example.org");
    assertThat(v.check(List.of(good.certificate(), CA.certificate()), "mx.example.org").trust())
        .isEqualTo(PeerTrust.VERIFIED);
    // The anchor must be sent (RFC 7672 section 3.1.2): the leaf alone does not match.
    assertThat(v.check(List.of(good.certificate()), "mx.example.org").trust()).isEqualTo(PeerTrust.UNTRUSTED);
    assertThat(v.check(List.of(good.certificate(), CA.certificate()), "other.example.org").trust())
        .isEqualTo(PeerTrust.TRUSTED);
    Instant now = Instant.now();
    TestCa.Issued expired = CA.issue(now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1)), "mx.example.org");
    assertThat(v.check(List.of(expired.certificate(), CA.certificate()), "mx.example.org").reason())
        .startsWith("chain does not validate from the DANE-TA certificate");
    // A leaf of another CA sent with the anchor: the chain does not lead to it.
    TestCa.Issued foreign = OTHER_CA.issue("mx.example.org");
    assertThat(v.check(List.of(foreign.certificate(), CA.certificate()), "mx.example.org").trust())
        .isEqualTo(PeerTrust.UNTRUSTED);
  }

  @Test
  void pkixUsagesUnknownSelectorsAndWrongDigestLengthsAreUnusable() {
    assertThat(DaneVerifier.usable(tlsa(0, 0, 1, new byte[32]))).isFalse();
    assertThat(DaneVerifier.usable(tlsa(1, 1, 1, new byte[32]))).isFalse();
    assertThat(DaneVerifier.usable(tlsa(3, 2, 1, new byte[32]))).isFalse();
    assertThat(DaneVerifier.usable(tlsa(3, 1, 3, new byte[32]))).isFalse();
    assertThat(DaneVerifier.usable(tlsa(3, 1, 1, new byte[31]))).isFalse();
    assertThat(DaneVerifier.usable(tlsa(3, 1, 2, new byte[32]))).isFalse();
    assertThat(DaneVerifier.usable(tlsa(2, 0, 2, new byte[64]))).isTrue();
    assertThatThrownBy(() -> new DaneVerifier(List.of(tlsa(1, 1, 1, new byte[32]))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
