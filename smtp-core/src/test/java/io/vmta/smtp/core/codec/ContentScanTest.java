package io.vmta.smtp.core.codec;

import static io.vmta.smtp.core.codec.CodecTestSupport.buf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Where {@link ContentScan} finds 8-bit octets: header section, body, or nowhere. */
class ContentScanTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "7-bit message               | Subject: hi\\r\\n\\r\\nHello\\r\\n                | false | false",
      "8-bit body                  | Subject: hi\\r\\n\\r\\ncaf\\u00e9\\r\\n            | true  | false",
      "8-bit header                | Subject: caf\\u00e9\\r\\n\\r\\nHello\\r\\n         | true  | true",
      "8-bit folded header         | Subject: a\\r\\n b\\u00e9\\r\\n\\r\\nx\\r\\n        | true  | true",
      "no body: all header         | Subject: caf\\u00e9\\r\\n                      | true  | true",
      "no header section           | \\r\\ncaf\\u00e9\\r\\n                          | true  | false",
      "empty                       | ''                                            | false | false",
      "bare LF is no header end    | A: b\\n\\r\\n\\u00e9\\r\\n                        | true  | true",
      "8-bit after a long 7-bit body | X: y\\r\\n\\r\\n0123456789abcdef0123456789\\u00ff | true  | false",
  })
  void findsEightBitOctets(String name, String message, boolean eightBit, boolean inHeaders) {
    ContentScan scan = ContentScan.of(buf(unescape(message)));
    assertThat(scan).isEqualTo(new ContentScan(eightBit, inHeaders));
  }

  /** Every position of the one 8-bit octet, across the eight-octet steps and the tail. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 6, 7, 8, 9, 15, 16, 17, 23, 24, 29, 30})
  void anyBodyPosition(int position) {
    byte[] body = "abcdefghijklmnopqrstuvwxyz01234".getBytes();
    body[position] = (byte) 0x80;
    Buffer message = buf("S: x\r\n\r\n").appendBytes(body);
    assertThat(ContentScan.of(message)).isEqualTo(new ContentScan(true, false));
    body[position] = 'a';
    assertThat(ContentScan.of(buf("S: x\r\n\r\n").appendBytes(body))).isEqualTo(ContentScan.SEVEN_BIT);
  }

  @Test
  void eightBitHeadersMakeAnEightBitMessage() {
    assertThatThrownBy(() -> new ContentScan(false, true)).isInstanceOf(IllegalArgumentException.class);
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && s.charAt(i + 1) == 'r') {
        out.append('\r');
        i++;
      } else if (c == '\\' && s.charAt(i + 1) == 'n') {
        out.append('\n');
        i++;
      } else if (c == '\\' && s.charAt(i + 1) == 'u') {
        out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
