package io.vmta.smtp.relay.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.smtp.relay.client.TlsLevel;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MtaStsPolicyTest {

  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  private static MtaStsPolicy parse(String body) {
    return MtaStsPolicy.parse("Example.COM", "abc", body, NOW);
  }

  @Test
  void parsesTheExampleOfTheRfc() {
    MtaStsPolicy p = parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
        + "mx: backupmx.example.com\r\nmax_age: 604800\r\n");
    assertThat(p.domain()).isEqualTo("example.com");
    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
    assertThat(p.maxAge()).isEqualTo(604800);
    assertThat(p.expires()).isEqualTo(NOW.plusSeconds(604800));
    assertThat(p.source()).isEqualTo("mta-sts enforce, id=abc");
  }

  @Test
  void takesLfOnlyIgnoresUnknownKeysAndKeepsTheFirstOfARepeatedKey() {
    MtaStsPolicy p = parse("version: STSv1\nmode: testing\nmode: enforce\nfoo: bar\nmx:MX.Example.com.\nmax_age:86400");
    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.TESTING);
    assertThat(p.mx()).containsExactly("mx.example.com");
  }

  @Test
  void capsMaxAgeAtAYear() {
    assertThat(parse("version: STSv1\nmode: none\nmax_age: 9999999999\n").maxAge()).isEqualTo(MtaStsPolicy.MAX_AGE_LIMIT);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "mode: enforce\nmx: a.example\nmax_age: 1\n",
      "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",
      "version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n",
      "version: STSv1\nmode: enforce\nmax_age: 1\n",
      "version: STSv1\nmode: enforce\nmx: a.example\n",
      "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n",
      "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n",
      "version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 1\n",
      "version: STSv1\nmode: enforce\nmx: a example\nmax_age: 1\n",
      "<html>version: STSv1</html>\n",
      ""})
  void refusesWhatIsNotAPolicy(String body) {
    assertThatThrownBy(() -> parse(body)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
      "mail.example.com, mail.example.com, true",
      "mail.example.com, MAIL.example.com., true",
      "mail.example.com, mx.example.com, false",
      "*.example.net, mx.example.net, true",
      "*.example.net, example.net, false",
      "*.example.net, a.mx.example.net, false",
      "*.example.net, xexample.net, false"})
  void matchesMxHostsAsSection41Says(String pattern, String host, boolean matches) {
    MtaStsPolicy p = new MtaStsPolicy("example.com", "1", MtaStsPolicy.Mode.ENFORCE, List.of(pattern), 60, NOW);
    assertThat(p.matches(host)).isEqualTo(matches);
  }

  @Test
  void enforceRaisesEveryConfiguredLevelToVerifyForNamedHostsAndExcludesTheOthers() {
    MtaStsPolicy enforce = new MtaStsPolicy("example.com", "1", MtaStsPolicy.Mode.ENFORCE, List.of("mx.example.com"), 60, NOW);
    for (TlsLevel configured : TlsLevel.values()) {
      assertThat(MtaSts.level(enforce, "mx.example.com", configured)).isEqualTo(TlsLevel.VERIFY);
      assertThat(MtaSts.level(enforce, "other.example.com", configured)).isNull();
    }
    MtaStsPolicy testing = new MtaStsPolicy("example.com", "1", MtaStsPolicy.Mode.TESTING, List.of("mx.example.com"), 60, NOW);
    assertThat(MtaSts.level(testing, "other.example.com", TlsLevel.MAY)).isEqualTo(TlsLevel.MAY);
    assertThat(MtaSts.level(null, "other.example.com", TlsLevel.NONE)).isEqualTo(TlsLevel.NONE);
  }

  @Test
  void roundTripsThroughItsKeptForm() {
    MtaStsPolicy p = parse("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 60\n");
    assertThat(MtaStsPolicy.fromJson(p.toJson())).isEqualTo(p);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "v=STSv1; id=20160831085700Z;|20160831085700Z",
      "v=STSv1;id=abc|abc",
      "v=STSv1; id=abc; ext=1|abc",
      "v=STSv1; ext=1|",
      "v=STSv1; id=a-b|",
      "v=STSv1; id=123456789012345678901234567890123|",
      "v=STSv2; id=abc|",
      "V=STSv1; id=abc|"})
  void readsTheIdOfTheTxtRecord(String text, String id) {
    assertThat(StsRecord.id(List.of(text))).isEqualTo(id);
  }

  @Test
  void twoStsRecordsAreNone() {
    assertThat(StsRecord.id(List.of("v=STSv1; id=a", "v=STSv1; id=b"))).isNull();
    assertThat(StsRecord.id(List.of("v=spf1 -all", "v=STSv1; id=b"))).isEqualTo("b");
  }
}
