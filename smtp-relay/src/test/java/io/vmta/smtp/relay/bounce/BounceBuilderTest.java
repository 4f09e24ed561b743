package io.vmta.smtp.relay.bounce;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueuedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BounceBuilderTest {

  static final Instant NOW = Instant.parse("2026-11-29T14:05:09Z");
  static final Instant ARRIVED = Instant.parse("2026-11-28T09:00:00Z");
  static final String HEADERS = "Received: from client.example.test\r\n"
      + "From: Alice <alice@example.test>\r\nTo: bob@example.org\r\nSubject: lunch\r\n"
      + "Message-ID: <m1@example.test>\r\n";
  static final String BODY = "SECRET BODY LINE\r\nsecond line\r\n";
  static final FailedRecipient BOB =
      FailedRecipient.failed("bob@example.org", "5.1.1", "smtp; 550 5.1.1 user unknown",
          "mx.example.org");

  final BounceBuilder builder =
      new BounceBuilder("mx.example.test", Clock.fixed(NOW, ZoneOffset.UTC), () -> "FIXEDID");

  static Envelope envelope(String sender, String... recipients) {
    return new Envelope("ORIGINALID", sender, List.of(recipients), false, "7BIT", "192.0.2.1",
        "client.example.test", null, ARRIVED);
  }

  static Buffer original() {
    return Buffer.buffer(HEADERS + "\r\n" + BODY);
  }

  QueuedMessage bounce(List<FailedRecipient> failed) {
    return builder.build(envelope("alice@example.test", "bob@example.org"), original(), failed)
        .orElseThrow();
  }

  @Test
  void nullSenderGetsNoBounce() {
    assertThat(builder.build(envelope("", "bob@example.org"), original(), List.of(BOB))).isEmpty();
  }

  @Test
  void theBounceOfARequireTlsMessageRequiresTlsToo() {
    Envelope original = envelope("alice@example.test", "bob@example.org");
    assertThat(builder.build(original.withRequireTls(true), original(), List.of(BOB)).orElseThrow()
        .envelope().requireTls()).isTrue();
    assertThat(bounce(List.of(BOB)).envelope().requireTls()).isFalse();
  }

  @Test
  void aBounceIsNeverBounced() {
    QueuedMessage first = bounce(List.of(BOB));
    FailedRecipient alice = FailedRecipient.failed("alice@example.test", "5.1.1", null, null);
    assertThat(builder.build(first.envelope(), first.content(), List.of(alice))).isEmpty();
  }

  @Test
  void envelopeGoesFromTheNullPathToTheOriginalSender() {
    Envelope env = bounce(List.of(BOB)).envelope();
    assertThat(env.id()).isEqualTo("FIXEDID");
    assertThat(env.sender()).isEmpty();
    assertThat(env.recipients()).containsExactly("alice@example.test");
    assertThat(env.body()).isEqualTo("7BIT");
    assertThat(env.smtputf8()).isFalse();
    assertThat(env.clientAddress()).isEqualTo("localhost");
    assertThat(env.heloName()).isEqualTo("mx.example.test");
    assertThat(env.authUser()).isNull();
    assertThat(env.receivedAt()).isEqualTo(NOW);
  }

  @Test
  void realBuilderUsesFreshQueueIds() {
    BounceBuilder real = new BounceBuilder("mx.example.test", Clock.fixed(NOW, ZoneOffset.UTC));
    Envelope original = envelope("alice@example.test", "bob@example.org");
    String a = real.build(original, original(), List.of(BOB)).orElseThrow().envelope().id();
    String b = real.build(original, original(), List.of(BOB)).orElseThrow().envelope().id();
    assertThat(a).isNotEqualTo(b).isNotEqualTo("ORIGINALID");
  }

  @Test
  void topHeadersNameTheMailerDaemonAndTheReport() {
    ParsedBounce p = new ParsedBounce(bounce(List.of(BOB)).content());
    assertThat(p.headers)
        .containsEntry("from", "Mail Delivery System <MAILER-DAEMON@mx.example.test>")
        .containsEntry("to", "<alice@example.test>")
        .containsEntry("subject", BounceBuilder.SUBJECT_FAILED)
        .containsEntry("date", "Sun, 29 Nov 2026 14:05:09 +0000")
        .containsEntry("message-id", "<FIXEDID@mx.example.test>")
        .containsEntry("auto-submitted", "auto-replied")
        .containsEntry("mime-version", "1.0")
        .doesNotContainKey("content-transfer-encoding");
    assertThat(p.headers.get("content-type"))
        .startsWith("multipart/report; report-type=delivery-status; boundary=\"");
  }

  @Test
  void dateFollowsTheClockZone() {
    BounceBuilder berlin = new BounceBuilder("mx.example.test",
        Clock.fixed(NOW, ZoneId.of("Europe/Berlin")), () -> "FIXEDID");
    QueuedMessage m = berlin.build(envelope("alice@example.test", "bob@example.org"), original(),
        List.of(BOB)).orElseThrow();
    assertThat(new ParsedBounce(m.content()).headers)
        .containsEntry("date", "Sun, 29 Nov 2026 15:05:09 +0100");
  }

  @Test
  void threePartsInTheOrderOfRfc6522() {
    ParsedBounce p = new ParsedBounce(bounce(List.of(BOB)).content());
    assertThat(p.parts).hasSize(3);
    assertThat(p.part(0).headers()).containsEntry("content-type", "text/plain; charset=us-ascii");
    assertThat(p.part(1).headers()).containsEntry("content-type", "message/delivery-status");
    assertThat(p.part(2).headers()).containsEntry("content-type", "text/rfc822-headers");
    assertThat(p.part(0).body())
        .contains("<bob@example.org>: host mx.example.org said: 550 5.1.1 user unknown");
  }

  @Test
  void oneDeliveryStatusGroupPerRecipient() {
    FailedRecipient carol = FailedRecipient.failed("carol@example.net", "5.4.4", null, null);
    FailedRecipient dave = FailedRecipient.failed("dave@example.com", "5.7.1", "550 denied", null);
    ParsedBounce p = new ParsedBounce(bounce(List.of(BOB, carol, dave)).content());
    List<Map<String, String>> groups = p.part(1).groups();
    assertThat(groups).hasSize(4);
    assertThat(groups.get(0)).containsEntry("reporting-mta", "dns; mx.example.test")
        .containsEntry("arrival-date", "Sat, 28 Nov 2026 09:00:00 +0000")
        .doesNotContainKey("original-envelope-id")
        .doesNotContainKey("final-recipient");
    assertThat(groups.get(1)).containsEntry("final-recipient", "rfc822; bob@example.org")
        .containsEntry("action", "failed").containsEntry("status", "5.1.1")
        .containsEntry("remote-mta", "dns; mx.example.org")
        .containsEntry("diagnostic-code", "smtp; 550 5.1.1 user unknown")
        .containsEntry("last-attempt-date", "Sun, 29 Nov 2026 14:05:09 +0000");
    assertThat(groups.get(2)).containsEntry("final-recipient", "rfc822; carol@example.net")
        .containsEntry("status", "5.4.4")
        .doesNotContainKeys("remote-mta", "diagnostic-code");
    assertThat(groups.get(3)).containsEntry("diagnostic-code", "smtp; 550 denied");
    assertThat(p.part(0).body())
        .contains("<bob@example.org>", "<carol@example.net>", "<dave@example.com>");
  }

  @Test
  void originalHeadersAreReturnedButNotTheBody() {
    QueuedMessage m = bounce(List.of(BOB));
    ParsedBounce p = new ParsedBounce(m.content());
    assertThat(p.part(2).body()).isEqualTo(HEADERS);
    assertThat(p.raw).doesNotContain("SECRET BODY LINE");
  }

  @Test
  void originalWithoutBodyIsReturnedUpTo64KiB() {
    StringBuilder big = new StringBuilder();
    for (int i = 0; big.length() < 100_000; i++) {
      big.append("X-Filler-").append(i).append(": ").append("y".repeat(60)).append("\r\n");
    }
    QueuedMessage m = builder.build(envelope("alice@example.test", "bob@example.org"),
        Buffer.buffer(big.toString()), List.of(BOB)).orElseThrow();
    String returned = new ParsedBounce(m.content()).part(2).body();
    assertThat(returned).startsWith("X-Filler-0: ").endsWith("\r\n");
    assertThat(returned.length()).isLessThanOrEqualTo(OriginalHeaders.MAX_OCTETS)
        .isGreaterThan(OriginalHeaders.MAX_OCTETS - 100);
    assertThat(big.toString()).startsWith(returned);
  }

  @Test
  void boundaryDoesNotOccurInTheOriginal() {
    String tricky = HEADERS + "\r\n--=_bounce_FIXEDID\r\n=_bounce_FIXEDID_1\r\n";
    QueuedMessage m = builder.build(envelope("alice@example.test", "bob@example.org"),
        Buffer.buffer(tricky), List.of(BOB)).orElseThrow();
    ParsedBounce p = new ParsedBounce(m.content());
    assertThat(p.boundary).startsWith("=_bounce_FIXEDID");
    assertThat(tricky).doesNotContain(p.boundary);
    assertThat(p.parts).hasSize(3);
  }

  @Test
  void crlfEverywhereEvenWhenTheInputHasBareLineEnds() {
    Buffer sloppy = Buffer.buffer("Subject: a\nX-Bare-CR: b\rc\r\nFrom: d\r\n\nbody\n");
    FailedRecipient odd =
        FailedRecipient.failed("bob@example.org", "5.0.0", "smtp; 550 one\ntwo\rthree", "mx\n");
    QueuedMessage m = builder.build(envelope("alice@example.test", "bob@example.org"), sloppy,
        List.of(odd, FailedRecipient.delayed("x@example.org", "4.4.1", null, null))).orElseThrow();
    byte[] bytes = m.content().getBytes();
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        assertThat(i).as("LF at %d preceded by CR", i).isPositive();
        assertThat(bytes[i - 1]).as("byte before LF at %d", i).isEqualTo((byte) '\r');
      }
      if (bytes[i] == '\r') {
        assertThat(i + 1).as("CR at %d followed by LF", i).isLessThan(bytes.length);
        assertThat(bytes[i + 1]).as("byte after CR at %d", i).isEqualTo((byte) '\n');
      }
    }
    assertThat(new ParsedBounce(m.content()).part(2).body())
        .isEqualTo("Subject: a\r\nX-Bare-CR: b c\r\nFrom: d\r\n");
  }

  @Test
  void diagnosticTextCannotInjectFields() {
    FailedRecipient evil = FailedRecipient.failed("bob@example.org", "5.0.0",
        "smtp; 550 no\r\nX-Injected: yes\r\n\r\nFinal-Recipient: rfc822; eve@example.org",
        "mx.example.org");
    ParsedBounce p = new ParsedBounce(bounce(List.of(evil)).content());
    assertThat(p.raw).doesNotContain("\r\nX-Injected")
        .doesNotContain("\r\nFinal-Recipient: rfc822; eve");
    assertThat(p.part(1).groups()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"word ", "x", "\u00fc", "\u20ac ", "\ud83d\udce7"})
  void noLineExceeds998OctetsWithA2000CharacterDiagnostic(String unit) {
    String text = unit.repeat(2000 / unit.length()).strip();
    FailedRecipient r =
        FailedRecipient.failed("bob@example.org", "5.0.0", "smtp; 550 " + text, "mx.example.org");
    QueuedMessage m = bounce(List.of(r));
    for (String line : m.content().toString(StandardCharsets.UTF_8).split("\r\n")) {
      assertThat(line.getBytes(StandardCharsets.UTF_8).length).as(line).isLessThanOrEqualTo(998);
    }
    String diagnostic =
        new ParsedBounce(m.content()).part(1).groups().get(1).get("diagnostic-code");
    String expected = "smtp; 550 " + MimeText.ascii(text);
    if (unit.contains(" ")) {
      assertThat(diagnostic).isEqualTo(expected);
    } else {
      assertThat(diagnostic.replace(" ", "")).isEqualTo(expected.replace(" ", ""));
    }
  }

  @Test
  void subjectSaysDelayedOnlyWhenEveryRecipientIsDelayed() {
    FailedRecipient late =
        FailedRecipient.delayed("bob@example.org", "4.4.1", "smtp; 421 busy", "mx.example.org");
    ParsedBounce delayed = new ParsedBounce(bounce(List.of(late)).content());
    assertThat(delayed.headers).containsEntry("subject", BounceBuilder.SUBJECT_DELAYED);
    assertThat(delayed.part(1).groups().get(1)).containsEntry("action", "delayed");
    assertThat(delayed.part(0).body()).contains("WARNING ONLY")
        .doesNotContain("could not be delivered");
    ParsedBounce mixed = new ParsedBounce(bounce(List.of(late, BOB)).content());
    assertThat(mixed.headers).containsEntry("subject", BounceBuilder.SUBJECT_FAILED);
  }

  @Test
  void nonAsciiRecipientUsesTheUtf8AddressType() {
    FailedRecipient r = FailedRecipient.failed("b\u00fccher+x@example.org", "5.1.1", null, null);
    QueuedMessage m = bounce(List.of(r));
    ParsedBounce p = new ParsedBounce(m.content());
    assertThat(p.part(1).groups().get(1))
        .containsEntry("final-recipient", "utf-8; b\\x{FC}cher\\x{2B}x@example.org");
    assertThat(p.part(1).body()).matches("\\p{ASCII}*");
    assertThat(p.part(0).headers()).containsEntry("content-type", "text/plain; charset=utf-8")
        .containsEntry("content-transfer-encoding", "8bit");
    assertThat(p.part(0).body()).contains("<b\u00fccher+x@example.org>");
    assertThat(p.headers).containsEntry("content-transfer-encoding", "8bit");
    assertThat(m.envelope().body()).isEqualTo("8BITMIME");
    assertThat(m.envelope().smtputf8()).isFalse();
  }

  @Test
  void nonAsciiSenderNeedsSmtputf8() {
    QueuedMessage m = builder.build(envelope("j\u00f6rg@example.test", "bob@example.org"),
        original(), List.of(BOB)).orElseThrow();
    assertThat(m.envelope().smtputf8()).isTrue();
    assertThat(m.envelope().recipients()).containsExactly("j\u00f6rg@example.test");
    assertThat(m.envelope().body()).isEqualTo("8BITMIME");
    assertThat(new ParsedBounce(m.content()).headers)
        .containsEntry("to", "<j\u00f6rg@example.test>");
  }

  @Test
  void eightBitOriginalHeadersAreLabelled() {
    Buffer original = Buffer.buffer("Subject: Gr\u00fc\u00dfe\r\n\r\nbody\r\n", "UTF-8");
    QueuedMessage m = builder.build(envelope("alice@example.test", "bob@example.org"), original,
        List.of(BOB)).orElseThrow();
    ParsedBounce p = new ParsedBounce(m.content());
    assertThat(p.part(2).headers()).containsEntry("content-transfer-encoding", "8bit");
    assertThat(p.part(2).body()).isEqualTo("Subject: Gr\u00fc\u00dfe\r\n");
    assertThat(m.envelope().body()).isEqualTo("8BITMIME");
  }

  @Test
  void badInputIsRefused() {
    Envelope env = envelope("alice@example.test", "bob@example.org");
    assertThatThrownBy(() -> builder.build(env, original(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FailedRecipient.failed("b@x", "550", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FailedRecipient("b@x", "5.1.1", null, null, "bounced"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BounceBuilder("mx example", Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
