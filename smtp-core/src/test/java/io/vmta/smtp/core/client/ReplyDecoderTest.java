package io.vmta.smtp.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.EnhancedStatus;
import io.vmta.smtp.core.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reply decoding (RFC 5321 4.2, RFC 2034), with input split where it hurts. */
class ReplyDecoderTest {

  private static List<Reply> feed(ReplyDecoder decoder, String... chunks) {
    List<Reply> all = new ArrayList<>();
    for (String chunk : chunks) {
      all.addAll(decoder.feed(Buffer.buffer(chunk.getBytes(StandardCharsets.ISO_8859_1))));
    }
    return all;
  }

  private static List<Reply> feed(String... chunks) {
    return feed(new ReplyDecoder(), chunks);
  }

  @Test
  void awkwardChunksLikeNetty() {
    ReplyDecoder decoder = new ReplyDecoder();
    assertThat(feed(decoder, "250-")).isEmpty();
    assertThat(feed(decoder, "Hello\r\n2")).isEmpty();
    assertThat(decoder.hasPartialReply()).isTrue();
    List<Reply> replies = feed(decoder, "50 Ok\r\n");
    assertThat(replies).containsExactly(new Reply(250, null, List.of("Hello", "Ok")));
    assertThat(decoder.hasPartialReply()).isFalse();
  }

  @Test
  void everySplitOfAnEhloReplyGivesTheSameReplies() {
    String wire = "220 mx.example.test ESMTP\r\n250-mx.example.test\r\n250-PIPELINING\r\n"
        + "250-SIZE 1000\r\n250 8BITMIME\r\n354 go ahead\r\n";
    List<Reply> whole = feed(wire);
    assertThat(whole).hasSize(3);
    for (int i = 0; i <= wire.length(); i++) {
      for (int j = i; j <= wire.length(); j += 7) {
        assertThat(feed(wire.substring(0, i), wire.substring(i, j), wire.substring(j))).isEqualTo(whole);
      }
    }
    assertThat(feed(wire.chars().mapToObj(c -> String.valueOf((char) c)).toArray(String[]::new)))
        .isEqualTo(whole);
  }

  @Test
  void enhancedStatusIsParsedAndStrippedFromEveryLine() {
    List<Reply> replies = feed("250 2.1.0 Ok\r\n", "550-5.1.1 No such user\r\n550 5.1.1 here\r\n");
    assertThat(replies.get(0)).isEqualTo(Reply.of(250, "2.1.0", "Ok"));
    assertThat(replies.get(1).status()).isEqualTo(new EnhancedStatus(5, 1, 1));
    assertThat(replies.get(1).lines()).containsExactly("No such user", "here");
  }

  @Test
  void aStatusWhoseClassDoesNotMatchStaysText() {
    Reply reply = feed("250 5.0.0 odd\r\n").get(0);
    assertThat(reply.status()).isNull();
    assertThat(reply.lines()).containsExactly("5.0.0 odd");
    assertThat(feed("250 2.0 not a status\r\n").get(0).status()).isNull();
    assertThat(feed("451 4.4.2\r\n").get(0)).isEqualTo(Reply.of(451, "4.4.2", ""));
  }

  @Test
  void aBareCodeEndsAReply() {
    assertThat(feed("250\r\n").get(0)).isEqualTo(Reply.of(250, null, ""));
    assertThat(feed("354 \r\n").get(0)).isEqualTo(Reply.of(354, null, ""));
  }

  @Test
  void severalRepliesInOneChunkComeOutInOrder() {
    List<Reply> replies = feed("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 no\r\n354 go\r\n");
    assertThat(replies).extracting(Reply::code).containsExactly(250, 250, 550, 354);
  }

  @ParameterizedTest
  @ValueSource(strings = {"25 Ok\r\n", "2x0 Ok\r\n", "199 Ok\r\n", "600 Ok\r\n", "250_Ok\r\n",
      "250-a\r\n251 b\r\n", "250 a\nb\r\n", "250 a\rb\r\n", "250 nul\0\r\n", "\r\n"})
  void malformedRepliesAreProtocolErrors(String wire) {
    ReplyDecoder decoder = new ReplyDecoder();
    assertThatThrownBy(() -> feed(decoder, wire)).isInstanceOf(ReplyFormatException.class);
    assertThatThrownBy(() -> feed(decoder, "250 Ok\r\n")).isInstanceOf(ReplyFormatException.class);
  }

  @Test
  void linesOverFiveHundredTwelveOctetsAreRefusedEvenBeforeTheirEnd() {
    String text = "x".repeat(512 - 6);
    assertThat(feed("250 " + text + "\r\n").get(0).text()).isEqualTo(text);
    assertThatThrownBy(() -> feed("250 " + text + "x\r\n")).isInstanceOf(ReplyFormatException.class);
    ReplyDecoder decoder = new ReplyDecoder();
    assertThatThrownBy(() -> feed(decoder, "250 " + "y".repeat(300), "y".repeat(300)))
        .isInstanceOf(ReplyFormatException.class);
  }

  @Test
  void tooManyLinesAreRefused() {
    String wire = "250-x\r\n".repeat(ReplyDecoder.MAX_LINES) + "250 y\r\n";
    assertThatThrownBy(() -> feed(wire)).isInstanceOf(ReplyFormatException.class);
  }

  @Test
  void discardDropsWhatFollowsAReply() {
    ReplyDecoder decoder = new ReplyDecoder();
    List<Reply> replies = feed(decoder, "220 2.0.0 Ready\r\n250-injected\r\n250 inj");
    assertThat(replies).hasSize(1);
    assertThat(decoder.hasPartialReply()).isTrue();
    assertThat(decoder.discardBuffered()).isEqualTo("250 inj".length());
    assertThat(decoder.hasPartialReply()).isFalse();
    assertThat(feed(decoder, "250 clean\r\n").get(0).text()).isEqualTo("clean");
  }

  @Test
  void utf8TextIsKept() {
    Reply reply = new ReplyDecoder().feed(Buffer.buffer("250 2.0.0 Grüße\r\n")).get(0);
    assertThat(reply.text()).isEqualTo("Grüße");
  }
}
