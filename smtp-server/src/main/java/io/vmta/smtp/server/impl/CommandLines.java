package io.vmta.smtp.server.impl;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.CommandParser;
import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.SmtpCommand;
import io.vmta.smtp.core.SmtpSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * A command line on its way to the {@link SmtpSession}: decoded (UTF-8, RFC 6531), parsed, and
 * checked for what ends the connection before any command runs: an HTTP request, and input
 * pipelined behind a command that must end a group (RFC 2920 3.1).
 *
 * <p>An HTTP request line ({@code GET /...}, {@code POST}, {@code CONNECT}, ...) or a {@code Host:}
 * header line, at any point of the session, means a browser or proxy was made to talk to this port:
 * a cross-protocol attack (ALPACA; a form POST whose body is SMTP commands). The connection is
 * answered once, with a fixed text that repeats nothing the client sent, and closed before any
 * further line is read, as chasquid does ({@code 502 5.7.0}); Postfix does the same with
 * {@code 221 2.7.0} for its {@code smtpd_forbidden_commands} and header-like lines. 502 (command
 * not implemented) rather than a 2xx, so no SMTP client can take it for success.
 */
final class CommandLines {

  private static final Logger log = LoggerFactory.getLogger(CommandLines.class);
  private static final Reply NOT_UTF8 = Reply.of(500, "5.5.2", "Error: command line is not valid UTF-8");
  private static final Reply HTTP_REQUEST = Reply.of(502, "5.7.0", "Error: HTTP request to an SMTP server");
  /** The methods of RFC 9110 9.3 and PATCH (RFC 5789); none is an SMTP verb. */
  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private final SmtpConnection conn;
  private final SmtpSession session;

  CommandLines(SmtpConnection conn, SmtpSession session) {
    this.conn = conn;
    this.session = session;
  }

  /** One complete command line, without its CRLF. */
  void accept(Buffer line) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line.getBytes())).toString();
    } catch (CharacterCodingException e) {
      conn.error(NOT_UTF8);
      return;
    }
    if (isHttp(text)) {
      log.warn("HTTP request from [{}]: {}: closing", conn.clientIp, firstWord(text));
      conn.reply(HTTP_REQUEST);
      conn.close();
      return;
    }
    SmtpCommand cmd;
    try {
      cmd = CommandParser.parse(text);
    } catch (SmtpSyntaxException e) {
      conn.error(e.reply());
      return;
    }
    if (endsGroup(cmd) && conn.hasPendingInput()) {
      // RFC 2920 3.1: these may only be the last command of a pipelined group.
      log.warn("improper command pipelining after {} from [{}]", cmd.verb(), conn.clientIp);
      conn.reply(Replies.SYNC_ERROR);
      conn.close();
      return;
    }
    session.handle(cmd);
  }

  /** Whether {@code line} is an HTTP request line or a {@code Host:} header line (in any case). */
  static boolean isHttp(String line) {
    int space = line.indexOf(' ');
    if (space > 0 && HTTP_METHODS.contains(line.substring(0, space).toUpperCase(Locale.ROOT))) {
      return true;
    }
    return line.regionMatches(true, 0, "Host:", 0, 5);
  }

  /** The method or header name for the log: printable ASCII, at most 20 characters. */
  private static String firstWord(String line) {
    int end = line.indexOf(' ');
    String word = end < 0 ? line : line.substring(0, end);
    word = word.length() > 20 ? word.substring(0, 20) : word;
    return word.replaceAll("[^\\x21-\\x7e]", "?");
  }

  private static boolean endsGroup(SmtpCommand cmd) {
    return cmd instanceof SmtpCommand.Ehlo || cmd instanceof SmtpCommand.Helo
        || cmd instanceof SmtpCommand.Data || cmd instanceof SmtpCommand.Noop
        || cmd instanceof SmtpCommand.StartTls || cmd instanceof SmtpCommand.Auth;
  }
}
