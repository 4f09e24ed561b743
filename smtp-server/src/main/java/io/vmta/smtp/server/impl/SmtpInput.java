package io.vmta.smtp.server.impl;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.auth.AuthReplies;
import io.vmta.smtp.auth.sasl.SaslMechanisms;
import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.codec.BdatDecoder;
import io.vmta.smtp.core.codec.CommandLineReader;
import io.vmta.smtp.core.codec.CommandLineReader.LineResult;
import io.vmta.smtp.core.codec.DataDecoder;

import java.nio.charset.StandardCharsets;

/**
 * The bytes a client has sent and the session has not read yet, cut into what it expects next: a
 * command line, a DATA body, a BDAT chunk or an AUTH response line. The rest of an overlong line is
 * skipped up to its CRLF. Only CRLF ends a line; the decoders work on the bytes, without a String
 * per data line. Used on the connection's event loop only.
 */
final class SmtpInput {

  /** What the connection does with each piece the input yields. */
  interface Reader {
    /** A complete command line, without its CRLF; {@link #hasPending()} tells whether more follows. */
    void commandLine(Buffer line);

    /** A command line that cannot be read: too long, or with a bare CR or LF. */
    void badCommandLine(Reply reply);

    /** The DATA body is complete (or was refused by {@code data}). */
    void dataEnded(DataDecoder data);

    /** The current BDAT chunk is complete. */
    void chunkEnded(BdatDecoder chunk);
  }

  private enum Mode { COMMAND, DISCARD_LINE, DATA, BDAT, AUTH_LINE }

  private static final Reply BARE_LINE_END = Reply.of(500, "5.5.2", "Error: bare CR or LF in command line");

  private final Reader reader;
  private final int maxCommandLine;
  private Buffer input = Buffer.buffer();
  private int pos;
  private Mode mode = Mode.COMMAND;
  private DataDecoder data;
  private BdatDecoder bdat;
  private AuthExchange auth;

  SmtpInput(Reader reader, int maxCommandLine) {
    this.reader = reader;
    this.maxCommandLine = maxCommandLine;
  }

  /** Adds bytes received from the client. */
  void append(Buffer chunk) {
    if (pos >= input.length()) {
      input = chunk;
      pos = 0;
    } else {
      input.appendBuffer(chunk);
    }
  }

  /** Whether bytes received have not been read yet. */
  boolean hasPending() {
    return pos < input.length();
  }

  /** Whether a message body (DATA or a BDAT chunk) is being read: the data timeout applies. */
  boolean readingMessage() {
    return mode == Mode.DATA || mode == Mode.BDAT;
  }

  /** Whether the next bytes are a command line. */
  boolean betweenCommands() {
    return mode == Mode.COMMAND;
  }

  /** Forgets every byte not read yet (STARTTLS: nothing sent before the handshake is read). */
  void discardPending() {
    input = Buffer.buffer();
    pos = 0;
  }

  /**
   * Forgets a DATA body, BDAT chunk or AUTH response being read (part of
   * {@link SmtpSession#resetTransaction()}): the next bytes are a command line. Bytes not read yet
   * stay (pipelined commands), and the rest of an overlong line is still skipped.
   */
  void reset() {
    data = null;
    bdat = null;
    auth = null;
    if (mode != Mode.DISCARD_LINE) {
      mode = Mode.COMMAND;
    }
  }

  /** Reads a DATA body into {@code decoder} next. */
  void expectData(DataDecoder decoder) {
    data = decoder;
    mode = Mode.DATA;
  }

  /** Reads the current chunk (of a non-zero size) into {@code decoder} next. */
  void expectChunk(BdatDecoder decoder) {
    bdat = decoder;
    mode = Mode.BDAT;
  }

  /** The next line answers an AUTH challenge (RFC 4954 4): not a command, and longer lines are allowed. */
  void expectAuthLine(AuthExchange exchange) {
    auth = exchange;
    mode = Mode.AUTH_LINE;
  }

  /** Reads and hands on one piece; false when more bytes are needed first. */
  boolean step() {
    switch (mode) {
      case COMMAND -> {
        return readCommand();
      }
      case DISCARD_LINE -> {
        // The rest of an overlong line; a CR at the very end may be the start of its CRLF.
        int end = CommandLineReader.skipPastCrlf(input, pos);
        if (end < 0) {
          pos = CommandLineReader.discardableEnd(input, pos);
          return false;
        }
        pos = end;
        mode = Mode.COMMAND;
      }
      case DATA -> {
        DataDecoder.Result r = data.feed(input, pos);
        pos = r.consumedUpTo();
        if (r.state() == DataDecoder.State.DONE) {
          DataDecoder done = data;
          data = null;
          mode = Mode.COMMAND;
          reader.dataEnded(done);
        }
      }
      case AUTH_LINE -> {
        return readAuthLine();
      }
      case BDAT -> {
        BdatDecoder.Result r = bdat.feed(input, pos);
        pos = r.consumedUpTo();
        if (r.state() == BdatDecoder.State.CHUNK_DONE) {
          mode = Mode.COMMAND;
          reader.chunkEnded(bdat);
        }
      }
    }
    return true;
  }

  /** Drops the bytes already read, keeping what is pending (unless {@code busy} still reads the buffer). */
  void compact(boolean busy) {
    if (pos >= input.length()) {
      input = Buffer.buffer();
      pos = 0;
    } else if (pos > 0 && !busy) {
      input = input.getBuffer(pos, input.length());
      pos = 0;
    }
  }

  private boolean readCommand() {
    LineResult r = CommandLineReader.scan(input, pos, maxCommandLine);
    switch (r.status()) {
      case INCOMPLETE -> {
        return false;
      }
      case TOO_LONG -> {
        if (r.end() < 0) {
          pos = CommandLineReader.discardableEnd(input, pos);
          mode = Mode.DISCARD_LINE;
        } else {
          pos = r.end();
        }
        reader.badCommandLine(Replies.LINE_TOO_LONG);
      }
      case BARE_LINE_END -> {
        pos = r.end();
        reader.badCommandLine(BARE_LINE_END);
      }
      case LINE -> {
        pos = r.end();
        reader.commandLine(r.line());
      }
    }
    return true;
  }

  private boolean readAuthLine() {
    LineResult r = CommandLineReader.scan(input, pos, SaslMechanisms.MAX_RESPONSE_LINE_OCTETS + 2);
    AuthExchange exchange = auth;
    switch (r.status()) {
      case INCOMPLETE -> {
        return false;
      }
      case LINE -> {
        pos = r.end();
        mode = Mode.COMMAND;
        exchange.line(r.line().toString(StandardCharsets.US_ASCII));
      }
      case TOO_LONG -> {
        pos = r.end() < 0 ? CommandLineReader.discardableEnd(input, pos) : r.end();
        mode = r.end() < 0 ? Mode.DISCARD_LINE : Mode.COMMAND;
        exchange.badLine(AuthReplies.LINE_TOO_LONG);
      }
      case BARE_LINE_END -> {
        pos = r.end();
        mode = Mode.COMMAND;
        exchange.badLine(AuthReplies.MALFORMED_RESPONSE);
      }
    }
    return true;
  }
}
