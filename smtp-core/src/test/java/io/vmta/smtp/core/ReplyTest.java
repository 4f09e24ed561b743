package io.vmta.smtp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyTest {

  @Test
  void singleLineWithAndWithoutEnhancedStatus() {
    Reply reply = Reply.of(250, "2.0.0", "Ok");
    assertThat(reply.format(true)).isEqualTo("250 2.0.0 Ok\r\n");
    assertThat(reply.format(false)).isEqualTo("250 Ok\r\n");
  }

  @Test
  void multiLineUsesDashOnAllButTheLastLine() {
    Reply reply = Reply.of(250, "2.0.0", "first", "middle", "last");
    assertThat(reply.format(true)).isEqualTo("250-2.0.0 first\r\n250-2.0.0 middle\r\n250 2.0.0 last\r\n");
    assertThat(reply.format(false)).isEqualTo("250-first\r\n250-middle\r\n250 last\r\n");
  }

  @Test
  void withoutStatusEnhancedMakesNoDifference() {
    Reply reply = Reply.of(354, null, "End data with <CR><LF>.<CR><LF>");
    assertThat(reply.format(true)).isEqualTo("354 End data with <CR><LF>.<CR><LF>\r\n").isEqualTo(reply.format(false));
  }

  @Test
  void emptyLineHasNoTrailingSpaceAfterTheStatus() {
    assertThat(Reply.of(250, "2.0.0", "").format(true)).isEqualTo("250 2.0.0\r\n");
    assertThat(Reply.of(250, "2.0.0", "").format(false)).isEqualTo("250 \r\n");
    assertThat(Reply.of(250, "2.0.0", "", "x").format(true)).isEqualTo("250-2.0.0\r\n250 2.0.0 x\r\n");
    assertThat(Reply.of(250, null, "", "").format(true)).isEqualTo("250-\r\n250 \r\n");
  }

  @ParameterizedTest
  @CsvSource({"199, ", "600, ", "0, ", "-250, ", "250, 5.0.0", "550, 2.0.0", "450, 5.0.0", "354, 2.0.0"})
  void refusesBadCodesAndMismatchedStatus(int code, String status) {
    assertThatIllegalArgumentException().isThrownBy(() -> Reply.of(code, status, "x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\rb", "a\nb", "a\0b", "\r\n", "end\r"})
  void refusesLineBreaksAndNul(String line) {
    assertThatIllegalArgumentException().isThrownBy(() -> Reply.of(250, null, "ok", line));
  }

  @Test
  void refusesNoLinesAndNulls() {
    assertThatIllegalArgumentException().isThrownBy(() -> Reply.of(250, "2.0.0"));
    assertThatIllegalArgumentException().isThrownBy(() -> new Reply(250, null, List.of()));
    assertThatThrownBy(() -> new Reply(250, null, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Reply.of(250, null, "a", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void linesAreCopiedAndUnmodifiable() {
    List<String> lines = new ArrayList<>(List.of("one"));
    Reply reply = new Reply(250, null, lines);
    lines.add("two");
    assertThat(reply.lines()).containsExactly("one");
    assertThatThrownBy(() -> reply.lines().add("three")).isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @CsvSource({"220, true, false, false", "250, true, false, false", "354, true, false, false",
      "421, false, true, false", "452, false, true, false", "500, false, false, true", "554, false, false, true"})
  void classifiesByCode(int code, boolean positive, boolean transientFailure, boolean permanent) {
    Reply reply = Reply.of(code, null, "x");
    assertThat(reply.isPositive()).isEqualTo(positive);
    assertThat(reply.isTransient()).isEqualTo(transientFailure);
    assertThat(reply.isPermanent()).isEqualTo(permanent);
  }

  @Test
  void withTextKeepsCodeAndStatus() {
    Reply reply = Replies.BAD_ADDRESS_SYNTAX.withText("why", "more");
    assertThat(reply.code()).isEqualTo(553);
    assertThat(reply.status()).isEqualTo(new EnhancedStatus(5, 1, 3));
    assertThat(reply.lines()).containsExactly("why", "more");
    assertThatIllegalArgumentException().isThrownBy(() -> Replies.OK.withText("bad\r\ntext"));
  }

  @Test
  void textJoinsLinesAndToStringShowsTheWireForm() {
    Reply reply = Reply.of(250, "2.0.0", "a", "b");
    assertThat(reply.text()).isEqualTo("a b");
    assertThat(reply).hasToString("250-2.0.0 a\\r\\n250 2.0.0 b\\r\\n");
  }
}
