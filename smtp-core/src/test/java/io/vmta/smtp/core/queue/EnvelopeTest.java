package io.vmta.smtp.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The envelope's JSON form, which the spool and the event bus carry. */
class EnvelopeTest {

  private final Envelope envelope = new Envelope("ID1", "a@example.test", List.of("b@example.test"),
      false, "8BITMIME", "192.0.2.1", "client.test", null, Instant.parse("2026-12-05T10:00:00Z"));

  @Test
  void quarantineSurvivesTheJsonFormAndIsLeftOutWhenFalse() {
    Envelope junk = envelope.withQuarantine(true);

    assertThat(Envelope.fromJson(junk.toJson())).isEqualTo(junk);
    assertThat(Envelope.fromJson(junk.toJson()).quarantine()).isTrue();
    assertThat(envelope.toJson().containsKey("quarantine")).isFalse();
    assertThat(Envelope.fromJson(envelope.toJson())).isEqualTo(envelope);
  }

  @Test
  void aSpoolRecordWrittenBeforeQuarantineExistedReadsAsInbox() {
    JsonObject old = envelope.toJson();
    old.remove("quarantine");

    assertThat(Envelope.fromJson(old).quarantine()).isFalse();
  }

  @Test
  void anotherIdOrOtherRecipientsKeepTheQuarantine() {
    Envelope junk = envelope.withQuarantine(true);

    assertThat(junk.withId("ID2").quarantine()).isTrue();
    assertThat(junk.withRecipients(List.of("c@example.test")).quarantine()).isTrue();
  }

  @Test
  void requireTlsSurvivesTheJsonFormAndIsLeftOutWhenFalse() {
    Envelope required = envelope.withRequireTls(true);

    assertThat(Envelope.fromJson(required.toJson())).isEqualTo(required);
    assertThat(Envelope.fromJson(required.toJson()).requireTls()).isTrue();
    assertThat(envelope.toJson().containsKey("requireTls")).isFalse();
    JsonObject old = required.toJson();
    old.remove("requireTls");
    assertThat(Envelope.fromJson(old).requireTls()).isFalse();
  }

  @Test
  void everyCopyKeepsRequireTlsAndQuarantineApart() {
    Envelope required = envelope.withRequireTls(true);

    assertThat(required.withId("ID2").requireTls()).isTrue();
    assertThat(required.withRecipients(List.of("c@example.test")).requireTls()).isTrue();
    assertThat(required.withQuarantine(true).requireTls()).isTrue();
    assertThat(required.withQuarantine(true).quarantine()).isTrue();
    assertThat(envelope.withQuarantine(true).withRequireTls(true).quarantine()).isTrue();
  }
}
