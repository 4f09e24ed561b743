package io.vmta.smtp.core;

import java.util.Map;
import java.util.Objects;

/**
 * Parses one SMTP command line, without its CRLF and already decoded from UTF-8, into an
 * {@link SmtpCommand} (RFC 5321 section 4.1.1, RFC 1870, RFC 3030, RFC 3207, RFC 4954, RFC 6152,
 * RFC 6531, RFC 8689). Unknown verbs give {@link SmtpCommand.Unknown}; bad arguments throw
 * {@link SmtpSyntaxException} carrying the reply to send. The 512-octet line limit is the line
 * reader's job, not this class's.
 */
public final class CommandParser {

  private CommandParser() {
  }

  /** Parses {@code line}; throws {@link SmtpSyntaxException} when the verb is known but the arguments are bad. */
  public static SmtpCommand parse(String line) {
    Objects.requireNonNull(line, "line");
    // RFC 5321 section 4.1.1 separates with SP only: TAB and every other control character is refused.
    if (Ascii.hasControl(line)) {
      throw new SmtpSyntaxException(Replies.CONTROL_CHARACTERS);
    }
    // Trailing spaces are tolerated, as deployed servers do: "QUIT " is still QUIT.
    String text = stripTrailingSpaces(line);
    int space = text.indexOf(' ');
    String verb = Ascii.upper(space < 0 ? text : text.substring(0, space));
    String argument = space < 0 ? null : text.substring(space + 1);
    switch (verb) {
      case "HELO":
        return new SmtpCommand.Helo(heloArgument(argument));
      case "EHLO":
        return new SmtpCommand.Ehlo(heloArgument(argument));
      case "MAIL":
        return mail(argument);
      case "RCPT":
        return rcpt(argument);
      case "DATA":
        return noArgument(argument, new SmtpCommand.Data());
      case "BDAT":
        return bdat(argument);
      case "RSET":
        return noArgument(argument, new SmtpCommand.Rset());
      case "QUIT":
        return noArgument(argument, new SmtpCommand.Quit());
      case "STARTTLS":
        return noArgument(argument, new SmtpCommand.StartTls());
      case "NOOP":
        return new SmtpCommand.Noop();
      case "HELP":
        return new SmtpCommand.Help(argument == null ? "" : argument);
      case "VRFY":
        return new SmtpCommand.Vrfy(required(argument));
      case "EXPN":
        return new SmtpCommand.Expn(required(argument));
      case "AUTH":
        return auth(argument);
      default:
        return new SmtpCommand.Unknown(verb);
    }
  }

  /** HELO/EHLO argument: a domain or an address literal (RFC 5321 section 4.1.1.1), kept as given. */
  private static String heloArgument(String argument) {
    String domain = required(argument);
    try {
      Domain.parse(domain);
    } catch (IllegalArgumentException e) {
      throw syntax("Error: invalid domain name: " + e.getMessage());
    }
    return domain;
  }

  /** {@code MAIL FROM:<reverse-path> [SP Mail-parameters]} (RFC 5321 section 4.1.1.2). */
  private static SmtpCommand mail(String argument) {
    PathParser.PathAndParams parsed = PathParser.split(argument, "FROM:");
    MailAddress sender = null;
    if (!parsed.nullPath()) {
      sender = PathParser.address(parsed.path(), false);
    }
    Map<String, String> params = PathParser.parameters(parsed.params());
    Long size = null;
    if (params.containsKey("SIZE")) {
      size = size(params.remove("SIZE"));
    }
    BodyType body = null;
    if (params.containsKey("BODY")) {
      String bodyText = params.remove("BODY");
      try {
        body = BodyType.fromKeyword(bodyText);
      } catch (IllegalArgumentException e) {
        throw syntax("Error: BODY must be 7BIT, 8BITMIME or BINARYMIME");
      }
    }
    boolean smtputf8 = params.containsKey("SMTPUTF8");
    if (smtputf8 && params.remove("SMTPUTF8") != null) {
      // RFC 6531 section 3.4: SMTPUTF8 takes no value.
      throw syntax("Error: SMTPUTF8 takes no value");
    }
    AuthParameter auth = null;
    // RFC 4954 section 5: AUTH=xtext of an addr-spec or of "<>"; the server decides whether to trust it.
    if (params.containsKey("AUTH")) {
      try {
        auth = AuthParameter.parse(params.remove("AUTH"));
      } catch (IllegalArgumentException e) {
        throw syntax("Error: AUTH must be xtext of an address or <>");
      }
    }
    boolean requireTls = params.containsKey("REQUIRETLS");
    if (requireTls && params.remove("REQUIRETLS") != null) {
      // RFC 8689 section 2: REQUIRETLS takes no value (a repetition is refused as a duplicate above).
      throw syntax("Error: REQUIRETLS takes no value");
    }
    return new SmtpCommand.MailFrom(sender, new MailParameters(size, body, smtputf8, params, auth, requireTls));
  }

  /** {@code RCPT TO:<forward-path> [SP Rcpt-parameters]} (RFC 5321 section 4.1.1.3). */
  private static SmtpCommand rcpt(String argument) {
    PathParser.PathAndParams parsed = PathParser.split(argument, "TO:");
    if (parsed.nullPath()) {
      throw new SmtpSyntaxException(Reply.of(501, "5.1.3", "Error: RCPT TO needs an address"));
    }
    MailAddress recipient = PathParser.address(parsed.path(), true);
    return new SmtpCommand.RcptTo(recipient, PathParser.parameters(parsed.params()));
  }

  /** SIZE=1*20DIGIT that fits a long (RFC 1870 section 3). */
  private static long size(String value) {
    if (value == null || value.length() > 20 || !Ascii.isDigits(value)) {
      throw syntax("Error: SIZE must be 1 to 20 digits");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw syntax("Error: SIZE is too large");
    }
  }

  /** {@code BDAT chunk-size [SP "LAST"]}, chunk-size 1*18DIGIT (RFC 3030 section 2). */
  private static SmtpCommand bdat(String argument) {
    String[] parts = required(argument).split(" ", -1);
    if (parts.length > 2 || parts[0].length() > 18 || !Ascii.isDigits(parts[0])) {
      throw syntax("Syntax: BDAT <size> [LAST]");
    }
    boolean last = parts.length == 2;
    if (last && !Ascii.upper(parts[1]).equals("LAST")) {
      throw syntax("Syntax: BDAT <size> [LAST]");
    }
    return new SmtpCommand.Bdat(Long.parseLong(parts[0]), last);
  }

  /** {@code AUTH mechanism [SP initial-response]} (RFC 4954 section 4); sasl-mech per RFC 4422 section 3.1. */
  private static SmtpCommand auth(String argument) {
    String[] parts = required(argument).split(" ", -1);
    String mechanism = Ascii.upper(parts[0]);
    if (parts.length > 2 || mechanism.isEmpty() || mechanism.length() > 20
        || !mechanism.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
      throw syntax("Syntax: AUTH <mechanism> [initial-response]");
    }
    String initial = parts.length == 2 ? parts[1] : null;
    if (initial != null && !initial.equals("=") && !isBase64(initial)) {
      throw syntax("Error: initial response must be base64 or =");
    }
    return new SmtpCommand.Auth(mechanism, initial);
  }

  /** Base64 alphabet with at most two trailing pad characters (RFC 4648 section 4). */
  private static boolean isBase64(String s) {
    int end = s.length();
    while (end > 0 && s.length() - end < 2 && s.charAt(end - 1) == '=') {
      end--;
    }
    if (end == 0) {
      return false;
    }
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static SmtpCommand noArgument(String argument, SmtpCommand command) {
    if (argument != null) {
      throw syntax("Error: " + command.verb() + " takes no argument");
    }
    return command;
  }

  private static String required(String argument) {
    if (argument == null || argument.isEmpty()) {
      throw syntax("Error: argument required");
    }
    return argument;
  }

  private static String stripTrailingSpaces(String line) {
    int end = line.length();
    while (end > 0 && line.charAt(end - 1) == ' ') {
      end--;
    }
    return line.substring(0, end);
  }

  /** A 501 5.5.4 with the given text, which must not echo client input. */
  static SmtpSyntaxException syntax(String text) {
    return new SmtpSyntaxException(Replies.SYNTAX_ERROR_PARAMETERS.withText(text));
  }
}
