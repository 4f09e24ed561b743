package io.vmta.smtp.relay.requiretls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.relay.client.TlsLevel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The TLS-Required header field (RFC 8689 section 3) and what it relaxes. */
class TlsRequiredHeaderTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "TLS-Required: No\\r\\nSubject: x\\r\\n\\r\\nbody\\r\\n | true",
      "Subject: x\\r\\ntls-required:   no  \\r\\n\\r\\nbody\\r\\n | true",
      "Subject: x\\r\\nTLS-Required:\\r\\n No\\r\\n\\r\\nbody\\r\\n | true",
      "TLS-Required : NO\\r\\n\\r\\n | true",
      "TLS-Required: Yes\\r\\n\\r\\n | false",
      "TLS-Required: No thanks\\r\\n\\r\\n | false",
      "X-TLS-Required: No\\r\\n\\r\\n | false",
      "Subject: x\\r\\n\\r\\nTLS-Required: No\\r\\n | false",
      "Subject: x\\r\\n X-Note: TLS-Required: No\\r\\n\\r\\n | false",
      "\\r\\nTLS-Required: No\\r\\n | false",
      "TLS-Required: No | true",
  })
  void findsTheFieldInTheHeaderSectionOnly(String message, boolean no) {
    String text = message.replace("\\r", "\r").replace("\\n", "\n");
    assertThat(TlsRequiredHeader.saysNo(Buffer.buffer(text))).isEqualTo(no);
  }

  @Test
  void relaxesLevelsThatRequireTlsToMayAndKeepsTheRest() {
    assertThat(TlsLevel.VERIFY.relaxedForTlsRequiredNo()).isEqualTo(TlsLevel.MAY);
    assertThat(TlsLevel.ENCRYPT.relaxedForTlsRequiredNo()).isEqualTo(TlsLevel.MAY);
    assertThat(TlsLevel.DANE.relaxedForTlsRequiredNo()).isEqualTo(TlsLevel.MAY);
    assertThat(TlsLevel.MAY.relaxedForTlsRequiredNo()).isEqualTo(TlsLevel.MAY);
    assertThat(TlsLevel.NONE.relaxedForTlsRequiredNo()).isEqualTo(TlsLevel.NONE);
  }
}
