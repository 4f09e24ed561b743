package io.vmta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8601 5: fields claiming our authserv-id go, everything else stays byte for byte. */
class AuthenticationResultsRemovalTest {

  private static final String HOST = "mx.example.test";

  @ParameterizedTest
  @ValueSource(strings = {
      "Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=x.test",
      "authentication-results:MX.Example.TEST;dkim=pass",
      "Authentication-Results : (forged) mx.example.test (ours?) 1; none",
      "Authentication-Results:\r\n  (a (nested \\) comment))\r\n\t\"mx.example.test\";\r\n dmarc=pass",
      "Authentication-Results: \"mx.\\example.test\"; none",
  })
  void ourFieldsAreRemoved(String field) {
    String message = "Received: from a\r\n\tby b\r\n" + field + "\r\nSubject: hi\r\n\r\nbody\r\n";

    assertThat(remove(message)).isEqualTo("Received: from a\r\n\tby b\r\nSubject: hi\r\n\r\nbody\r\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Authentication-Results: mx.example.test.evil.net; spf=pass",
      "Authentication-Results: other.example; (mx.example.test) spf=pass",
      "Authentication-Results: mx.example; spf=pass",
      "Authentication-Results: \"mx.example.test; spf=pass",
      "Authentication-Results: (mx.example.test); none",
      "Authentication-Results-Extra: mx.example.test; none",
      "X-Authentication-Results: mx.example.test; none",
      "Authentication-Results:",
  })
  void otherFieldsStayByteForByte(String field) {
    String message = "Subject: hi\r\n" + field + "\r\n\r\nbody\r\n";
    byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);

    assertThat(AuthenticationResults.removeOwn(bytes, HOST)).isSameAs(bytes);
  }

  @Test
  void theBodyIsNeverTouchedNorAnythingAroundTheRemovedFields() {
    String message = "Authentication-Results: mx.example.test; none\r\n"
        + "X-Raw: \u00ff\u0080 8-bit\r\n"
        + "Authentication-Results: elsewhere.test; spf=fail\r\n"
        + "AUTHENTICATION-RESULTS: mx.example.test;\r\n spf=pass\r\n"
        + "\r\n"
        + "Authentication-Results: mx.example.test; none\r\n";

    assertThat(remove(message)).isEqualTo("X-Raw: \u00ff\u0080 8-bit\r\n"
        + "Authentication-Results: elsewhere.test; spf=fail\r\n"
        + "\r\n"
        + "Authentication-Results: mx.example.test; none\r\n");
  }

  @Test
  void aHeaderWithoutBodyOrFinalCrlfIsHandled() {
    assertThat(remove("Subject: x\r\nAuthentication-Results: mx.example.test; none"))
        .isEqualTo("Subject: x\r\n");
    assertThat(remove("Authentication-Results: mx.example.test; none\r\n")).isEmpty();
  }

  @Test
  void aMegabyteOfHostileHeaderIsScannedOnce() {
    StringBuilder header = new StringBuilder();
    while (header.length() < 1_000_000) {
      header.append("Authentication-Results: (((((((((((( mx.example.test; none\r\n")
          .append("Authentication-Results: mx.example.test; none\r\n")
          .append("Authentication-Results: \"").append("\\x".repeat(200)).append("\r\n");
    }
    String kept = header.toString().replace("Authentication-Results: mx.example.test; none\r\n", "");

    assertThat(remove(header + "\r\nbody")).isEqualTo(kept + "\r\nbody");
  }

  private static String remove(String message) {
    byte[] out = AuthenticationResults.removeOwn(message.getBytes(StandardCharsets.ISO_8859_1), HOST);
    return new String(out, StandardCharsets.ISO_8859_1);
  }
}
