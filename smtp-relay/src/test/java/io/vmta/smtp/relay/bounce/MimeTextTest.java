package io.vmta.smtp.relay.bounce;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class MimeTextTest {

  @Test
  void shortFieldStaysOnOneLine() {
    assertThat(MimeText.field("Status", "5.1.1")).isEqualTo("Status: 5.1.1\r\n");
  }

  @Test
  void longFieldFoldsAtSpacesAndUnfoldsToTheSameText() {
    String value = "smtp; " + "word ".repeat(40).strip();
    String folded = MimeText.field("Diagnostic-Code", value);
    String[] lines = folded.split("\r\n");
    assertThat(lines.length).isGreaterThan(1);
    for (int i = 0; i < lines.length; i++) {
      assertThat(lines[i].length()).isLessThanOrEqualTo(MimeText.SOFT_LINE);
      assertThat(lines[i]).doesNotEndWith(" ");
      if (i > 0) {
        assertThat(lines[i]).startsWith(" ").isNotBlank();
      }
    }
    assertThat(folded.replace("\r\n ", " ")).isEqualTo("Diagnostic-Code: " + value + "\r\n");
  }

  @Test
  void cutNeverSplitsACodePoint() {
    List<String> pieces = MimeText.cut("\u00e9".repeat(10), 5);
    assertThat(pieces).hasSize(5).allMatch(p -> p.equals("\u00e9\u00e9"));
    assertThat(MimeText.cut("a\ud83d\udce7b", 4)).containsExactly("a", "\ud83d\udce7", "b");
  }

  @Test
  void dateIsEnglishWhateverTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertThat(MimeText.date(Instant.parse("2026-03-05T07:08:09Z"), ZoneOffset.UTC))
          .isEqualTo("Thu, 5 Mar 2026 07:08:09 +0000");
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void sanitizeTurnsControlsIntoSpaces() {
    assertThat(MimeText.sanitize("a\r\nb\u0000c\u0085d")).isEqualTo("a  b c d");
    assertThat(MimeText.ascii("gr\u00fc\ud83d\udce7")).isEqualTo("gr??");
  }

  @Test
  void asciiAddressKeepsTheRfc822Type() {
    assertThat(MimeText.addressField("a+b=c@example.org")).isEqualTo("rfc822; a+b=c@example.org");
    assertThat(MimeText.addressField("\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a"))
        .isEqualTo("utf-8; \\x{7528}\\x{6237}@\\x{4F8B}\\x{5B50}.\\x{5E7F}\\x{544A}");
  }

  @Test
  void overlongOriginalHeaderLineIsFoldedOnAUtf8Boundary() {
    String line = "X-Long: " + "\u00e9".repeat(700);
    Buffer out = OriginalHeaders.of(Buffer.buffer(line + "\r\n\r\nbody", "UTF-8"));
    String[] lines = out.toString("UTF-8").split("\r\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0].getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(998);
    assertThat(lines[1]).startsWith(" ");
    assertThat(lines[0] + lines[1].substring(1)).isEqualTo(line);
  }

  @Test
  void emptyHeaderSectionGivesNothing() {
    Buffer noHeaders = Buffer.buffer("\r\nSubject: body, not header\r\n");
    assertThat(OriginalHeaders.of(noHeaders).length()).isZero();
  }
}
