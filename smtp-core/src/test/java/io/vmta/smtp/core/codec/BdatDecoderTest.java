package io.vmta.smtp.core.codec;

import static io.vmta.smtp.core.codec.CodecTestSupport.buf;
import static io.vmta.smtp.core.codec.CodecTestSupport.feedBdat;
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
import io.vmta.smtp.core.codec.BdatDecoder.Result;
import io.vmta.smtp.core.codec.BdatDecoder.State;
import io.vmta.smtp.core.codec.CodecTestSupport.Outcome;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** BDAT chunks (RFC 3030): counted octets, no dot-stuffing, text line rules across chunks. */
class BdatDecoderTest {

  private static final long BIG = 26_214_400;
  private static final int LINE = 1000;

  /** A message, its size limit, and the content (null on error) and error expected. */
  static Stream<Arguments> messages() {
    String x998 = repeat('x', LINE - 2);
    return Stream.of(
        Arguments.of("hello\r\nworld\r\n", BIG, "hello\r\nworld\r\n", null),
        Arguments.of("no dot-stuffing\r\n..\r\n.\r\n", BIG, "no dot-stuffing\r\n..\r\n.\r\n", null),
        Arguments.of("last line without CRLF", BIG, "last line without CRLF", null),
        Arguments.of("", BIG, "", null),
        Arguments.of("a\nb\r\n", BIG, null, BARE_LF),
        Arguments.of("a\rb\r\n", BIG, null, BARE_CR),
        Arguments.of("a\r\n.\n", BIG, null, BARE_LF),
        Arguments.of("a\r\n\0.\r\n", BIG, null, NUL),
        Arguments.of("dangling CR\r", BIG, null, BARE_CR),
        Arguments.of(x998 + "\r\n", BIG, x998 + "\r\n", null),
        Arguments.of(x998 + "x\r\n", BIG, null, LINE_TOO_LONG),
        Arguments.of("hi\r\n", 4L, "hi\r\n", null),
        Arguments.of("hi\r\n", 3L, null, TOO_BIG));
  }

  @ParameterizedTest(name = "[{index}] max {1}, error {3}")
  @MethodSource("messages")
  void sameResultWhereverTheChunksAndReadsSplit(String message, long max, String content,
      DataDecoder.Error error) {
    Outcome whole = feedBdat(max, LINE, List.of(message), Integer.MAX_VALUE);
    assertThat(whole.error()).isEqualTo(error);
    assertThat(whole.content()).isEqualTo(content);
    assertThat(whole.consumed()).isEqualTo(message.length());
    if (content != null) {
      assertThat(whole.size()).isEqualTo(content.length());
    }
    for (int i = 0; i <= message.length(); i++) {
      List<String> chunks = List.of(message.substring(0, i), message.substring(i));
      assertThat(feedBdat(max, LINE, chunks, Integer.MAX_VALUE)).as("chunks at %d", i)
          .isEqualTo(whole);
      assertThat(feedBdat(max, LINE, chunks, 1)).as("chunks at %d, byte reads", i)
          .isEqualTo(whole);
      assertThat(feedBdat(max, LINE, List.of(message), Math.max(1, i))).as("reads of %d", i)
          .isEqualTo(whole);
    }
  }

  @Test
  void crAndLfInDifferentChunks() {
    BdatDecoder decoder = new BdatDecoder(BIG, LINE);
    decoder.beginChunk(3);
    assertThat(decoder.feed(buf("ab\r"), 0)).isEqualTo(new Result(State.CHUNK_DONE, 3));
    decoder.beginChunk(3);
    assertThat(decoder.feed(buf("\ncd"), 0)).isEqualTo(new Result(State.CHUNK_DONE, 3));
    decoder.beginChunk(2);
    assertThat(decoder.feed(buf("\r\n"), 0)).isEqualTo(new Result(State.CHUNK_DONE, 2));
    decoder.finish();
    assertThat(decoder.error()).isNull();
    assertThat(str(decoder.content())).isEqualTo("ab\r\ncd\r\n");
    assertThat(decoder.size()).isEqualTo(8);
  }

  @Test
  void consumesOnlyTheDeclaredOctets() {
    Buffer input = buf("BDAT 8 LAST\r\nhi\r\n..\r\nQUIT\r\n");
    BdatDecoder decoder = new BdatDecoder(BIG, LINE);
    decoder.beginChunk(8);
    assertThat(decoder.feed(input, 13)).isEqualTo(new Result(State.CHUNK_DONE, 21));
    decoder.finish();
    assertThat(decoder.error()).isNull();
    assertThat(str(input.getBuffer(21, input.length()))).isEqualTo("QUIT\r\n");
    assertThat(str(decoder.content())).isEqualTo("hi\r\n..\r\n");
  }

  @Test
  void partialInputNeedsMore() {
    BdatDecoder decoder = new BdatDecoder(BIG, LINE);
    decoder.beginChunk(10);
    assertThat(decoder.feed(buf("xx0123"), 2)).isEqualTo(new Result(State.NEED_MORE, 6));
    assertThat(decoder.remaining()).isEqualTo(6);
    assertThat(decoder.feed(buf("456789RSET\r\n"), 0)).isEqualTo(new Result(State.CHUNK_DONE, 6));
    assertThat(decoder.remaining()).isZero();
  }

  @Test
  void afterAnErrorEveryDeclaredOctetIsStillConsumed() {
    BdatDecoder decoder = new BdatDecoder(BIG, LINE);
    decoder.beginChunk(10);
    assertThat(decoder.feed(buf("a\nb"), 0)).isEqualTo(new Result(State.NEED_MORE, 3));
    assertThat(decoder.error()).isEqualTo(BARE_LF);
    assertThat(decoder.feed(buf("\0\r\r\n.\r\n!NOOP\r\n"), 0))
        .isEqualTo(new Result(State.CHUNK_DONE, 7));
    decoder.beginChunk(4);
    assertThat(decoder.feed(buf("\n\n\n\nQUIT\r\n"), 0)).isEqualTo(new Result(State.CHUNK_DONE, 4));
    decoder.finish();
    assertThat(decoder.error()).isEqualTo(BARE_LF);
    assertThat(decoder.size()).isEqualTo(1);
    assertThatThrownBy(decoder::content).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void sizeLimitAcrossChunks() {
    BdatDecoder decoder = new BdatDecoder(6, LINE);
    decoder.beginChunk(4);
    decoder.feed(buf("ab\r\n"), 0);
    decoder.beginChunk(2);
    decoder.feed(buf("cd"), 0);
    assertThat(decoder.error()).isNull();
    decoder.beginChunk(1);
    assertThat(decoder.feed(buf("e"), 0)).isEqualTo(new Result(State.CHUNK_DONE, 1));
    assertThat(decoder.error()).isEqualTo(TOO_BIG);
    assertThat(decoder.size()).isEqualTo(6);
  }

  @Test
  void emptyLastChunk() {
    BdatDecoder decoder = new BdatDecoder(BIG, LINE);
    decoder.beginChunk(4);
    decoder.feed(buf("hi\r\n"), 0);
    decoder.beginChunk(0);
    assertThat(decoder.feed(buf("QUIT\r\n"), 0)).isEqualTo(new Result(State.CHUNK_DONE, 0));
    decoder.finish();
    assertThat(str(decoder.content())).isEqualTo("hi\r\n");
  }

  @Test
  void misuseIsRefused() {
    BdatDecoder decoder = new BdatDecoder(BIG, LINE);
    assertThatThrownBy(() -> decoder.beginChunk(-1)).isInstanceOf(IllegalArgumentException.class);
    decoder.beginChunk(5);
    decoder.feed(buf("ab"), 0);
    assertThatThrownBy(() -> decoder.beginChunk(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(decoder::finish).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> decoder.feed(buf("ab"), 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    decoder.feed(buf("cde"), 0);
    decoder.finish();
    assertThatThrownBy(() -> decoder.beginChunk(1)).isInstanceOf(IllegalStateException.class);
  }
}
