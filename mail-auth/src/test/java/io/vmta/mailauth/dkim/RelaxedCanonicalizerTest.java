package io.vmta.mailauth.dkim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6376 3.4.2 and 3.4.4, with the example of 3.4.5; 8-bit octets pass through. */
class RelaxedCanonicalizerTest {

  @ParameterizedTest(name = "header [{0}] -> [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      // 3.4.5: "A: X" and "B : Y<HTAB><CRLF><HTAB>Z<SP><SP>"
      "'A: X'                       | 'a:X'",
      "'B : Y\t\r\n\tZ  '           | 'b:Y Z'",
      "'SUBJECT:   a   b\t c   '     | 'subject:a b c'",
      "'To:\r\n x@y'                 | 'to:x@y'",
      "'X-Empty:   '                 | 'x-empty:'",
      "'Subject: caf\u00e9  ol\u00e9' | 'subject:caf\u00e9 ol\u00e9'",
  })
  void header(String field, String canonical) {
    byte[] in = field.getBytes(StandardCharsets.UTF_8);
    assertEquals(canonical + "\r\n", new String(RelaxedCanonicalizer.header(in, 0, in.length), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "body [{0}] -> [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      // 3.4.5: " C<CRLF>D<SP><HTAB><SP>E<CRLF><CRLF><CRLF>" -> " C<CRLF>D<SP>E<CRLF>"
      "' C \r\nD \t E\r\n\r\n\r\n'  | ' C\r\nD E\r\n'",
      "'no final line end'           | 'no final line end\r\n'",
      "'\r\n\r\n'                     | ''",
      "''                             | ''",
      "'a\r\n\r\nb\r\n \t \r\n'       | 'a\r\n\r\nb\r\n'",
      "'8bit: \u00fc\u00df  x\t\r\n'  | '8bit: \u00fc\u00df x\r\n'",
  })
  void body(String body, String canonical) throws Exception {
    byte[] in = ("Subject: s\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    MessageDigest actual = MessageDigest.getInstance("SHA-256");
    RelaxedCanonicalizer.body(in, 14, in.length, actual);
    byte[] expected = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(expected, actual.digest());
  }
}
