package io.vmta.smtp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Verbs other than MAIL and RCPT, and the rules shared by all lines; see {@link MailRcptParserTest}. */
class CommandParserTest {

  static Stream<Arguments> validLines() {
    return Stream.of(
        Arguments.of("HELO example.com", new SmtpCommand.Helo("example.com")),
        Arguments.of("helo Example.COM", new SmtpCommand.Helo("Example.COM")),
        Arguments.of("EHLO mx.example.com", new SmtpCommand.Ehlo("mx.example.com")),
        Arguments.of("EhLo [192.0.2.1]", new SmtpCommand.Ehlo("[192.0.2.1]")),
        Arguments.of("EHLO [IPv6:2001:db8::1]", new SmtpCommand.Ehlo("[IPv6:2001:db8::1]")),
        Arguments.of("EHLO bücher.example", new SmtpCommand.Ehlo("bücher.example")),
        Arguments.of("EHLO localhost  ", new SmtpCommand.Ehlo("localhost")),
        Arguments.of("DATA", new SmtpCommand.Data()),
        Arguments.of("data", new SmtpCommand.Data()),
        Arguments.of("DATA ", new SmtpCommand.Data()),
        Arguments.of("RSET", new SmtpCommand.Rset()),
        Arguments.of("QUIT", new SmtpCommand.Quit()),
        Arguments.of("quit   ", new SmtpCommand.Quit()),
        Arguments.of("STARTTLS", new SmtpCommand.StartTls()),
        Arguments.of("StartTLS", new SmtpCommand.StartTls()),
        Arguments.of("NOOP", new SmtpCommand.Noop()),
        Arguments.of("NOOP anything at all: <>=\"", new SmtpCommand.Noop()),
        Arguments.of("HELP", new SmtpCommand.Help("")),
        Arguments.of("help MAIL", new SmtpCommand.Help("MAIL")),
        Arguments.of("VRFY alice", new SmtpCommand.Vrfy("alice")),
        Arguments.of("VRFY Alice Smith <alice@example.com>", new SmtpCommand.Vrfy("Alice Smith <alice@example.com>")),
        Arguments.of("EXPN staff", new SmtpCommand.Expn("staff")),
        Arguments.of("BDAT 100", new SmtpCommand.Bdat(100, false)),
        Arguments.of("BDAT 0 LAST", new SmtpCommand.Bdat(0, true)),
        Arguments.of("bdat 5 last", new SmtpCommand.Bdat(5, true)),
        Arguments.of("BDAT 999999999999999999 LAST", new SmtpCommand.Bdat(999_999_999_999_999_999L, true)),
        Arguments.of("AUTH PLAIN", new SmtpCommand.Auth("PLAIN", null)),
        Arguments.of("auth plain AGFsaWNlAHNlY3JldA==", new SmtpCommand.Auth("PLAIN", "AGFsaWNlAHNlY3JldA==")),
        Arguments.of("AUTH PLAIN =", new SmtpCommand.Auth("PLAIN", "=")),
        Arguments.of("AUTH LOGIN YWxpY2U=", new SmtpCommand.Auth("LOGIN", "YWxpY2U=")),
        Arguments.of("AUTH CRAM-MD5", new SmtpCommand.Auth("CRAM-MD5", null)),
        Arguments.of("AUTH x_y-1", new SmtpCommand.Auth("X_Y-1", null)),
        Arguments.of("AUTH ABCDEFGHIJKLMNOPQRST", new SmtpCommand.Auth("ABCDEFGHIJKLMNOPQRST", null)),
        Arguments.of("", new SmtpCommand.Unknown("")),
        Arguments.of("   ", new SmtpCommand.Unknown("")),
        Arguments.of("FOO bar", new SmtpCommand.Unknown("FOO")),
        Arguments.of("mailx FROM:<a@b.example>", new SmtpCommand.Unknown("MAILX")),
        Arguments.of("GET / HTTP/1.1", new SmtpCommand.Unknown("GET")),
        // Dotless i must not fold to I: this is not QUIT.
        Arguments.of("quıt", new SmtpCommand.Unknown("QUıT")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("validLines")
  void parsesValidLines(String line, SmtpCommand expected) {
    assertThat(CommandParser.parse(line)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "HELO | 501 | 5.5.4",
      "EHLO | 501 | 5.5.4",
      "EHLO    | 501 | 5.5.4",
      "EHLO  example.com | 501 | 5.5.4",
      "EHLO example.com extra | 501 | 5.5.4",
      "EHLO -bad.example | 501 | 5.5.4",
      "EHLO a..b | 501 | 5.5.4",
      "EHLO example.com. | 501 | 5.5.4",
      "EHLO under_score.example | 501 | 5.5.4",
      "HELO [192.0.2] | 501 | 5.5.4",
      "HELO [IPv6:1::2::3] | 501 | 5.5.4",
      "DATA x | 501 | 5.5.4",
      "RSET now | 501 | 5.5.4",
      "QUIT please | 501 | 5.5.4",
      "STARTTLS x | 501 | 5.5.4",
      "VRFY | 501 | 5.5.4",
      "EXPN | 501 | 5.5.4",
      "BDAT | 501 | 5.5.4",
      "BDAT x | 501 | 5.5.4",
      "BDAT -1 | 501 | 5.5.4",
      "BDAT +1 | 501 | 5.5.4",
      "BDAT 1 FIRST | 501 | 5.5.4",
      "BDAT 1 LAST x | 501 | 5.5.4",
      "BDAT 1  LAST | 501 | 5.5.4",
      "BDAT  1 | 501 | 5.5.4",
      "BDAT 1234567890123456789 | 501 | 5.5.4",
      "BDAT 1 LASTX | 501 | 5.5.4",
      "AUTH | 501 | 5.5.4",
      "AUTH  PLAIN | 501 | 5.5.4",
      "AUTH PLAIN a b | 501 | 5.5.4",
      "AUTH ABCDEFGHIJKLMNOPQRSTU | 501 | 5.5.4",
      "AUTH PL@IN | 501 | 5.5.4",
      "AUTH PLAİN | 501 | 5.5.4",
      "AUTH PLAIN abc$ | 501 | 5.5.4",
      "AUTH PLAIN === | 501 | 5.5.4",
      "AUTH PLAIN a=b | 501 | 5.5.4",
      "AUTH PLAIN == | 501 | 5.5.4",
  })
  void refusesBadArguments(String line, int code, String status) {
    SmtpSyntaxException e = catchThrowableOfType(SmtpSyntaxException.class, () -> CommandParser.parse(line));
    assertThat(e).as("exception for %s", line).isNotNull();
    assertThat(e.reply().code()).isEqualTo(code);
    assertThat(e.reply().status()).hasToString(status);
    assertThat(e).hasMessage(e.reply().text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "DATA\r", "QUIT\n", "HELO\texample.com", "EHLO exa\u001Bmple.com", "NOOP \u0007",
      "HELP\u007F", "NOOP \u0085", "MAIL FROM:<a\u0000b@example.com>", "MAIL FROM:<a@b.example> SIZE=1\u0000",
      "MAIL FROM:<a@b.example> X-KEY=va\u0085lue", "MAIL FROM:<a@b.example>\tSIZE=1", "RCPT TO:<b@exa\tmple.com>",
      "RCPT TO:<b@example.com>\u007F", "RCPT TO:<\"b\u0001\"@example.com>", "AUTH PLAIN AGFsaWNl\r\nQUIT",
      "FOO \u0000", "\u0000QUIT", "NOOP \uDC00"})
  void refusesControlCharactersInEveryCommand(String line) {
    SmtpSyntaxException e = catchThrowableOfType(SmtpSyntaxException.class, () -> CommandParser.parse(line));
    assertThat(e).isNotNull();
    assertThat(e.reply()).isEqualTo(Replies.CONTROL_CHARACTERS);
    assertThat(e.reply().format(true)).isEqualTo("501 5.5.2 Error: control characters not allowed\r\n");
  }

  @ParameterizedTest
  @CsvSource({"HELO x, HELO", "EHLO x, EHLO", "MAIL FROM:<>, MAIL", "RCPT TO:<a@b.example>, RCPT", "DATA, DATA",
      "BDAT 1, BDAT", "RSET, RSET", "NOOP, NOOP", "QUIT, QUIT", "STARTTLS, STARTTLS", "VRFY x, VRFY", "EXPN x, EXPN",
      "HELP, HELP", "AUTH PLAIN, AUTH", "xyzzy, XYZZY"})
  void everyCommandNamesItsVerb(String line, String verb) {
    assertThat(CommandParser.parse(line).verb()).isEqualTo(verb);
  }

  @Test
  void authInitialResponseStaysOutOfToString() {
    SmtpCommand auth = CommandParser.parse("AUTH PLAIN AGFsaWNlAHNlY3JldA==");
    assertThat(auth.toString()).doesNotContain("AGFsaWNl").contains("PLAIN");
  }
}
