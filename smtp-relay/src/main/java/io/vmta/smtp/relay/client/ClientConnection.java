package io.vmta.smtp.relay.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetSocket;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.client.DotStuffer;
import io.vmta.smtp.core.client.ReplyDecoder;
import io.vmta.smtp.core.client.ReplyFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket to a server: replies are read one at a time with a timeout, commands and message
 * data are written, the latter with backpressure. Once broken (closed, timed out, malformed
 * reply, 421), every later read or write fails with the same {@link SmtpClientException}. Used
 * only on the event loop of the socket's context.
 */
final class ClientConnection {

  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
  /** Content is dot-stuffed and written in pieces of this size, so backpressure can act. */
  private static final int DATA_PIECE = 64 * 1024;

  private final Vertx vertx;
  private final Context context;
  private final NetSocket socket;
  private final String peer;
  private final ReplyDecoder decoder = new ReplyDecoder();
  private final Deque<Reply> received = new ArrayDeque<>();
  private Promise<Reply> reading;
  private Promise<Void> writing;
  private long timer = -1;
  private SmtpClientException broken;
  private boolean tls;

  ClientConnection(Vertx vertx, NetSocket socket, String peer) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.peer = peer;
    this.tls = socket.isSsl();
    socket.handler(this::onData);
    socket.exceptionHandler(e ->
        fail(SmtpClientException.connectionProblem("connection error", e)));
    socket.closeHandler(v ->
        fail(SmtpClientException.connectionProblem("connection closed by the server", null)));
  }

  /** The event-loop context the socket's handlers run on. */
  Context context() {
    return context;
  }

  /** Whether the connection can still carry commands. */
  boolean isOpen() {
    return broken == null;
  }

  /** Whether the connection is (or was, once closed) encrypted: implicit TLS or after STARTTLS. */
  boolean isTls() {
    return tls;
  }

  /** The TLS session, or null in plaintext. */
  javax.net.ssl.SSLSession sslSession() {
    return tls ? socket.sslSession() : null;
  }

  /** The certificates the server presented, the leaf first; empty in plaintext or when there are none. */
  java.util.List<java.security.cert.Certificate> peerCertificates() {
    if (!tls) {
      return java.util.List.of();
    }
    try {
      java.util.List<java.security.cert.Certificate> certs = socket.peerCertificates();
      return certs == null ? java.util.List.of() : certs;
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return java.util.List.of();
    }
  }

  /** The next reply, failing after {@code timeoutMillis} with 4.4.2 naming {@code what}. */
  Future<Reply> read(String what, long timeoutMillis) {
    if (reading != null) {
      return Future.failedFuture(new IllegalStateException("a read is already pending"));
    }
    if (!received.isEmpty()) {
      return Future.succeededFuture(take());
    }
    if (broken != null) {
      return Future.failedFuture(broken);
    }
    reading = Promise.promise();
    Future<Reply> result = reading.future();
    timer = vertx.setTimer(timeoutMillis, id -> {
      timer = -1;
      fail(SmtpClientException.connectionProblem("timeout waiting for the reply to " + what, null));
    });
    return result;
  }

  /** Writes command lines (each ending in CRLF) as one write; pipelined groups stay together. */
  void write(String commands) {
    if (broken == null) {
      socket.write(Buffer.buffer(commands.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /**
   * Writes {@code content} dot-stuffed and terminated (RFC 5321 section 4.5.2), waiting for the
   * socket to drain whenever its write queue is full, at most {@code blockTimeoutMillis} each time.
   */
  Future<Void> writeData(Buffer content, long blockTimeoutMillis) {
    if (broken != null) {
      return Future.failedFuture(broken);
    }
    writing = Promise.promise();
    Future<Void> result = writing.future();
    pump(content, 0, new DotStuffer(), blockTimeoutMillis);
    return result;
  }

  private void pump(Buffer content, int from, DotStuffer stuffer, long blockTimeoutMillis) {
    int offset = from;
    while (offset < content.length()) {
      if (broken != null || writing == null) {
        return;
      }
      if (socket.writeQueueFull()) {
        int resumeAt = offset;
        timer = vertx.setTimer(blockTimeoutMillis, id -> {
          timer = -1;
          fail(SmtpClientException.connectionProblem("timeout sending the message data", null));
        });
        socket.drainHandler(v -> {
          socket.drainHandler(null);
          cancelTimer();
          pump(content, resumeAt, stuffer, blockTimeoutMillis);
        });
        return;
      }
      int end = Math.min(content.length(), offset + DATA_PIECE);
      socket.write(stuffer.encode(content.slice(offset, end)));
      offset = end;
    }
    if (broken == null && writing != null) {
      socket.write(stuffer.finish());
      Promise<Void> done = writing;
      writing = null;
      done.complete();
    }
  }

  /**
   * Starts TLS after the server's 220 to STARTTLS. Replies and bytes already received behind the
   * 220 are dropped unread: they came before encryption and may be injected (RFC 3207 section 6,
   * CVE-2011-0411).
   */
  Future<Void> startTls(ClientSSLOptions ssl, String serverName) {
    int dropped = decoder.discardBuffered();
    if (!received.isEmpty() || dropped > 0) {
      log.warn("{}: discarded {} replies and {} octets received behind the STARTTLS 220", peer,
          received.size(), dropped);
      received.clear();
    }
    Future<Void> upgrade =
        serverName == null ? socket.upgradeToSsl(ssl) : socket.upgradeToSsl(ssl, serverName);
    return upgrade.onSuccess(v -> tls = true);
  }

  /**
   * Says QUIT (RFC 5321 section 4.1.1.10) if the connection can still carry it, waits at most
   * {@code timeoutMillis} for the reply, and closes; always succeeds.
   */
  Future<Void> quit(long timeoutMillis) {
    Future<Void> said = Future.succeededFuture();
    if (broken == null && reading == null && writing == null) {
      write("QUIT\r\n");
      said = read("QUIT", timeoutMillis).mapEmpty();
    }
    return said.transform(ar -> close()).transform(ar -> Future.succeededFuture());
  }

  /** Closes the socket; later reads and writes fail. */
  Future<Void> close() {
    if (broken == null) {
      broken = SmtpClientException.connectionProblem("connection closed by the client", null);
    }
    failPending();
    return socket.close();
  }

  private void onData(Buffer chunk) {
    if (broken != null) {
      return;
    }
    try {
      received.addAll(decoder.feed(chunk));
    } catch (ReplyFormatException e) {
      log.warn("{}: malformed reply: {}", peer, e.getMessage());
      fail(SmtpClientException.local("malformed reply",
          Reply.of(451, "4.5.0", "malformed reply from the server (synthesized by the client)"),
          e));
      return;
    }
    deliver();
  }

  private void deliver() {
    while (reading != null && !received.isEmpty()) {
      Promise<Reply> p = reading;
      reading = null;
      cancelTimer();
      p.complete(take());
    }
  }

  private Reply take() {
    Reply reply = received.poll();
    if (reply.code() == 421 && broken == null) {
      // The server is closing the channel (RFC 5321 section 3.8): nothing after this counts.
      received.clear();
      broken = SmtpClientException.refused("service", reply);
      socket.close();
    }
    return reply;
  }

  private void fail(SmtpClientException e) {
    if (broken == null) {
      broken = e;
      socket.close();
    }
    failPending();
  }

  private void failPending() {
    cancelTimer();
    Promise<Reply> r = reading;
    Promise<Void> w = writing;
    reading = null;
    writing = null;
    if (r != null) {
      r.fail(broken);
    }
    if (w != null) {
      w.fail(broken);
    }
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
