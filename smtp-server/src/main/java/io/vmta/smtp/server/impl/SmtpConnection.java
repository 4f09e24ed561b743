package io.vmta.smtp.server.impl;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vmta.smtp.auth.AuthReplies;
import io.vmta.smtp.auth.sasl.SaslMechanisms;
import io.vmta.smtp.core.CommandParser;
import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.SmtpCommand;
import io.vmta.smtp.core.SmtpSyntaxException;
import io.vmta.smtp.core.codec.BdatDecoder;
import io.vmta.smtp.core.codec.CommandLineReader;
import io.vmta.smtp.core.codec.DataDecoder;
import io.vmta.smtp.core.codec.CommandLineReader.LineResult;
import io.vmta.smtp.server.ListenerMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The byte side of one SMTP connection: buffers input, cuts it into command lines or message
 * data, enforces the line, error and time limits, writes replies, and hands each command to
 * the {@link SmtpSession}. While a command waits on something asynchronous (the queue, the TLS
 * handshake) the socket is paused and no further input is interpreted.
 */
public final class SmtpConnection {

  private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);
  private static final Reply SHUTTING_DOWN = Reply.of(421, "4.3.2", "Service shutting down, try again later");

  private enum InputMode { COMMAND, DISCARD_LINE, DATA, BDAT, AUTH_LINE }

  final ServerContext ctx;
  final NetSocket socket;
  final String clientIp;
  /** The listener's mode (not to be confused with {@link #mode}, what the next input bytes are). */
  final ListenerMode listenerMode;
  private final SmtpSession session;

  private Buffer input = Buffer.buffer();
  private int pos;
  private InputMode mode = InputMode.COMMAND;
  private DataDecoder data;
  private BdatDecoder bdat;
  private AuthExchange authExchange;
  private boolean busy;
  private boolean closed;
  private boolean draining;
  private boolean slotReleased;
  private boolean tlsUpgrading;
  private int errors;
  private final SessionDeadlines deadlines;

  public SmtpConnection(ServerContext ctx, NetSocket socket, ListenerMode mode) {
    this.ctx = ctx;
    this.socket = socket;
    this.clientIp = socket.remoteAddress().hostAddress();
    this.listenerMode = mode;
    this.session = new SmtpSession(this, mode, socket.isSsl());
    this.deadlines = new SessionDeadlines(ctx.vertx, ctx.options.getIdleTimeoutSeconds() * 1000L,
        ctx.options.getDataTimeoutSeconds() * 1000L,
        () -> this.mode == InputMode.DATA || this.mode == InputMode.BDAT, () -> busy, this::timedOut);
  }

  /** Sends the greeting and starts reading. */
  public void start() {
    ctx.open.add(this);
    ctx.counters.opened(listenerMode);
    socket.handler(this::onData);
    socket.closeHandler(v -> onClosed());
    socket.shutdownHandler(v -> shutdown());
    socket.exceptionHandler(e -> log.debug("connection from [{}]: {}", clientIp, e.toString()));
    log.info("connect from [{}]", clientIp);
    reply(Reply.of(220, null, ctx.options.getHostname() + " ESMTP vmta"));
    deadlines.start();
  }

  private void onData(Buffer chunk) {
    deadlines.input();
    if (closed) {
      return;
    }
    if (tlsUpgrading && !socket.isSsl()) {
      // Plaintext that arrives between our 220 and the handshake (CVE-2011-0411): never read.
      session.injectionDetected();
      return;
    }
    if (pos >= input.length()) {
      input = chunk;
      pos = 0;
    } else {
      input.appendBuffer(chunk);
    }
    process();
  }

  private void process() {
    while (!busy && !closed && pos < input.length() && step()) {
      // each step consumes input or hands it on; it returns false when it needs more bytes
    }
    if (pos >= input.length()) {
      input = Buffer.buffer();
      pos = 0;
    } else if (pos > 0 && !busy) {
      input = input.getBuffer(pos, input.length());
      pos = 0;
    }
    closeIfIdle();
  }

  private boolean step() {
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
        mode = InputMode.COMMAND;
      }
      case DATA -> {
        DataDecoder.Result r = data.feed(input, pos);
        pos = r.consumedUpTo();
        if (r.state() == DataDecoder.State.DONE) {
          DataDecoder done = data;
          data = null;
          mode = InputMode.COMMAND;
          session.dataEnded(done);
        }
      }
      case AUTH_LINE -> {
        return readAuthLine();
      }
      case BDAT -> {
        BdatDecoder.Result r = bdat.feed(input, pos);
        pos = r.consumedUpTo();
        if (r.state() == BdatDecoder.State.CHUNK_DONE) {
          mode = InputMode.COMMAND;
          session.chunkEnded(bdat);
        }
      }
    }
    return true;
  }

  private boolean readCommand() {
    LineResult r = CommandLineReader.scan(input, pos, ctx.options.getMaxCommandLine());
    switch (r.status()) {
      case INCOMPLETE -> {
        return false;
      }
      case TOO_LONG -> {
        if (r.end() < 0) {
          pos = CommandLineReader.discardableEnd(input, pos);
          mode = InputMode.DISCARD_LINE;
        } else {
          pos = r.end();
        }
        error(Replies.LINE_TOO_LONG);
      }
      case BARE_LINE_END -> {
        pos = r.end();
        error(Reply.of(500, "5.5.2", "Error: bare CR or LF in command line"));
      }
      case LINE -> {
        pos = r.end();
        command(r.line());
      }
    }
    return true;
  }

  /** A line of an AUTH exchange (RFC 4954 4): not a command, and longer lines are allowed. */
  private boolean readAuthLine() {
    LineResult r = CommandLineReader.scan(input, pos, SaslMechanisms.MAX_RESPONSE_LINE_OCTETS + 2);
    AuthExchange exchange = authExchange;
    switch (r.status()) {
      case INCOMPLETE -> {
        return false;
      }
      case LINE -> {
        pos = r.end();
        mode = InputMode.COMMAND;
        exchange.line(r.line().toString(StandardCharsets.US_ASCII));
      }
      case TOO_LONG -> {
        pos = r.end() < 0 ? CommandLineReader.discardableEnd(input, pos) : r.end();
        mode = r.end() < 0 ? InputMode.DISCARD_LINE : InputMode.COMMAND;
        exchange.badLine(AuthReplies.LINE_TOO_LONG);
      }
      case BARE_LINE_END -> {
        pos = r.end();
        mode = InputMode.COMMAND;
        exchange.badLine(AuthReplies.MALFORMED_RESPONSE);
      }
    }
    return true;
  }

  /** The next line the client sends answers an AUTH challenge. */
  void expectAuthLine(AuthExchange exchange) {
    authExchange = exchange;
    mode = InputMode.AUTH_LINE;
  }

  private void command(Buffer line) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line.getBytes())).toString();
    } catch (CharacterCodingException e) {
      error(Reply.of(500, "5.5.2", "Error: command line is not valid UTF-8"));
      return;
    }
    SmtpCommand cmd;
    try {
      cmd = CommandParser.parse(text);
    } catch (SmtpSyntaxException e) {
      error(e.reply());
      return;
    }
    if (endsGroup(cmd) && pos < input.length()) {
      // RFC 2920 3.1: these may only be the last command of a pipelined group.
      log.warn("improper command pipelining after {} from [{}]", cmd.verb(), clientIp);
      reply(Replies.SYNC_ERROR);
      close();
      return;
    }
    session.handle(cmd);
  }

  private static boolean endsGroup(SmtpCommand cmd) {
    return cmd instanceof SmtpCommand.Ehlo || cmd instanceof SmtpCommand.Helo
        || cmd instanceof SmtpCommand.Data || cmd instanceof SmtpCommand.Noop
        || cmd instanceof SmtpCommand.StartTls || cmd instanceof SmtpCommand.Auth;
  }

  /**
   * The server is stopping: a session between transactions is told so and closed at once; one
   * in the middle of a message finishes it and is closed after its reply. {@link #forceClose}
   * ends the rest at the deadline.
   */
  public void shutdown() {
    draining = true;
    closeIfIdle();
  }

  /** The shutdown deadline has passed. */
  public void forceClose() {
    if (!closed) {
      reply(SHUTTING_DOWN);
      close();
    }
  }

  /** After a reply that ended a transaction, or at shutdown: leaves if nothing is under way. */
  void closeIfIdle() {
    if (draining && !closed && !busy && mode == InputMode.COMMAND && !session.inTransaction()) {
      reply(SHUTTING_DOWN);
      close();
    }
  }

  /** Writes a reply. */
  void reply(Reply reply) {
    if (!closed) {
      socket.write(reply.format(true));
    }
  }

  /** Writes an error reply and closes the connection once too many errors have happened. */
  void error(Reply reply) {
    reply(reply);
    if (++errors >= ctx.options.getMaxErrors()) {
      log.warn("too many errors from [{}]", clientIp);
      reply(Replies.TOO_MANY_ERRORS);
      close();
    }
  }

  /** Switches to reading a DATA body. */
  void enterData(DataDecoder decoder) {
    data = decoder;
    mode = InputMode.DATA;
    deadlines.messageStarted();
  }

  /** Switches to reading one BDAT chunk into {@code decoder}. */
  void enterBdat(BdatDecoder decoder, long size) {
    bdat = decoder;
    decoder.beginChunk(size);
    mode = InputMode.BDAT;
    deadlines.messageStarted();
    if (size == 0) {
      mode = InputMode.COMMAND;
      session.chunkEnded(decoder);
    }
  }

  /** Pauses input until {@code work} completes, then goes on with what was pipelined behind. */
  <T> void await(Future<T> work) {
    busy = true;
    socket.pause();
    work.onComplete(ar -> {
      busy = false;
      if (!closed) {
        socket.resume();
        process();
      }
    });
  }

  /**
   * Like {@link #await} for the TLS handshake, which must go on reading from the socket:
   * the socket is not paused, and {@link #onData} refuses whatever arrives meanwhile.
   */
  void awaitTls(Future<Void> handshake) {
    busy = true;
    handshake.onComplete(ar -> {
      busy = false;
      process();
    });
  }

  /** Whether the client has sent bytes that have not been read yet. */
  boolean hasPendingInput() {
    return pos < input.length();
  }

  /**
   * STARTTLS (RFC 3207): {@code ready} (the 220) goes out only once Vert.x has resolved the TLS
   * context and is about to put the TLS handler in place, so the client's ClientHello can never
   * arrive before it (writing the 220 first lost it on the first upgrade after start-up).
   * Nothing read before the handshake is ever interpreted.
   */
  Future<Void> upgradeToTls(Reply ready) {
    tlsUpgrading = true;
    input = Buffer.buffer();
    pos = 0;
    return socket.upgradeToSsl(Buffer.buffer(ready.format(true))).andThen(ar -> tlsUpgrading = false);
  }

  /**
   * Closes the connection after the replies written so far. Its connection slot is free at
   * once: a client that QUITs and reconnects must not find it still taken.
   */
  void close() {
    if (!closed) {
      closed = true;
      releaseSlot();
      socket.close();
    }
  }

  private void onClosed() {
    closed = true;
    if (ctx.open.remove(this)) {
      ctx.counters.closed(listenerMode);
    }
    releaseSlot();
    deadlines.cancel();
    log.info("disconnect from [{}]", clientIp);
  }

  private void releaseSlot() {
    if (!slotReleased) {
      slotReleased = true;
      ctx.limiter.release(clientIp);
    }
  }

  private void timedOut(boolean inMessage) {
    if (!closed) {
      log.info("timeout after {} from [{}]", inMessage ? "DATA" : "command", clientIp);
      reply(Replies.TIMEOUT);
      close();
    }
  }
}
