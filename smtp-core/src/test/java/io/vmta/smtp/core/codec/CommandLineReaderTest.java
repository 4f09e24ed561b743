package io.vmta.smtp.core.codec;

import static io.vmta.smtp.core.codec.CodecTestSupport.buf;
import static io.vmta.smtp.core.codec.CodecTestSupport.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.codec.CommandLineReader.LineResult;
import io.vmta.smtp.core.codec.CommandLineReader.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandLineReaderTest {

  private static final int MAX = CommandLineReader.DEFAULT_MAX_LINE_LENGTH;

  private static LineResult scan(String input) {
    return CommandLineReader.scan(buf(input), 0, MAX);
  }

  @Test
  void completeLineWithoutItsCrlf() {
    LineResult r = scan("EHLO client.example\r\nMAIL");
    assertThat(r.status()).isEqualTo(Status.LINE);
    assertThat(r.end()).isEqualTo(21);
    assertThat(r.line().toString()).isEqualTo("EHLO client.example");
  }

  @Test
  void emptyLineIsALine() {
    LineResult r = scan("\r\n");
    assertThat(r.status()).isEqualTo(Status.LINE);
    assertThat(r.end()).isEqualTo(2);
    assertThat(r.line().length()).isZero();
  }

  @Test
  void pipelinedLinesScanFromTheEndOfThePrevious() {
    Buffer input = buf("xxMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
    List<String> lines = new ArrayList<>();
    int from = 2;
    LineResult r;
    while ((r = CommandLineReader.scan(input, from, MAX)).status() == Status.LINE) {
      lines.add(r.line().toString());
      from = r.end();
    }
    assertThat(lines).containsExactly("MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA");
    assertThat(r.status()).isEqualTo(Status.INCOMPLETE);
    assertThat(from).isEqualTo(input.length());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({"EHLO", "EHLO\\r", "''", "\\r"})
  void incompleteWithoutCrlf(String escaped) {
    LineResult r = scan(CodecTestSupport.unescape(escaped));
    assertThat(r.status()).isEqualTo(Status.INCOMPLETE);
    assertThat(r.end()).isEqualTo(-1);
    assertThat(r.line()).isNull();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({
      "EHLO x\\nMAIL FROM:<>\\r\\n, 21",
      "\\nQUIT\\r\\n, 7",
      "EH\\rLO\\r\\n, 7",
      "\\r\\r\\n, 3",
      "QUIT\\n\\r\\n, 7",
      "DATA\\r\\rX\\r\\n, 9"
  })
  void bareCrOrLfInsideALineIsReportedAtItsCrlf(String escaped, int end) {
    LineResult r = scan(CodecTestSupport.unescape(escaped));
    assertThat(r.status()).isEqualTo(Status.BARE_LINE_END);
    assertThat(r.end()).isEqualTo(end);
    assertThat(r.line()).isNull();
  }

  @Test
  void bareLfNeverEndsALine() {
    assertThat(scan("NOOP\nQUIT\n").status()).isEqualTo(Status.INCOMPLETE);
  }

  @Test
  void limitCountsTheCrlf() {
    LineResult ok = scan(repeat('a', MAX - 2) + "\r\nNEXT");
    assertThat(ok.status()).isEqualTo(Status.LINE);
    assertThat(ok.line().length()).isEqualTo(MAX - 2);
    assertThat(ok.end()).isEqualTo(MAX);

    LineResult tooLong = scan(repeat('a', MAX - 1) + "\r\nNEXT\r\n");
    assertThat(tooLong.status()).isEqualTo(Status.TOO_LONG);
    assertThat(tooLong.end()).isEqualTo(MAX + 1);
  }

  @Test
  void tooLongFindsALaterCrlf() {
    LineResult r = scan(repeat('a', 700) + "\r\nQUIT\r\n");
    assertThat(r.status()).isEqualTo(Status.TOO_LONG);
    assertThat(r.end()).isEqualTo(702);
  }

  @Test
  void tooLongWithoutCrlfAsksTheCallerToDiscard() {
    LineResult r = scan(repeat('a', MAX));
    assertThat(r.status()).isEqualTo(Status.TOO_LONG);
    assertThat(r.end()).isEqualTo(-1);
  }

  @Test
  void fewerThanTheLimitIsStillIncomplete() {
    assertThat(scan(repeat('a', MAX - 1)).status()).isEqualTo(Status.INCOMPLETE);
    assertThat(scan(repeat('a', MAX - 2) + "\r").status()).isEqualTo(Status.INCOMPLETE);
  }

  @Test
  void crAtTheLimitWithItsLfStillToComeIsDiscardedSafely() {
    Buffer input = buf(repeat('a', MAX - 1) + "\r");
    LineResult r = CommandLineReader.scan(input, 0, MAX);
    assertThat(r.status()).isEqualTo(Status.TOO_LONG);
    assertThat(r.end()).isEqualTo(-1);
    // The caller drops what it may, keeps the trailing CR, and the LF arrives.
    int keep = CommandLineReader.discardableEnd(input, 0);
    assertThat(keep).isEqualTo(MAX - 1);
    Buffer rest = input.getBuffer(keep, input.length()).appendString("\nQUIT\r\n");
    assertThat(CommandLineReader.skipPastCrlf(rest, 0)).isEqualTo(2);
    assertThat(CommandLineReader.scan(rest, 2, MAX).line().toString()).isEqualTo("QUIT");
  }

  @Test
  void skipPastCrlf() {
    assertThat(CommandLineReader.skipPastCrlf(buf("abc\r\nrest"), 0)).isEqualTo(5);
    assertThat(CommandLineReader.skipPastCrlf(buf("abc\r\nrest\r\n"), 5)).isEqualTo(11);
    assertThat(CommandLineReader.skipPastCrlf(buf("\n\r\r\n"), 0)).isEqualTo(4);
    assertThat(CommandLineReader.skipPastCrlf(buf("abc\r"), 0)).isEqualTo(-1);
    assertThat(CommandLineReader.skipPastCrlf(buf("abc\n"), 0)).isEqualTo(-1);
    assertThat(CommandLineReader.skipPastCrlf(buf("abc"), 3)).isEqualTo(-1);
  }

  @Test
  void discardableEnd() {
    assertThat(CommandLineReader.discardableEnd(buf("abc"), 0)).isEqualTo(3);
    assertThat(CommandLineReader.discardableEnd(buf("abc\r"), 0)).isEqualTo(3);
    assertThat(CommandLineReader.discardableEnd(buf("abc\n"), 0)).isEqualTo(4);
    assertThat(CommandLineReader.discardableEnd(buf("\r"), 1)).isEqualTo(1);
  }

  @Test
  void byteByByteArrivalGivesTheSameLines() {
    String stream = "EHLO a\r\nNO\rOP\r\nMAIL FROM:<>\r\n" + repeat('z', 600) + "\r\nQUIT\r\n";
    List<String> whole = CodecTestSupport.readLines(List.of(stream), MAX);
    List<String> split = CodecTestSupport.readLines(stream.chars()
        .mapToObj(c -> String.valueOf((char) c)).toList(), MAX);
    assertThat(whole).containsExactly("EHLO a", "<bare>", "MAIL FROM:<>", "<too long>", "QUIT");
    assertThat(split).isEqualTo(whole);
  }

  @Test
  void inputIsNotModified() {
    Buffer input = buf("EHLO x\r\n");
    CommandLineReader.scan(input, 0, MAX).line().setByte(0, (byte) 'X');
    assertThat(input.toString()).isEqualTo("EHLO x\r\n");
  }

  @Test
  void instanceFormUsesItsLimit() {
    CommandLineReader reader = new CommandLineReader(8);
    assertThat(reader.maxLineLength()).isEqualTo(8);
    assertThat(reader.scan(buf("RSET12\r\n"), 0).status()).isEqualTo(Status.LINE);
    assertThat(reader.scan(buf("RSET123\r\n"), 0).status()).isEqualTo(Status.TOO_LONG);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new CommandLineReader(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CommandLineReader.scan(buf("ab"), 3, MAX))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> CommandLineReader.skipPastCrlf(buf("ab"), -1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
