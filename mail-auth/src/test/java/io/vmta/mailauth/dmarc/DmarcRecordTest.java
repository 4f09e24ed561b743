package io.vmta.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The policy record's grammar (RFC 7489 6.3, 6.4) and what happens to records that break it. */
class DmarcRecordTest {

  @Test
  void everyTagIsRead() {
    DmarcRecord r = valid("v=DMARC1; p=reject; sp=quarantine; pct=20; adkim=s; aspf=s;"
        + " rua=mailto:agg@example.org,mailto:two@example.net!10m; ruf=mailto:f@example.org;"
        + " fo=1:d; rf=afrf; ri=3600;");

    assertThat(r).isEqualTo(new DmarcRecord(DmarcPolicy.REJECT, DmarcPolicy.QUARANTINE, 20,
        DmarcAlignment.STRICT, DmarcAlignment.STRICT,
        List.of("mailto:agg@example.org", "mailto:two@example.net!10m"),
        List.of("mailto:f@example.org"), "1:d", "afrf", 3600));
  }

  @Test
  void defaultsApplyToWhatIsAbsentAndSpFollowsP() {
    DmarcRecord r = valid("v=DMARC1;p=quarantine");

    assertThat(r).isEqualTo(new DmarcRecord(DmarcPolicy.QUARANTINE, DmarcPolicy.QUARANTINE, 100,
        DmarcAlignment.RELAXED, DmarcAlignment.RELAXED, List.of(), List.of(), "0", "afrf", 86400));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "v=DMARC1; p=reject; future=1; x_y=whatever",
      "v = DMARC1 ;\tp = Reject ; ",
      "v=DMARC1; p=reject; ri=soon; rua=not a uri",
      "v=DMARC1;; p=reject",
  })
  void unknownTagsFoldingWhiteSpaceAndLenientTagsKeepTheRecord(String text) {
    assertThat(valid(text).policy()).isEqualTo(DmarcPolicy.REJECT);
  }

  @Test
  void aMissingOrBadPWithAValidRuaIsPNone() {
    assertThat(valid("v=DMARC1; rua=mailto:d@example.org").policy()).isEqualTo(DmarcPolicy.NONE);
    DmarcRecord r = valid("v=DMARC1; p=reject; sp=block; rua=mailto:d@example.org");
    assertThat(r.policy()).isEqualTo(DmarcPolicy.NONE);
    assertThat(r.subdomainPolicy()).isEqualTo(DmarcPolicy.NONE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "v=DMARC1                                      | p= missing",
      "v=DMARC1; p=block                             | p= missing or not",
      "v=DMARC1; p=reject; sp=block                  | sp= not",
      "v=DMARC1; p=reject; pct=101                   | pct not 0 to 100",
      "v=DMARC1; p=reject; pct=abc                   | pct not 0 to 100",
      "v=DMARC1; p=reject; pct=-1                    | pct not 0 to 100",
      "v=DMARC1; p=reject; adkim=x                   | adkim not r or s",
      "v=DMARC1; p=reject; aspf=                     | aspf not r or s",
      "v=DMARC1; p=reject; junk                      | tag without '='",
      "v=DMARC1; p=reject; 9x=1                      | bad tag name",
      "v=DMARC1; p=reject; p=none                    | tag repeated: p",
      "v=DMARC1; p=reject; v=DMARC1                  | tag repeated: v",
  })
  void aSyntaxErrorMakesTheRecordInvalid(String text, String error) {
    DmarcRecord.Parsed parsed = DmarcRecord.parse(text);

    assertThat(parsed.record()).isNull();
    assertThat(parsed.error()).contains(error);
  }

  @ParameterizedTest
  @ValueSource(strings = {"p=reject; v=DMARC1", "v=DMARC2; p=reject", "v=dmarc1; p=reject",
      "v=DMARC1x; p=reject", "spf1 -all", ""})
  void textsThatDoNotStartWithTheVersionTagAreNoDmarcRecords(String text) {
    assertThat(DmarcRecord.isDmarc(text)).isFalse();
    assertThat(DmarcRecord.parse(text).record()).isNull();
  }

  @Test
  void anOverlongTextIsInvalidWithoutBeingParsed() {
    String text = "v=DMARC1; p=reject; x=" + "a".repeat(DmarcRecord.MAX_RECORD_LENGTH);

    assertThat(DmarcRecord.parse(text).error()).contains("longer than");
  }

  private static DmarcRecord valid(String text) {
    DmarcRecord.Parsed parsed = DmarcRecord.parse(text);
    assertThat(parsed.error()).isNull();
    return parsed.record();
  }
}
