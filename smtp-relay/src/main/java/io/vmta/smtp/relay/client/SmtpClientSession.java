package io.vmta.smtp.relay.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.codec.ContentScan;
import io.vmta.smtp.core.queue.Envelope;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection to one host, ready for mail once {@link #connect} succeeds: the greeting
 * read, EHLO (or HELO) said, STARTTLS done as the {@link TlsPolicy} asks, AUTH done when
 * credentials are set. It carries any number of transactions, one at a time, until
 * {@link #quit()}. Methods may be called from any thread; the work runs on the socket's context.
 */
public final class SmtpClientSession {

  private static final Logger log = LoggerFactory.getLogger(SmtpClientSession.class);

  private final ClientOptions options;
  private final NetClient client;
  private final ClientConnection conn;
  private final String host;
  private final String peer;
  private ServerCapabilities capabilities = ServerCapabilities.NONE;
  private boolean tlsHandshakeFailed;
  private boolean busy;
  private boolean closed;

  private SmtpClientSession(ClientOptions options, NetClient client, ClientConnection conn,
      String host, String peer) {
    this.options = options;
    this.client = client;
    this.conn = conn;
    this.host = host;
    this.peer = peer;
  }

  /**
   * Connects to {@code address:port} (the server known as {@code host}) and says hello; fails
   * with a {@link SmtpClientException} on a refused connection, a 4xx/5xx greeting, a refused
   * EHLO and HELO, a TLS policy that cannot be met or a failed AUTH.
   */
  public static Future<SmtpClientSession> connect(Vertx vertx, ClientOptions options, String host,
      InetAddress address, int port) {
    ClientOptions opts = new ClientOptions(options);
    String peer = host + "[" + address.getHostAddress() + "]:" + port;
    NetClient client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout((int) opts.getConnectTimeout().toMillis())
        .setTcpNoDelay(true));
    ConnectOptions connect = new ConnectOptions()
        .setHost(address.getHostAddress())
        .setPort(port)
        .setTimeout((int) opts.getConnectTimeout().toMillis());
    if (opts.isImplicitTls()) {
      connect.setSsl(true).setSslOptions(sslOptions(opts)).setSniServerName(serverName(host));
    }
    return client.connect(connect)
        .recover(e -> {
          client.close();
          return Future.failedFuture(SmtpClientException.local("cannot connect to " + peer,
              Reply.of(451, "4.4.1", "cannot connect to " + peer + " (synthesized by the client)"),
              e));
        })
        .compose(socket -> {
          ClientConnection conn = new ClientConnection(vertx, socket, peer);
          SmtpClientSession session = new SmtpClientSession(opts, client, conn, host, peer);
          // Giving up on a live session still says QUIT (RFC 5321 section 4.1.1.10); not after
          // a failed TLS handshake, where nothing more can be said in either form.
          return session.handshake().recover(e -> session.giveUp().transform(ignored -> {
            if (session.tlsHandshakeFailed && opts.getTlsPolicy() == TlsPolicy.OPPORTUNISTIC) {
              log.warn("{}: TLS handshake failed, trying again without TLS", peer);
              ClientOptions plaintext = new ClientOptions(opts).setTlsPolicy(TlsPolicy.NONE);
              return connect(vertx, plaintext, host, address, port);
            }
            return Future.failedFuture(e);
          }));
        });
  }

  /** Sends one message to {@code recipients}; each gets a result (RFC 5321 section 3.3). */
  public Future<TransactionResult> send(Envelope envelope, List<String> recipients,
      Buffer content) {
    return send(envelope, recipients, content, ContentScan.of(content));
  }

  /** As {@link #send(Envelope, List, Buffer)}, with the {@code content}'s scan made once by the caller. */
  public Future<TransactionResult> send(Envelope envelope, List<String> recipients,
      Buffer content, ContentScan scan) {
    List<String> rcpts = List.copyOf(new LinkedHashSet<>(recipients));
    if (rcpts.isEmpty() || rcpts.size() > options.getMaxRecipients()) {
      return Future.failedFuture(new IllegalArgumentException(
          "a transaction takes 1 to " + options.getMaxRecipients() + " recipients, not "
              + rcpts.size()));
    }
    if (!commandSafe(envelope.sender())
        || !rcpts.stream().allMatch(SmtpClientSession::commandSafe)) {
      return Future.failedFuture(
          new IllegalArgumentException("control character in an envelope address"));
    }
    return onContext(() -> {
      if (!isUsable()) {
        return Future.failedFuture(
            new IllegalStateException("session to " + peer + " is closed or busy"));
      }
      busy = true;
      return new MailTransaction(conn, options, capabilities, envelope, rcpts, content, scan).run()
          .andThen(ar -> busy = false);
    });
  }

  /** Says QUIT (RFC 5321 section 4.1.1.10), waits for the reply and closes; always succeeds. */
  public Future<Void> quit() {
    return onContext(() -> {
      if (busy || closed) {
        return close();
      }
      closed = true;
      return conn.quit(options.getCommandTimeout().toMillis()).transform(ar -> close());
    });
  }

  /** After a failed handshake: QUIT unless the TLS handshake broke the connection, then close. */
  private Future<Void> giveUp() {
    if (tlsHandshakeFailed) {
      return close();
    }
    closed = true;
    return conn.quit(options.getCommandTimeout().toMillis()).transform(ar -> close());
  }

  /** Closes the connection without QUIT; always succeeds. */
  public Future<Void> close() {
    closed = true;
    return conn.close().transform(ar -> client.close()).transform(ar -> Future.succeededFuture());
  }

  /** Whether another transaction can start now: connected, not closed, none running. */
  public boolean isUsable() {
    return conn.isOpen() && !busy && !closed;
  }

  /** Whether the connection is encrypted. */
  public boolean isTls() {
    return conn.isTls();
  }

  /** The extensions of the last EHLO reply; {@link ServerCapabilities#NONE} after HELO. */
  public ServerCapabilities capabilities() {
    return capabilities;
  }

  private Future<SmtpClientSession> handshake() {
    return conn.read("the greeting", options.getGreetingTimeout().toMillis())
        .compose(greeting -> {
          if (greeting.code() / 100 != 2) {
            // RFC 5321 section 3.1: a client should QUIT after a 554 greeting; connect() does.
            return Future.failedFuture(
                SmtpClientException.refused("greeting of " + peer, greeting));
          }
          return hello();
        })
        .compose(v -> startTls())
        .compose(v -> options.getUsername() == null
            ? Future.succeededFuture()
            : ClientAuth.authenticate(conn, options, capabilities))
        .map(this);
  }

  /** EHLO, and HELO when EHLO is refused with 5xx (RFC 5321 section 3.2). */
  private Future<Void> hello() {
    conn.write("EHLO " + options.getHeloName() + "\r\n");
    return conn.read("EHLO", options.getCommandTimeout().toMillis()).compose(ehlo -> {
      if (ehlo.code() / 100 == 2) {
        capabilities = ServerCapabilities.fromEhlo(ehlo);
        return Future.succeededFuture();
      }
      if (!ehlo.isPermanent()) {
        return Future.failedFuture(SmtpClientException.refused("EHLO", ehlo));
      }
      conn.write("HELO " + options.getHeloName() + "\r\n");
      return conn.read("HELO", options.getCommandTimeout().toMillis()).compose(helo -> {
        if (helo.code() / 100 != 2) {
          return Future.failedFuture(SmtpClientException.refused("HELO", helo));
        }
        capabilities = ServerCapabilities.NONE;
        return Future.succeededFuture();
      });
    });
  }

  /** STARTTLS as the policy asks (RFC 3207), then EHLO again, forgetting what was said before. */
  private Future<Void> startTls() {
    TlsPolicy policy = options.getTlsPolicy();
    if (conn.isTls() || policy == TlsPolicy.NONE) {
      return Future.succeededFuture();
    }
    if (!capabilities.startTls()) {
      return policy == TlsPolicy.REQUIRED
          ? Future.failedFuture(tlsRequired("does not offer STARTTLS", null))
          : Future.succeededFuture();
    }
    conn.write("STARTTLS\r\n");
    return conn.read("STARTTLS", options.getCommandTimeout().toMillis()).compose(ready -> {
      if (ready.code() != 220) {
        return policy == TlsPolicy.REQUIRED
            ? Future.failedFuture(
                tlsRequired("refused STARTTLS", SmtpClientException.refused("STARTTLS", ready)))
            : Future.succeededFuture();  // RFC 3207 section 4: carry on in plaintext
      }
      return conn.startTls(sslOptions(options), serverName(host))
          .recover(e -> {
            tlsHandshakeFailed = true;
            return Future.failedFuture(SmtpClientException.local(
                "TLS handshake with " + peer + " failed",
                Reply.of(451, "4.7.5", "TLS handshake failed (synthesized by the client)"), e));
          })
          .compose(v -> {
            capabilities = ServerCapabilities.NONE;  // RFC 3207 section 4.2
            return hello();
          });
    });
  }

  private SmtpClientException tlsRequired(String what, Throwable cause) {
    return SmtpClientException.local("TLS required but " + peer + " " + what,
        Reply.of(451, "4.7.4",
            "TLS is required, but the server " + what + " (synthesized by the client)"),
        cause);
  }

  /** Trust-all without host name check by default (RFC 7435); see {@link ClientOptions}. */
  private static ClientSSLOptions sslOptions(ClientOptions opts) {
    ClientSSLOptions ssl = new ClientSSLOptions()
        .setSslHandshakeTimeout(opts.getCommandTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    return opts.isTrustAll()
        ? ssl.setTrustAll(true).setHostnameVerificationAlgorithm("")
        : ssl.setHostnameVerificationAlgorithm("HTTPS");
  }

  /** The name for SNI, or {@code null} for an address literal (RFC 6066 section 3). */
  private static String serverName(String host) {
    boolean literal = host.startsWith("[") || host.indexOf(':') >= 0
        || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    return literal ? null : host;
  }

  private static boolean commandSafe(String address) {
    return address.chars().allMatch(c -> c >= 0x20 && c != 0x7f);
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Context context = conn.context();
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }
}
