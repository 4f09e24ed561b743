package io.vmta.smtp.server.impl;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.codec.BdatDecoder;
import io.vmta.smtp.core.codec.DataDecoder;
import io.vmta.smtp.server.ListenerMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket side of one SMTP connection: feeds the input to {@link SmtpInput}, hands each
 * command line to {@link CommandLines} on its way to the {@link SmtpSession}, enforces the error
 * and time limits, writes replies, and closes (also gracefully, at shutdown). While a command
 * waits on something asynchronous (the queue, the TLS handshake) no further input is
 * interpreted; its {@link ConnectionState} says which.
 */
public final class SmtpConnection {

  private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);
  private static final Reply SHUTTING_DOWN = Reply.of(421, "4.3.2", "Service shutting down, try again later");
  private static final Reply CONNECTION_TIME_EXCEEDED = Reply.of(421, "4.7.0", "Error: connection time limit exceeded");

  final ServerContext ctx;
  final NetSocket socket;
  final String clientIp;
  /** The listener's mode. */
  final ListenerMode listenerMode;
  private final SmtpSession session;
  private final SmtpInput in;
  private final CommandLines commands;

  private ConnectionState state = ConnectionState.READING;
  /** The server is stopping: leave as soon as no transaction is under way (see {@link ConnectionState}). */
  private boolean draining;
  private int errors;
  private final SessionDeadlines deadlines;

  public SmtpConnection(ServerContext ctx, NetSocket socket, ListenerMode mode) {
    this.ctx = ctx;
    this.socket = socket;
    this.clientIp = socket.remoteAddress().hostAddress();
    this.listenerMode = mode;
    this.session = new SmtpSession(this, mode, socket.isSsl());
    this.commands = new CommandLines(this, session);
    this.in = new SmtpInput(new SmtpInput.Reader() {
      @Override
      public void commandLine(Buffer line) {
        commands.accept(line);
      }

      @Override
      public void badCommandLine(Reply reply) {
        error(reply);
      }

      @Override
      public void dataEnded(DataDecoder data) {
        session.dataEnded(data);
      }

      @Override
      public void chunkEnded(BdatDecoder chunk) {
        session.chunkEnded(chunk);
      }
    }, ctx.options.getMaxCommandLine());
    this.deadlines = new SessionDeadlines(ctx.vertx, ctx.options.getIdleTimeout().toMillis(),
        ctx.options.getDataTimeout().toMillis(), ctx.options.getMaxConnectionTime().toMillis(),
        in::readingMessage, this::waiting, this::timedOut);
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
    if (state == ConnectionState.CLOSED) {
      return;
    }
    if (state == ConnectionState.TLS_HANDSHAKE && !socket.isSsl()) {
      // Plaintext that arrives between our 220 and the handshake (CVE-2011-0411): never read.
      session.injectionDetected();
      return;
    }
    in.append(chunk);
    process();
  }

  private void process() {
    while (state == ConnectionState.READING && in.hasPending() && in.step()) {
      // each step consumes input or hands it on; it returns false when it needs more bytes
    }
    in.compact(waiting());
    closeIfIdle();
  }

  /** The next line the client sends answers an AUTH challenge. */
  void expectAuthLine(AuthExchange exchange) {
    in.expectAuthLine(exchange);
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
    if (state != ConnectionState.CLOSED) {
      reply(SHUTTING_DOWN);
      close();
    }
  }

  /** After a reply that ended a transaction, or at shutdown: leaves if nothing is under way. */
  void closeIfIdle() {
    if (draining && state == ConnectionState.READING && in.betweenCommands() && !session.phase().inTransaction()) {
      reply(SHUTTING_DOWN);
      close();
    }
  }

  /** Writes a reply. */
  void reply(Reply reply) {
    if (state != ConnectionState.CLOSED) {
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
    in.expectData(decoder);
    deadlines.messageStarted();
  }

  /** Switches to reading one BDAT chunk into {@code decoder}. */
  void enterBdat(BdatDecoder decoder, long size) {
    decoder.beginChunk(size);
    deadlines.messageStarted();
    if (size == 0) {
      session.chunkEnded(decoder);
    } else {
      in.expectChunk(decoder);
    }
  }

  /** Back to reading command lines (part of {@link SmtpSession#resetTransaction()}). */
  void resetInput() {
    in.reset();
  }

  /** Pauses input until {@code work} completes, then goes on with what was pipelined behind. */
  <T> void await(Future<T> work) {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    state = ConnectionState.WAITING;
    socket.pause();
    work.onComplete(ar -> {
      if (state == ConnectionState.WAITING) {
        state = ConnectionState.READING;
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
    handshake.onComplete(ar -> {
      if (state == ConnectionState.TLS_HANDSHAKE) {
        state = ConnectionState.READING;
        process();
      }
    });
  }

  /** Whether the client has sent bytes that have not been read yet. */
  boolean hasPendingInput() {
    return in.hasPending();
  }

  /**
   * STARTTLS (RFC 3207): {@code ready} (the 220) goes out only once Vert.x has resolved the TLS
   * context and is about to put the TLS handler in place, so the client's ClientHello can never
   * arrive before it (writing the 220 first lost it on the first upgrade after start-up).
   * Nothing read before the handshake is ever interpreted.
   */
  Future<Void> upgradeToTls(Reply ready) {
    state = ConnectionState.TLS_HANDSHAKE;
    in.discardPending();
    return socket.upgradeToSsl(Buffer.buffer(ready.format(true)));
  }

  /**
   * Closes the connection after the replies written so far. Its connection slot is free at
   * once: a client that QUITs and reconnects must not find it still taken.
   */
  void close() {
    if (state != ConnectionState.CLOSED) {
      enterClosed();
      socket.close();
    }
  }

  private void onClosed() {
    if (state != ConnectionState.CLOSED) {
      enterClosed();
    }
    if (ctx.open.remove(this)) {
      ctx.counters.closed(listenerMode);
    }
    deadlines.cancel();
    log.info("disconnect from [{}]", clientIp);
  }

  /** The one way into CLOSED, taken once: the slot is freed and the transaction reset. */
  private void enterClosed() {
    state = ConnectionState.CLOSED;
    ctx.limiter.release(clientIp);
    session.resetTransaction();
  }

  /** Whether input waits for something asynchronous (no time limit applies meanwhile). */
  private boolean waiting() {
    return state == ConnectionState.WAITING || state == ConnectionState.TLS_HANDSHAKE;
  }

  private void timedOut(SessionDeadlines.Limit limit) {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    if (limit == SessionDeadlines.Limit.LIFETIME) {
      log.warn("connection time limit ({}) reached by [{}]: closing", ctx.options.getMaxConnectionTime(), clientIp);
      reply(CONNECTION_TIME_EXCEEDED);
    } else {
      log.info("timeout after {} from [{}]", limit == SessionDeadlines.Limit.MESSAGE ? "DATA" : "command", clientIp);
      reply(Replies.TIMEOUT);
    }
    close();
  }
}
