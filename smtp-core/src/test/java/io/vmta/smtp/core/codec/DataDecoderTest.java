package io.vmta.smtp.core.codec;

import static io.vmta.smtp.core.codec.CodecTestSupport.buf;
import static io.vmta.smtp.core.codec.CodecTestSupport.feedData;
import static io.vmta.smtp.core.codec.CodecTestSupport.repeat;
import static io.vmta.smtp.core.codec.CodecTestSupport.str;
import static io.vmta.smtp.core.codec.DataDecoder.Error.BARE_CR;
import static io.vmta.smtp.core.codec.DataDecoder.Error.BARE_LF;
import static io.vmta.smtp.core.codec.DataDecoder.Error.LINE_TOO_LONG;
import static io.vmta.smtp.core.codec.DataDecoder.Error.NUL;
import static io.vmta.smtp.core.codec.DataDecoder.Error.TOO_BIG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.codec.CodecTestSupport.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** DATA decoding (RFC 5321 4.1.1.4, 4.5.2), each vector delivered in every possible split. */
class DataDecoderTest {

  private static final long BIG = 26_214_400;
  private static final int LINE = 1000;
  private static final String END = ".\r\n";
  private static final String NEXT = "MAIL FROM:<evil@example>\r\n";

  /** One input and what must come of it; {@code consumed} -1 means all of it. */
  record Vector(String name, String input, long maxSize, int maxLine, boolean done, int consumed,
      String content, DataDecoder.Error error) {

    @Override
    public String toString() {
      return name;
    }
  }

  private static Vector ok(String name, String input, int consumed, String content) {
    return new Vector(name, input, BIG, LINE, true, consumed, content, null);
  }

  private static Vector open(String name, String input, String content) {
    return new Vector(name, input, BIG, LINE, false, -1, content, null);
  }

  private static Vector bad(String name, String input, boolean done, DataDecoder.Error error) {
    return new Vector(name, input, BIG, LINE, done, -1, null, error);
  }

  private static Vector sized(String name, String input, long max, String content,
      DataDecoder.Error error) {
    return new Vector(name, input, max, LINE, true, -1, content, error);
  }

  static Stream<Vector> vectors() {
    List<Vector> v = new ArrayList<>();
    v.add(ok("simple", "hi\r\n.\r\n", 7, "hi\r\n"));
    v.add(ok("empty message", ".\r\n", 3, ""));
    v.add(ok("one empty line", "\r\n.\r\n", 5, "\r\n"));
    v.add(ok("two empty lines", "\r\n\r\n.\r\n", 7, "\r\n\r\n"));
    v.add(ok("double dot", "..\r\n.\r\n", 7, ".\r\n"));
    v.add(ok("dot and text", ".x\r\n.\r\n", 7, "x\r\n"));
    v.add(ok("dot and space", ". \r\n.\r\n", 7, " \r\n"));
    v.add(ok("stuffing", "a\r\n..b\r\n...\r\n.\r\n", 16, "a\r\n.b\r\n..\r\n"));
    v.add(ok("dot not at line start", "a.\r\nb.\r\n.\r\n", 11, "a.\r\nb.\r\n"));
    v.add(ok("8-bit text", "caf\u00e9\r\n\u00ff\r\n.\r\n", 12, "caf\u00e9\r\n\u00ff\r\n"));
    v.add(ok("next command untouched", "hi\r\n.\r\n" + NEXT, 7, "hi\r\n"));
    v.add(ok("junk after terminator untouched", "hi\r\n.\r\n\0\n\r.", 7, "hi\r\n"));
    v.add(open("no terminator yet", "no end yet\r\n", "no end yet\r\n"));
    v.add(open("terminator half there", "a\r\n.\r", "a\r\n"));

    // SMTP smuggling: none of these may end the data, and each is an error.
    String[][] smuggling = {
        {"a\n.\n", "BARE_LF"}, {"a\r.\r", "BARE_CR"}, {"a\r\n.\n", "BARE_LF"},
        {"a\n.\r\n", "BARE_LF"}, {"a\r.\r\n", "BARE_CR"}, {"a\r\n.\r", "BARE_CR"},
        {"a\r\n.\rX", "BARE_CR"}, {"\n.\r\n", "BARE_LF"}, {"\r.\r\n", "BARE_CR"},
        {"a\r\n.\n\r\n", "BARE_LF"}, {"a\r\n.\r\r\n", "BARE_CR"},
        {"a\n\n.\r\n", "BARE_LF"}};
    for (String[] s : smuggling) {
      DataDecoder.Error e = DataDecoder.Error.valueOf(s[1]);
      v.add(bad("smuggle " + esc(s[0]), s[0] + NEXT, false, e));
      // The server resynchronises at the next exact CRLF.CRLF.
      v.add(bad("resync " + esc(s[0]), s[0] + NEXT + END, true, e));
    }
    v.add(bad("CRLF.CR CRLF. is a terminator after all", "a\r\n.\r\r\n.\r\n", true, BARE_CR));
    v.add(new Vector("bare CR, then an exact end", "a\r\r\n.\r\n" + NEXT, BIG, LINE, true, 7, null,
        BARE_CR));

    v.add(bad("NUL in text", "a\0b\r\n.\r\n", true, NUL));
    v.add(bad("NUL before the dot", "a\r\n\0.\r\n" + NEXT, false, NUL));
    v.add(bad("NUL after the dot", "a\r\n.\0\r\n" + NEXT, false, NUL));
    v.add(bad("NUL at the start", "\0.\r\n" + NEXT, false, NUL));
    v.add(bad("NUL between dot-CR and LF", "a\r\n.\r\0\n" + NEXT, false, BARE_CR));
    v.add(bad("NUL before dot, resync", "a\r\n\0.\r\n" + NEXT + END, true, NUL));
    v.add(bad("later rule breaks do not matter", "a\0b\n\r\0\r\n.\r\n", true, NUL));
    v.add(bad("after an error the end is still exact", "\0\r\n.\n\r\n.\n" + NEXT, false, NUL));
    v.add(bad("after an error, exact end", "\0\r\n.\n\r\n.\r\n", true, NUL));

    String x998 = repeat('x', LINE - 2);
    v.add(ok("1000-octet line", x998 + "\r\n.\r\n", LINE + 3, x998 + "\r\n"));
    v.add(bad("1001-octet line", x998 + "x\r\n.\r\n", true, LINE_TOO_LONG));
    v.add(ok("stuffing dot not counted", "." + x998 + "\r\n.\r\n", LINE + 4, x998 + "\r\n"));
    v.add(bad("stuffed 1001-octet line", "." + x998 + "x\r\n.\r\n", true, LINE_TOO_LONG));
    v.add(bad("long line, no end", x998 + "xx" + NEXT, false, LINE_TOO_LONG));

    v.add(sized("size exactly at the limit", "hi\r\n.\r\n", 4, "hi\r\n", null));
    v.add(sized("size one over", "hi\r\n.\r\n", 3, null, TOO_BIG));
    v.add(sized("size counts decoded octets", "..\r\n.\r\n", 3, ".\r\n", null));
    v.add(sized("decoded size one over", "..\r\n.\r\n", 2, null, TOO_BIG));
    v.add(sized("empty message, no room", ".\r\n", 0, "", null));
    v.add(sized("one line, no room", "\r\n.\r\n", 0, null, TOO_BIG));
    return v.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("vectors")
  void decodesTheSameWhateverTheSplit(Vector v) {
    Outcome whole = feedData(v.maxSize(), v.maxLine(), List.of(v.input()));
    assertThat(whole.done()).as("done").isEqualTo(v.done());
    assertThat(whole.consumed()).as("consumed")
        .isEqualTo(v.consumed() < 0 ? v.input().length() : v.consumed());
    assertThat(whole.error()).as("error").isEqualTo(v.error());
    assertThat(whole.content()).as("content").isEqualTo(v.content());
    if (v.content() != null) {
      assertThat(whole.size()).isEqualTo(v.content().length());
    }
    for (List<String> chunks : CodecTestSupport.splits(v.input())) {
      assertThat(feedData(v.maxSize(), v.maxLine(), chunks)).as("%s", chunks).isEqualTo(whole);
    }
  }

  @Test
  void nettyStyleChunks() {
    assertThat(feedData(BIG, LINE, List.of("hi", "\r", "\n.", "\r\n")))
        .isEqualTo(new Outcome(true, 7, "hi\r\n", null, 4));
    assertThat(feedData(BIG, LINE, List.of("hi", "\r", "\n.", "\n")).error()).isEqualTo(BARE_LF);
    assertThat(feedData(BIG, LINE, List.of("hi", "\r", "\n.", "\r", "X")).error())
        .isEqualTo(BARE_CR);
    assertThat(feedData(BIG, LINE, List.of("hi\r", "\n", ".", ".", "\r", "\n", ".", "\r", "\n")))
        .isEqualTo(new Outcome(true, 11, "hi\r\n.\r\n", null, 7));
  }

  @Test
  void startsAtFromAndStopsJustPastTheTerminator() {
    Buffer input = buf("DATA\r\nhi\r\n..\r\n.\r\nQUIT\r\n");
    DataDecoder decoder = new DataDecoder(BIG, LINE);
    DataDecoder.Result r = decoder.feed(input, 6);
    assertThat(r).isEqualTo(new DataDecoder.Result(DataDecoder.State.DONE, 17));
    assertThat(str(input.getBuffer(r.consumedUpTo(), input.length()))).isEqualTo("QUIT\r\n");
    assertThat(str(decoder.content())).isEqualTo("hi\r\n.\r\n");
    assertThat(decoder.size()).isEqualTo(7);
  }

  @Test
  void needMoreConsumesEverything() {
    DataDecoder decoder = new DataDecoder(BIG, LINE);
    assertThat(decoder.feed(buf("xxhello"), 2))
        .isEqualTo(new DataDecoder.Result(DataDecoder.State.NEED_MORE, 7));
    assertThat(decoder.feed(buf(""), 0))
        .isEqualTo(new DataDecoder.Result(DataDecoder.State.NEED_MORE, 0));
    assertThat(decoder.isDone()).isFalse();
    assertThat(decoder.error()).isNull();
  }

  @Test
  void tooBigStopsGrowingButStillFindsTheEnd() {
    DataDecoder decoder = new DataDecoder(10, LINE);
    Buffer big = buf((repeat('y', 98) + "\r\n").repeat(1000));
    assertThat(decoder.feed(big, 0).state()).isEqualTo(DataDecoder.State.NEED_MORE);
    assertThat(decoder.error()).isEqualTo(TOO_BIG);
    assertThat(decoder.size()).isEqualTo(10);
    assertThat(decoder.feed(buf(".\r\nQUIT"), 0))
        .isEqualTo(new DataDecoder.Result(DataDecoder.State.DONE, 3));
    assertThat(decoder.error()).isEqualTo(TOO_BIG);
  }

  @Test
  void contentIsGoneAfterAnError() {
    DataDecoder decoder = new DataDecoder(BIG, LINE);
    decoder.feed(buf("a\nb\r\n.\r\n"), 0);
    assertThat(decoder.isDone()).isTrue();
    assertThatThrownBy(decoder::content).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void misuseIsRefused() {
    DataDecoder decoder = new DataDecoder(BIG, LINE);
    assertThatThrownBy(() -> decoder.feed(buf("ab"), 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    decoder.feed(buf(".\r\n"), 0);
    assertThatThrownBy(() -> decoder.feed(buf("more"), 0))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new DataDecoder(-1, LINE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DataDecoder(BIG, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static String esc(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
  }
}
