package io.vmta.smtp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** MAIL FROM and RCPT TO: paths, addresses and ESMTP parameters. */
class MailRcptParserTest {

  private static final String DOMAIN_200 = String.join(".", "d".repeat(63), "d".repeat(63), "d".repeat(63), "d".repeat(8));

  static Stream<Arguments> validMail() {
    return Stream.of(
        mail("MAIL FROM:<alice@example.com>", "alice@example.com", MailParameters.NONE),
        mail("mail from:<alice@example.com>", "alice@example.com", MailParameters.NONE),
        mail("MAIL FROM: <alice@example.com>", "alice@example.com", MailParameters.NONE),
        mail("MAIL FROM:<alice@example.com>  ", "alice@example.com", MailParameters.NONE),
        mail("MAIL FROM:<>", null, MailParameters.NONE),
        mail("MAIL FROM:<> SIZE=1000", null, new MailParameters(1000L, null, false, null)),
        mail("MAIL FROM:<alice@example.com> SIZE=12345 BODY=8BITMIME SMTPUTF8", "alice@example.com",
            new MailParameters(12345L, BodyType.EIGHT_BIT_MIME, true, null)),
        mail("MAIL FROM:<alice@example.com> body=binarymime size=0 smtputf8", "alice@example.com",
            new MailParameters(0L, BodyType.BINARY_MIME, true, null)),
        mail("MAIL FROM:<a@example.com> BODY=7BIT", "a@example.com", new MailParameters(null, BodyType.SEVEN_BIT, false, null)),
        mail("MAIL FROM:<a@example.com> SIZE=9223372036854775807", "a@example.com",
            new MailParameters(Long.MAX_VALUE, null, false, null)),
        mail("MAIL FROM:<a@example.com> SIZE=00000000000000000001", "a@example.com", new MailParameters(1L, null, false, null)),
        mail("MAIL FROM:<jürgen@bücher.example> SMTPUTF8", "jürgen@bücher.example", new MailParameters(null, null, true, null)),
        mail("MAIL FROM:<用户@例え.テスト> SMTPUTF8", "用户@例え.テスト", new MailParameters(null, null, true, null)),
        mail("MAIL FROM:<@a.example,@[192.0.2.1]:alice@example.com>", "alice@example.com", MailParameters.NONE),
        mail("MAIL FROM:<@[IPv6:::1]:alice@example.com>", "alice@example.com", MailParameters.NONE),
        mail("MAIL FROM:<\"john doe\"@example.com>", "\"john doe\"@example.com", MailParameters.NONE),
        mail("MAIL FROM:<\"a>b\\\"c\"@example.com> SIZE=1", "\"a>b\\\"c\"@example.com", new MailParameters(1L, null, false, null)),
        mail("MAIL FROM:<alice@[192.0.2.1]>", "alice@[192.0.2.1]", MailParameters.NONE),
        mail("MAIL FROM:<Postmaster@example.com>", "Postmaster@example.com", MailParameters.NONE),
        mail("MAIL FROM:<a@example.com> AUTH=<> ret=HDRS ENVID=QQ314159 XFOO X-UTF8=wert€", "a@example.com",
            new MailParameters(null, null, false,
                map("RET", "HDRS", "ENVID", "QQ314159", "XFOO", null, "X-UTF8", "wert€"), AuthParameter.UNKNOWN)),
        // RFC 4954 section 5: AUTH=<> (Postfix's smtp_send_dummy_mail_auth) and AUTH=xtext(addr-spec).
        mail("MAIL FROM:<> AUTH=<>", null, new MailParameters(null, null, false, null, AuthParameter.UNKNOWN)),
        mail("MAIL FROM:<a@example.com> auth=+3C+3e SIZE=1", "a@example.com",
            new MailParameters(1L, null, false, null, AuthParameter.UNKNOWN)),
        mail("MAIL FROM:<a@example.com> AUTH=alice+2Btag@example.com", "a@example.com", new MailParameters(null, null,
            false, null, new AuthParameter(MailAddress.parse("alice+tag@example.com")))),
        mail("MAIL FROM:<a@example.com> AUTH=+22a+20b+22@[192.0.2.1]", "a@example.com", new MailParameters(null, null,
            false, null, new AuthParameter(MailAddress.parse("\"a b\"@[192.0.2.1]")))),
        // RFC 8689 section 2: REQUIRETLS, a keyword without value, in any case and position.
        mail("MAIL FROM:<a@example.com> REQUIRETLS", "a@example.com",
            new MailParameters(null, null, false, null, null, true)),
        mail("MAIL FROM:<> SIZE=10 requiretls SMTPUTF8", null,
            new MailParameters(10L, null, true, null, null, true)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("validMail")
  void parsesMailFrom(String line, SmtpCommand.MailFrom expected) {
    SmtpCommand.MailFrom parsed = (SmtpCommand.MailFrom) CommandParser.parse(line);
    assertThat(parsed).isEqualTo(expected);
    assertThat(parsed.params().other()).containsExactlyEntriesOf(expected.params().other());
  }

  static Stream<Arguments> validRcpt() {
    return Stream.of(
        rcpt("RCPT TO:<bob@example.com>", MailAddress.parse("bob@example.com"), Map.of()),
        rcpt("rcpt to: <bob@example.com>", MailAddress.parse("bob@example.com"), Map.of()),
        rcpt("RCPT TO:<Postmaster>", MailAddress.postmaster(), Map.of()),
        rcpt("RCPT TO:<postMASTER>", MailAddress.postmaster(), Map.of()),
        rcpt("RCPT TO:<postmaster@example.com>", MailAddress.parse("postmaster@example.com"), Map.of()),
        rcpt("RCPT TO:<@relay.example:bob@example.com>", MailAddress.parse("bob@example.com"), Map.of()),
        rcpt("RCPT TO:<用户@例え.テスト>", MailAddress.parse("用户@xn--r8jz45g.xn--zckzah"), Map.of()),
        rcpt("RCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE orcpt=rfc822;bob@example.com XKEY",
            MailAddress.parse("bob@example.com"),
            map("NOTIFY", "SUCCESS,FAILURE", "ORCPT", "rfc822;bob@example.com", "XKEY", null)),
        rcpt("RCPT TO:<bob@example.com> SIZE=5 SMTPUTF8", MailAddress.parse("bob@example.com"),
            map("SIZE", "5", "SMTPUTF8", null)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("validRcpt")
  void parsesRcptTo(String line, MailAddress recipient, Map<String, String> params) {
    SmtpCommand.RcptTo parsed = (SmtpCommand.RcptTo) CommandParser.parse(line);
    assertThat(parsed.recipient()).isEqualTo(recipient);
    assertThat(parsed.recipient().domain()).isEqualTo(recipient.domain());
    assertThat(parsed.params()).containsExactlyEntriesOf(params);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "MAIL | 501 | 5.5.4",
      "MAIL FROM | 501 | 5.5.4",
      "MAIL FROM: | 501 | 5.5.4",
      "MAIL TO:<a@b.example> | 501 | 5.5.4",
      "MAIL FROM:alice@example.com | 501 | 5.5.4",
      "MAIL FROM:<alice@example.com | 501 | 5.5.4",
      "MAIL FROM:  <a@b.example> | 501 | 5.5.4",
      "MAIL FROM :<a@b.example> | 501 | 5.5.4",
      "MAIL  FROM:<a@b.example> | 501 | 5.5.4",
      "MAIL FROM<a@b.example> | 501 | 5.5.4",
      "MAIL FROM:<a@b.example>SIZE=1 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example>  SIZE=1 | 501 | 5.5.4",
      "MAIL FROM:<<a@b.example>> | 501 | 5.5.4",
      "MAIL FROM:<alice> | 553 | 5.1.3",
      "MAIL FROM:<Postmaster> | 553 | 5.1.3",
      "MAIL FROM:<a..b@example.com> | 553 | 5.1.3",
      "MAIL FROM:<a b@example.com> | 553 | 5.1.3",
      "MAIL FROM:<a@-example.com> | 553 | 5.1.3",
      "MAIL FROM:<a@example.com.> | 553 | 5.1.3",
      "MAIL FROM:<a@b_c.example> | 553 | 5.1.3",
      "MAIL FROM:<a@[192.0.2.300]> | 553 | 5.1.3",
      "MAIL FROM:<@a.example:> | 553 | 5.1.3",
      "MAIL FROM:<@a..example:alice@example.com> | 553 | 5.1.3",
      "MAIL FROM:<@a.example,b.example:alice@example.com> | 553 | 5.1.3",
      "MAIL FROM:<@a.example alice@example.com> | 553 | 5.1.3",
      "MAIL FROM:<@:alice@example.com> | 553 | 5.1.3",
      "MAIL FROM:<a@b.example> SIZE=abc | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SIZE= | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SIZE | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SIZE=-1 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SIZE=+1 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SIZE=123456789012345678901 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SIZE=99999999999999999999 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SIZE=9223372036854775808 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SIZE=١٢٣ | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SIZE=1 SIZE=2 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> size=1 SIZE=1 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> BODY=8BIT | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> BODY | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> BODY= | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> BODY=7BIT BODY=8BITMIME | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SMTPUTF8=yes | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SMTPUTF8= | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> SMTPUTF8 smtputf8 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> REQUIRETLS=yes | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> REQUIRETLS= | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> REQUIRETLS RequireTLS | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> -X=1 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> X_Y=1 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> =1 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> X=a=b | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> ü=1 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> XFOO XFOO | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH= | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH=alice | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH=<alice@example.com> | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH=a+2 | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH=a+ZZb@example.com | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH=a+0Db@example.com | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH=a+C3+BC@example.com | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH=jürgen@example.com | 501 | 5.5.4",
      "MAIL FROM:<a@b.example> AUTH=<> AUTH=<> | 501 | 5.5.4",
      "RCPT | 501 | 5.5.4",
      "RCPT TO:<> | 501 | 5.1.3",
      "RCPT TO:<> NOTIFY=NEVER | 501 | 5.1.3",
      "RCPT TO:bob@example.com | 501 | 5.5.4",
      "RCPT FROM:<bob@example.com> | 501 | 5.5.4",
      "RCPT TO:<bob@example.com>x | 501 | 5.5.4",
      "RCPT TO:<bob> | 553 | 5.1.3",
      "RCPT TO:<@a.example:Postmaster> | 553 | 5.1.3",
      "RCPT TO:<bob@@example.com> | 553 | 5.1.3",
      "RCPT TO:<\"bob\"x@example.com> | 553 | 5.1.3",
      "RCPT TO:<bob@example.com> NOTIFY=A NOTIFY=B | 501 | 5.5.4",
      "RCPT TO:<bob@example.com> X= | 501 | 5.5.4",
      "RCPT TO:<bob@example.com> X.Y=1 | 501 | 5.5.4",
  })
  void refusesBadMailAndRcpt(String line, int code, String status) {
    SmtpSyntaxException e = catchThrowableOfType(SmtpSyntaxException.class, () -> CommandParser.parse(line));
    assertThat(e).as("exception for %s", line).isNotNull();
    assertThat(e.reply().code()).isEqualTo(code);
    assertThat(e.reply().status()).hasToString(status);
  }

  @Test
  void localPartLimitIs64Octets() {
    assertThat(CommandParser.parse("MAIL FROM:<" + "a".repeat(64) + "@example.com>")).isInstanceOf(SmtpCommand.MailFrom.class);
    assertBadAddress("MAIL FROM:<" + "a".repeat(65) + "@example.com>", "local part longer than 64 octets");
    assertBadAddress("RCPT TO:<" + "ü".repeat(33) + "@example.com>", "local part longer than 64 octets");
  }

  @Test
  void domainLimits() {
    assertBadAddress("RCPT TO:<bob@" + "d".repeat(64) + ".example>", "label longer than 63");
    assertThat(CommandParser.parse("RCPT TO:<bob@" + DOMAIN_200 + ">")).isInstanceOf(SmtpCommand.RcptTo.class);
    String domain256 = String.join(".", "d".repeat(63), "d".repeat(63), "d".repeat(63), "d".repeat(63), "ddd");
    SmtpSyntaxException e = catchThrowableOfType(SmtpSyntaxException.class,
        () -> CommandParser.parse("RCPT TO:<b@" + domain256 + ">"));
    assertThat(e.reply().code()).isEqualTo(501);
    assertThat(e).hasMessageContaining("path longer than 256 octets");
  }

  @Test
  void pathLimitIs256OctetsWithBrackets() {
    String address254 = "a".repeat(64) + "@" + String.join(".", "d".repeat(63), "d".repeat(63), "d".repeat(61));
    assertThat(address254).hasSize(254);
    SmtpCommand.MailFrom mail = (SmtpCommand.MailFrom) CommandParser.parse("MAIL FROM:<" + address254 + ">");
    assertThat(mail.sender()).hasToString(address254);
    SmtpSyntaxException e = catchThrowableOfType(SmtpSyntaxException.class,
        () -> CommandParser.parse("MAIL FROM:<a" + address254.substring(1) + "d>"));
    assertThat(e.reply().format(true)).isEqualTo("501 5.5.4 Error: path longer than 256 octets\r\n");
    // The source route counts: RFC 5321 section 4.5.3.1.3 limits the whole path.
    e = catchThrowableOfType(SmtpSyntaxException.class,
        () -> CommandParser.parse("MAIL FROM:<@r.example:" + address254 + ">"));
    assertThat(e.reply().code()).isEqualTo(501);
  }

  @Test
  void repliesNeverEchoLongClientInput() {
    String junk = "x".repeat(150);
    for (String line : new String[] {"MAIL FROM:<" + junk + ">", "MAIL FROM:<a@b.example> " + junk + "=1=2",
        "RCPT TO:<a@" + junk + ".example>", "EHLO " + junk + "_", "BDAT " + junk, "AUTH " + junk}) {
      SmtpSyntaxException e = catchThrowableOfType(SmtpSyntaxException.class, () -> CommandParser.parse(line));
      assertThat(e).as(line).isNotNull();
      assertThat(e.getMessage()).doesNotContain("xxxxxxxxxx").hasSizeLessThan(120);
    }
  }

  @Test
  void senderRemembersWhetherItNeedsSmtputf8() {
    assertThat(((SmtpCommand.MailFrom) CommandParser.parse("MAIL FROM:<a@bücher.example>")).sender().isAscii()).isFalse();
    assertThat(((SmtpCommand.MailFrom) CommandParser.parse("MAIL FROM:<a@xn--bcher-kva.example>")).sender().isAscii())
        .isTrue();
    assertThat(((SmtpCommand.MailFrom) CommandParser.parse("MAIL FROM:<>")).params().effectiveBody())
        .isEqualTo(BodyType.SEVEN_BIT);
  }

  @Test
  void anAuthValueIsKeptOnlyFromATrustedClient() {
    MailParameters asserted = ((SmtpCommand.MailFrom) CommandParser.parse(
        "MAIL FROM:<a@example.com> AUTH=alice@example.com SIZE=5")).params();
    assertThat(asserted.trustingAuth(true)).isSameAs(asserted);
    // RFC 4954 section 5: an untrusted client's AUTH is treated as AUTH=<>; the rest stays.
    assertThat(asserted.trustingAuth(false))
        .isEqualTo(new MailParameters(5L, null, false, null, AuthParameter.UNKNOWN));
    assertThat(MailParameters.NONE.trustingAuth(false)).isSameAs(MailParameters.NONE);
    assertThat(asserted.auth().toXtext()).isEqualTo("alice@example.com");
    assertThat(AuthParameter.UNKNOWN.toXtext()).isEqualTo("<>");
  }

  private static void assertBadAddress(String line, String why) {
    SmtpSyntaxException e = catchThrowableOfType(SmtpSyntaxException.class, () -> CommandParser.parse(line));
    assertThat(e).as(line).isNotNull();
    assertThat(e.reply().code()).isEqualTo(553);
    assertThat(e.reply().status()).hasToString("5.1.3");
    assertThat(e).hasMessageContaining(why);
  }

  private static Arguments mail(String line, String sender, MailParameters params) {
    return Arguments.of(line, new SmtpCommand.MailFrom(sender == null ? null : MailAddress.parse(sender), params));
  }

  private static Arguments rcpt(String line, MailAddress recipient, Map<String, String> params) {
    return Arguments.of(line, recipient, params);
  }

  /** An ordered map that allows null values, from key-value pairs. */
  private static Map<String, String> map(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
