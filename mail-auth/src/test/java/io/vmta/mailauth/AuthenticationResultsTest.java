package io.vmta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.mailauth.dkim.DkimOutcome;
import io.vmta.mailauth.dkim.DkimResult;
import io.vmta.mailauth.dmarc.DmarcOutcome;
import io.vmta.mailauth.dmarc.DmarcPolicy;
import io.vmta.mailauth.dmarc.DmarcResult;
import io.vmta.mailauth.spf.SpfOutcome;
import io.vmta.mailauth.spf.SpfResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The RFC 8601 header field: exact text, folding, quoting, escaping and hostile input. */
class AuthenticationResultsTest {

  private static final String HOST = "mx.example.test";

  @Test
  void everyMethodPassing() {
    String header = AuthenticationResults.of(HOST)
        .spf(new SpfOutcome(SpfResult.PASS, "mailfrom", "example.org", ""))
        .dkim(List.of(dkim(DkimResult.PASS, "example.org", "s1", "AbCdEfGh", "")))
        .dmarc(new DmarcOutcome(DmarcResult.PASS, "example.org", Optional.of(DmarcPolicy.REJECT),
            "example.org", DmarcPolicy.NONE, false, "DKIM d=example.org aligned"))
        .toHeader();

    assertThat(header).isEqualTo("Authentication-Results: mx.example.test;\r\n"
        + " spf=pass smtp.mailfrom=example.org;\r\n"
        + " dkim=pass header.d=example.org header.s=s1 header.b=AbCdEfGh;\r\n"
        + " dmarc=pass (p=reject dis=none) header.from=example.org\r\n");
  }

  @Test
  void failuresWithReasonsAndTwoSignatures() {
    String header = AuthenticationResults.of(HOST)
        .spf(new SpfOutcome(SpfResult.SOFTFAIL, "helo", "client.example.net", "matched ~all"))
        .dkim(List.of(dkim(DkimResult.FAIL, "example.org", "s1", "AbCd+/9=", "body hash mismatch"),
            dkim(DkimResult.PERMERROR, "", "", "", "no d= tag")))
        .dmarc(new DmarcOutcome(DmarcResult.FAIL, "example.org", Optional.of(DmarcPolicy.REJECT),
            "example.org", DmarcPolicy.QUARANTINE, true, "no aligned SPF or DKIM pass"))
        .toHeader();

    assertThat(header).isEqualTo("Authentication-Results: mx.example.test;\r\n"
        + " spf=softfail (matched ~all) smtp.helo=client.example.net;\r\n"
        + " dkim=fail (body hash mismatch) header.d=example.org header.s=s1\r\n"
        + " header.b=\"AbCd+/9=\";\r\n"
        + " dkim=permerror (no d= tag);\r\n"
        + " dmarc=fail (p=reject dis=quarantine) header.from=example.org\r\n");
  }

  @Test
  void methodsLeftOutAreNotWrittenAndNoMethodIsNone() {
    assertThat(AuthenticationResults.of(HOST).toHeader())
        .isEqualTo("Authentication-Results: mx.example.test; none\r\n");
    assertThat(AuthenticationResults.of(HOST).dkim(List.of()).toHeader())
        .isEqualTo("Authentication-Results: mx.example.test;\r\n dkim=none\r\n");
    assertThat(AuthenticationResults.of(HOST).dmarc(DmarcOutcome.withoutPolicy(DmarcResult.TEMPERROR,
        "example.org", "DNS failure looking up the policy")).toHeader())
        .isEqualTo("Authentication-Results: mx.example.test;\r\n"
            + " dmarc=temperror (DNS failure looking up the policy) header.from=example.org\r\n");
  }

  @Test
  void longReasonsFoldBetweenWordsAndAreCutAtTheirLimit() {
    String reason = "domain of example.org does not designate 2001:db8:85a3:8d3:1319:8a2e:370:7348"
        + " as permitted sender " + "x".repeat(130);
    String header = AuthenticationResults.of(HOST)
        .spf(new SpfOutcome(SpfResult.FAIL, "mailfrom", "example.org", reason)).toHeader();

    assertThat(header).isEqualTo("Authentication-Results: mx.example.test;\r\n"
        + " spf=fail (domain of example.org does not designate\r\n"
        + " 2001:db8:85a3:8d3:1319:8a2e:370:7348 as permitted sender\r\n"
        + " " + "x".repeat(60) + " xx...)\r\n"
        + " smtp.mailfrom=example.org\r\n");
    assertLinesFit(header);
  }

  @Test
  void aLongWordOfACommentIsCutIntoPiecesThatFold() {
    String header = AuthenticationResults.of(HOST)
        .dkim(List.of(dkim(DkimResult.FAIL, "example.org", "s1", "", "(" + "y".repeat(129))))
        .toHeader();

    assertThat(header).isEqualTo("Authentication-Results: mx.example.test;\r\n"
        + " dkim=fail (\\(" + "y".repeat(58) + "\r\n"
        + " " + "y".repeat(60) + " " + "y".repeat(11) + ")\r\n"
        + " header.d=example.org header.s=s1\r\n");
    assertLinesFit(header);
  }

  @Test
  void commentsEscapeParenthesesAndBackslashesAndValuesAreQuotedWhereTokensEnd() {
    String header = AuthenticationResults.of(HOST)
        .dkim(List.of(dkim(DkimResult.NEUTRAL, "example.org", "sel\"ector", "a/b", "x) (y \\z")))
        .toHeader();

    assertThat(header).isEqualTo("Authentication-Results: mx.example.test;\r\n"
        + " dkim=neutral (x\\) \\(y \\\\z) header.d=example.org header.s=\"sel\\\"ector\"\r\n"
        + " header.b=\"a/b\"\r\n");
  }

  @Test
  void noCrLfOrControlCharacterFromAnyInputReachesTheHeader() {
    String evil = "x\r\nX-Injected: yes\r\n\r\nbody\u0000\u001b[31m\u00e9)";
    String header = AuthenticationResults.of(HOST)
        .spf(new SpfOutcome(SpfResult.PASS, "mailfrom", evil, evil))
        .dkim(List.of(dkim(DkimResult.PASS, evil, evil, evil, evil)))
        .dmarc(DmarcOutcome.withoutPolicy(DmarcResult.PERMERROR, evil, evil))
        .toHeader();

    assertThat(header).doesNotContain("\r\nX-Injected").doesNotContain("\u0000")
        .doesNotContain("\u001b").doesNotContain("\u00e9").doesNotContain("\t");
    assertThat(header.replace("\r\n ", "").replace("\r\n", "")).doesNotContain("\r")
        .doesNotContain("\n");
    assertThat(header).endsWith("\r\n");
    assertThat(header.indexOf("\r\n")).isLessThan(header.length() - 2);
    assertThat(header).contains("(x X-Injected: yes body [31m?\\))");
    assertThat(header).contains("smtp.mailfrom=\"xX-Injected: yesbody[31m?)\"");
    assertLinesFit(header);
  }

  @Test
  void manySignaturesAreCappedWithANote() {
    List<DkimOutcome> many = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      many.add(dkim(DkimResult.FAIL, "d" + i + ".test", "s", "", ""));
    }
    String header = AuthenticationResults.of(HOST).dkim(many).toHeader();

    assertThat(header.split("dkim=", -1)).hasSize(AuthenticationResults.MAX_DKIM_RESULTS + 1);
    assertThat(header).contains(" dkim=fail (15 more signatures not listed) header.d=d9.test");
  }

  @Test
  void anAuthservIdIsRequiredAndQuotedWhenItIsNoToken() {
    assertThatThrownBy(() -> AuthenticationResults.of(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThat(AuthenticationResults.of("odd;host\r\n").toHeader())
        .isEqualTo("Authentication-Results: \"odd;host\"; none\r\n");
  }

  private static void assertLinesFit(String header) {
    for (String line : header.split("\r\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(AuthenticationResults.MAX_LINE);
    }
  }

  private static DkimOutcome dkim(DkimResult result, String d, String s, String b, String reason) {
    return new DkimOutcome(result, d, s, "rsa-sha256", b, reason);
  }
}
