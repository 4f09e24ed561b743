package io.vmta.smtp.server.testing;

import io.vmta.smtp.server.ListenerMode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The transcript format itself: header, escapes, one write per group, errors naming file and line. */
class TranscriptParseTest {

  @Test
  void readsTheHeader() {
    Transcript t = Transcript.parse("h.smtp", """
        # comment
        @listeners submission smtps
        @trusted yes
        @users a@example.test:pw b@example.test:x:y
        @alias list@example.test a@example.test b@example.test
        @set maxRecipients=3 restrictSenders=false
        @queue fails
        """);
    Transcript.Header h = t.header();
    assertThat(h.listeners()).containsExactly(ListenerMode.SUBMISSION, ListenerMode.SMTPS);
    assertThat(h.trusted()).isTrue();
    assertThat(h.users()).containsExactly(Map.entry("a@example.test", "pw"), Map.entry("b@example.test", "x:y"));
    assertThat(h.aliases()).containsEntry("list@example.test", List.of("a@example.test", "b@example.test"));
    assertThat(h.settings()).containsEntry("maxRecipients", "3").containsEntry("restrictSenders", "false");
    assertThat(h.queueFails()).isTrue();
    assertThat(t.steps()).isEmpty();
    assertThat(Transcript.parse("d.smtp", "").header().listeners()).containsExactly(ListenerMode.MX);
  }

  @Test
  void decodesEscapesAndGroupsWrites() {
    Transcript t = Transcript.parse("s.smtp", "> NOOP \\{3*ab}\n~> a\\r\\n\\0\\t\\\\\\x80\n{\n> A\n~> B\\r\n}\n<~ 250 \n");
    assertThat(t.steps()).hasSize(4);
    assertThat(text(t.steps().get(0))).isEqualTo("NOOP ababab\r\n");
    assertThat(((Transcript.Send) t.steps().get(1)).bytes()).containsExactly('a', '\r', '\n', 0, '\t', '\\', 0x80);
    assertThat(text(t.steps().get(2))).isEqualTo("A\r\nB\r");
    assertThat(t.steps().get(2).line()).isEqualTo(3);
    assertThat(t.steps().get(3)).isEqualTo(new Transcript.ExpectLine(7, "250 ", true));
    assertThat(Transcript.unescape("\\{2*x\\r\\n}", false)).isEqualTo("x\r\nx\r\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void mistakesNameTheFileAndLine() {
    assertThatIllegalArgumentException().isThrownBy(() -> Transcript.parse("bad.smtp", "<~ 220\nsend x\n"))
        .withMessage("bad.smtp:2: unknown line kind 'send'");
    assertThatIllegalArgumentException().isThrownBy(() -> Transcript.parse("bad.smtp", "{\n> A\n"))
        .withMessage("bad.smtp:1: { is never closed");
    assertThatIllegalArgumentException().isThrownBy(() -> Transcript.parse("bad.smtp", "{\n<~ 250\n}\n"))
        .withMessageStartingWith("bad.smtp:2: ");
    assertThatIllegalArgumentException().isThrownBy(() -> Transcript.parse("bad.smtp", "> \\q\n"))
        .withMessage("bad.smtp:1: unknown escape \\q");
    assertThatIllegalArgumentException().isThrownBy(() -> Transcript.parse("bad.smtp", "@trusted maybe\n"))
        .withMessageStartingWith("bad.smtp:1: ");
  }

  private static String text(Transcript.Step step) {
    return new String(((Transcript.Send) step).bytes(), StandardCharsets.ISO_8859_1);
  }
}
