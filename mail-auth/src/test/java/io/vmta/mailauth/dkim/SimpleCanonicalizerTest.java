package io.vmta.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6376 3.4.1 and 3.4.3, with the examples of 3.4.5. */
class SimpleCanonicalizerTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "A: X                    | A: X\\r\\n",
      "'B : Y\\t\\r\\n\\tZ  ' | 'B : Y\\t\\r\\n\\tZ  \\r\\n'",
  })
  void aHeaderFieldStaysAsItIs(String field, String canonical) {
    byte[] f = unescape(field);
    assertThat(new String(SimpleCanonicalizer.header(f, 0, f.length), StandardCharsets.ISO_8859_1))
        .isEqualTo(new String(unescape(canonical), StandardCharsets.ISO_8859_1));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "' C \\r\\nD \\t E\\r\\n\\r\\n\\r\\n' | ' C \\r\\nD \\t E\\r\\n'",
      "''                                     | \\r\\n",
      "\\r\\n\\r\\n                           | \\r\\n",
      "no final CRLF                          | no final CRLF\\r\\n",
      "'\\r\\n\\r\\nafter empty lines\\r\\n'   | '\\r\\n\\r\\nafter empty lines\\r\\n'",
  })
  void theBodyLosesItsEmptyLinesAtTheEnd(String body, String canonical) {
    byte[] b = unescape(body);
    Capture capture = new Capture();
    SimpleCanonicalizer.body(b, 0, b.length, capture);
    assertThat(capture.out.toString(StandardCharsets.ISO_8859_1))
        .isEqualTo(new String(unescape(canonical), StandardCharsets.ISO_8859_1));
  }

  private static byte[] unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A "digest" that keeps what it is given. */
  private static final class Capture extends MessageDigest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Capture() {
      super("capture");
    }

    @Override
    protected void engineUpdate(byte input) {
      out.write(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
      out.write(input, offset, len);
    }

    @Override
    protected byte[] engineDigest() {
      return out.toByteArray();
    }

    @Override
    protected void engineReset() {
      out.reset();
    }
  }
}
