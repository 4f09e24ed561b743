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

/**
 * A command line on its way to the {@link SmtpSession}: decoded (UTF-8, RFC 6531), parsed, and
 * checked for what ends the connection before any command runs: input pipelined behind a command
 * that must end a group (RFC 2920 3.1).
 */
final class CommandLines {

  private static final Logger log = LoggerFactory.getLogger(CommandLines.class);
  private static final Reply NOT_UTF8 = Reply.of(500, "5.5.2", "Error: command line is not valid UTF-8");

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

  private static boolean endsGroup(SmtpCommand cmd) {
    return cmd instanceof SmtpCommand.Ehlo || cmd instanceof SmtpCommand.Helo
        || cmd instanceof SmtpCommand.Data || cmd instanceof SmtpCommand.Noop
        || cmd instanceof SmtpCommand.StartTls || cmd instanceof SmtpCommand.Auth;
  }
}
