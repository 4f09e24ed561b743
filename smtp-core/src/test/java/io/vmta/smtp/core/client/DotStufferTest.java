package io.vmta.smtp.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** DATA encoding (RFC 5321 4.5.2), each vector split at every index and byte by byte. */
class DotStufferTest {

  private static Buffer buf(String latin1) {
    return Buffer.buffer(latin1.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String str(Buffer b) {
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n");
  }

  private static String encode(String... chunks) {
    DotStuffer stuffer = new DotStuffer();
    Buffer out = Buffer.buffer();
    for (String chunk : chunks) {
      Buffer in = buf(chunk);
      out.appendBuffer(stuffer.encode(in));
      assertThat(str(in)).isEqualTo(chunk);
    }
    return str(out.appendBuffer(stuffer.finish()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty content                 |                              | .\\r\\n",
      "one line                      | a\\r\\n                      | a\\r\\n.\\r\\n",
      "no final CRLF                 | a                            | a\\r\\n.\\r\\n",
      "ends in CR only               | a\\r                         | a\\r\\r\\n.\\r\\n",
      "leading dot on first line     | .a\\r\\n                     | ..a\\r\\n.\\r\\n",
      "lone dot as first line        | .\\r\\n                      | ..\\r\\n.\\r\\n",
      "end marker inside content     | a\\r\\n.\\r\\nb\\r\\n          | a\\r\\n..\\r\\nb\\r\\n.\\r\\n",
      "dots on consecutive lines     | .\\r\\n..\\r\\n...            | ..\\r\\n...\\r\\n....\\r\\n.\\r\\n",
      "dot not at line start         | a.b\\r\\n a\\r\\n             | a.b\\r\\n a\\r\\n.\\r\\n",
      "dot after bare LF stays       | a\\n.b\\r\\n                  | a\\n.b\\r\\n.\\r\\n",
      "dot after bare CR stays       | a\\r.b\\r\\n                  | a\\r.b\\r\\n.\\r\\n",
      "8-bit bytes pass unchanged    | \u00e9\u00ff\\r\\n.\u0080     | \u00e9\u00ff\\r\\n..\u0080\\r\\n.\\r\\n",
  })
  void vectorsInEverySplit(String name, String input, String wire) {
    String in = input == null ? "" : unescape(input);
    String expected = unescape(wire);
    assertThat(encode(in)).as(name).isEqualTo(expected);
    assertThat(str(DotStuffer.stuff(buf(in)))).isEqualTo(expected);
    for (int i = 0; i <= in.length(); i++) {
      assertThat(encode(in.substring(0, i), in.substring(i))).as(name + " split at " + i).isEqualTo(expected);
    }
    assertThat(encode(in.chars().mapToObj(c -> String.valueOf((char) c)).toArray(String[]::new)))
        .isEqualTo(expected);
  }

  @Test
  void unstuffingTheWireGivesTheContentBack() {
    String content = ".start\r\n\r\n.\r\n..\r\nmiddle . \r\n.end";
    String wire = encode(content.substring(0, 9), content.substring(9));
    String body = wire.substring(0, wire.length() - ".\r\n".length());
    assertThat(body.replace("\r\n.", "\r\n").replaceFirst("^\\.", "")).isEqualTo(content + "\r\n");
  }

  @Test
  void finishingTwiceIsAnError() {
    DotStuffer stuffer = new DotStuffer();
    stuffer.finish();
    assertThatThrownBy(stuffer::finish).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> stuffer.encode(buf("x"))).isInstanceOf(IllegalStateException.class);
  }
}
