package io.vmta.smtp.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The end of the header section: the first CRLF CRLF, found without copying the message. */
class HeaderSectionTest {

  @ParameterizedTest(name = "[{index}] end {1}")
  @CsvSource(delimiter = '|', value = {
      "A: b\\r\\n\\r\\nbody\\r\\n       | 6 | A: b\\r\\n\\r\\n",
      "\\r\\nbody\\r\\n                 | 0 | \\r\\n",
      "A: b\\r\\nC: d\\r\\n              | 12 | A: b\\r\\nC: d\\r\\n",
      "A: b\\r\\n \\r\\n\\r\\nx            | 9 | A: b\\r\\n \\r\\n\\r\\n",
      "A: b\\n\\nbody                  | 10 | A: b\\n\\nbody",
      "''                              | 0 | ''",
  })
  void endsAtTheFirstEmptyLine(String message, int end, String bytes) {
    Buffer m = Buffer.buffer(unescape(message));

    assertThat(HeaderSection.end(m)).isEqualTo(end);
    assertThat(new String(HeaderSection.bytes(m), StandardCharsets.UTF_8)).isEqualTo(unescape(bytes));
  }

  private static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n");
  }
}
