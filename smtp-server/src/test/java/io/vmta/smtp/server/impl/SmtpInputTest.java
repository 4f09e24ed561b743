package io.vmta.smtp.server.impl;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.codec.BdatDecoder;
import io.vmta.smtp.core.codec.DataDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The input cut into command lines and message bodies, whatever the chunks it arrives in. */
class SmtpInputTest {

  /** What the input handed on, as text: "cmd:...", "bad:CODE", "data:BODY", "pending" after a line with more behind it. */
  private final List<String> seen = new ArrayList<>();
  private SmtpInput input;

  private SmtpInput input(int maxCommandLine) {
    input = new SmtpInput(new SmtpInput.Reader() {
      @Override
      public void commandLine(Buffer line) {
        String text = line.toString(StandardCharsets.UTF_8);
        seen.add("cmd:" + text);
        if (text.equals("DATA")) {
          input.expectData(new DataDecoder(1 << 20, 1000));
        }
      }

      @Override
      public void badCommandLine(Reply reply) {
        seen.add("bad:" + reply.code());
      }

      @Override
      public void dataEnded(DataDecoder data) {
        seen.add("data:" + data.content().toString(StandardCharsets.UTF_8));
      }

      @Override
      public void chunkEnded(BdatDecoder chunk) {
        seen.add("chunk");
      }
    }, maxCommandLine);
    return input;
  }

  private void feed(String text, int chunkSize) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += chunkSize) {
      int end = Math.min(bytes.length, i + chunkSize);
      byte[] part = java.util.Arrays.copyOfRange(bytes, i, end);
      input.append(Buffer.buffer(part));
      while (input.hasPending() && input.step()) {
        // read what can be read
      }
      input.compact(false);
    }
  }

  @Test
  void commandsAndADataBodyComeOutTheSameInEveryChunking() {
    String dialogue = "EHLO client.example\r\nMAIL FROM:<a@example.org>\r\nDATA\r\nSubject: x\r\n\r\n..dot\r\n.\r\nQUIT\r\n";
    List<String> expected = List.of("cmd:EHLO client.example", "cmd:MAIL FROM:<a@example.org>", "cmd:DATA",
        "data:Subject: x\r\n\r\n.dot\r\n", "cmd:QUIT");
    for (int chunk = 1; chunk <= dialogue.length(); chunk++) {
      seen.clear();
      input(512);
      feed(dialogue, chunk);
      assertThat(seen).as("chunks of %d bytes", chunk).isEqualTo(expected);
      assertThat(input.hasPending()).isFalse();
      assertThat(input.betweenCommands()).isTrue();
    }
  }

  @Test
  void anOverlongLineIsOneErrorAndTheRestOfItIsSkipped() {
    String longLine = "NOOP " + "x".repeat(600) + "\r\nRSET\r\n";
    for (int chunk : new int[] {1, 7, 64, 1000}) {
      seen.clear();
      input(512);
      feed(longLine, chunk);
      assertThat(seen).as("chunks of %d bytes", chunk).containsExactly("bad:500", "cmd:RSET");
    }
  }

  @Test
  void aBareLineFeedIsNotALineEndTheLineUpToCrlfIsOneError() {
    input(512);
    feed("NOOP\nRSET\r\n", 3);
    assertThat(seen).containsExactly("bad:500");
  }

  @Test
  void whatIsPipelinedBehindALineIsVisibleWhenTheLineIsHandedOn() {
    List<Boolean> pendingAtEachLine = new ArrayList<>();
    input = new SmtpInput(new SmtpInput.Reader() {
      @Override
      public void commandLine(Buffer line) {
        pendingAtEachLine.add(input.hasPending());
      }

      @Override
      public void badCommandLine(Reply reply) {
      }

      @Override
      public void dataEnded(DataDecoder data) {
      }

      @Override
      public void chunkEnded(BdatDecoder chunk) {
      }
    }, 512);
    feed("EHLO a\r\nNOOP\r\n", 100);
    assertThat(pendingAtEachLine).containsExactly(true, false);
  }

  @Test
  void discardingForgetsWhatWasNotRead() {
    input(512);
    input.append(Buffer.buffer("MAIL FROM:<injected@example.org>\r\n"));
    input.discardPending();
    assertThat(input.hasPending()).isFalse();
    assertThat(seen).isEmpty();
  }

  @Test
  void aResetDropsTheBodyBeingReadAndKeepsWhatIsPending() {
    input(512);
    feed("DATA\r\nhalf a bo", 100);
    assertThat(input.readingMessage()).isTrue();
    input.reset();
    assertThat(input.betweenCommands()).isTrue();
    feed("NOOP\r\n", 100);
    assertThat(seen).containsExactly("cmd:DATA", "cmd:NOOP");
  }

  @Test
  void aResetDoesNotEndTheSkippingOfAnOverlongLine() {
    input(512);
    feed("NOOP " + "x".repeat(600), 1000);
    input.reset();
    feed("yyy\r\nRSET\r\n", 1000);
    assertThat(seen).containsExactly("bad:500", "cmd:RSET");
  }
}
