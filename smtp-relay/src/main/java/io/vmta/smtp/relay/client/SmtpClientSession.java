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
 * read, EHLO (or HELO) said, STARTTLS done and the certificate checked as the {@link TlsLevel}
 * asks, AUTH done when credentials are set (and the certificate verified, see
 * {@link ClientOptions#isAuthOverUnverifiedTls()}). It carries any number of transactions, one at a time, until
 * {@link #quit()}. Methods may be called from any thread; the work runs on the socket's context.
 */
public final class SmtpClientSession {

  private static final Logger log = LoggerFactory.getLogger(SmtpClientSession.class);

  private final ClientOptions options;
  private final PeerCheck verifier;
  private final NetClient client;
  private final ClientConnection conn;
  private final String host;
  private final String peer;
  private ServerCapabilities capabilities = ServerCapabilities.NONE;
  private TlsStatus tlsStatus;
  private boolean tlsHandshakeFailed;
  private boolean busy;
  private boolean closed;

  private SmtpClientSession(ClientOptions options, PeerCheck verifier, NetClient client,
      ClientConnection conn, String host, String peer) {
    this.options = options;
    this.verifier = verifier;
    this.tlsStatus = TlsStatus.plaintext(options.getTlsLevel());
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
    // Reading the JDK's trust store once is file work: not on the event loop.
    return vertx.executeBlocking(PeerVerifier::jdkDefault, false)
        .compose(verifier -> connect(vertx, options, verifier, host, address, port));
  }

  /**
   * As {@link #connect(Vertx, ClientOptions, String, InetAddress, int)}, with certificates checked
   * by {@code verifier} (a {@link PeerVerifier} with the JDK's trust store and {@code relay.tls.caFile},
   * or DANE's TLSA match, which also makes verified TLS mandatory). The host name checked is
   * {@code host}: the MX host name as found in DNS, or the configured smarthost name.
   */
  public static Future<SmtpClientSession> connect(Vertx vertx, ClientOptions options,
      PeerCheck verifier, String host, InetAddress address, int port) {
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
          SmtpClientSession session = new SmtpClientSession(opts, verifier, client, conn, host, peer);
          // Giving up on a live session still says QUIT (RFC 5321 section 4.1.1.10); not after
          // a failed TLS handshake, where nothing more can be said in either form.
          return session.handshake().recover(e -> session.giveUp().transform(ignored -> {
            // Only "may" falls back to plaintext; every other level defers (never in clear).
            if (session.tlsHandshakeFailed && opts.getTlsLevel().effective() == TlsLevel.MAY
                && !verifier.requiresVerifiedTls()) {
              log.warn("{}: TLS handshake failed, trying again without TLS", peer);
              ClientOptions plaintext = new ClientOptions(opts).setTlsLevel(TlsLevel.NONE);
              return connect(vertx, plaintext, verifier, host, address, port).map(s -> {
                s.tlsStatus = TlsStatus.plaintext(opts.getTlsLevel());
                return s;
              });
            }
            if (e instanceof SmtpClientException ce) {
              ce.withTls(session.tlsStatus);
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
      boolean verified = conn.isTls() && tlsStatus.trust() == PeerTrust.VERIFIED;
      return new MailTransaction(conn, options, capabilities, verified, envelope, rcpts, content, scan).run()
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

  /** The TLS of this session: the level, and the protocol, cipher and peer trust when encrypted. */
  public TlsStatus tlsStatus() {
    return tlsStatus;
  }

  /** The extensions of the last EHLO reply; {@link ServerCapabilities#NONE} after HELO. */
  public ServerCapabilities capabilities() {
    return capabilities;
  }

  private Future<SmtpClientSession> handshake() {
    // With implicit TLS the certificate is checked before anything is read or said.
    Future<Void> tls = conn.isTls() ? checkCertificate() : Future.succeededFuture();
    return tls.compose(v -> conn.read("the greeting", options.getGreetingTimeout().toMillis()))
        .compose(greeting -> {
          if (greeting.code() / 100 != 2) {
            // RFC 5321 section 3.1: a client should QUIT after a 554 greeting; connect() does.
            return Future.failedFuture(
                SmtpClientException.refused("greeting of " + peer, greeting));
          }
          return hello();
        })
        .compose(v -> startTls())
        .compose(v -> authenticate())
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

  /** STARTTLS as the level asks (RFC 3207), then EHLO again, forgetting what was said before. */
  private Future<Void> startTls() {
    TlsLevel level = options.getTlsLevel().effective();
    if (conn.isTls() || level == TlsLevel.NONE) {
      return Future.succeededFuture();
    }
    boolean required = level.requiresTls() || verifier.requiresVerifiedTls();
    if (!capabilities.startTls()) {
      return required
          ? Future.failedFuture(tlsRequired("does not offer STARTTLS", null))
          : Future.succeededFuture();
    }
    conn.write("STARTTLS\r\n");
    return conn.read("STARTTLS", options.getCommandTimeout().toMillis()).compose(ready -> {
      if (ready.code() != 220) {
        return required
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
          .compose(v -> checkCertificate())
          .compose(v -> {
            capabilities = ServerCapabilities.NONE;  // RFC 3207 section 4.2
            return hello();
          });
    });
  }

  /**
   * Checks the certificate of the TLS just established (the handshake trusts any, see
   * {@link PeerVerifier}) and records the outcome; fails with 4.7.5 when the level requires a
   * verified certificate and it is not. Nothing has been sent over TLS yet.
   */
  private Future<Void> checkCertificate() {
    javax.net.ssl.SSLSession ssl = conn.sslSession();
    List<java.security.cert.Certificate> chain = conn.peerCertificates();
    TlsLevel level = options.getTlsLevel();
    Context context = conn.context();
    return context.executeBlocking(() -> verifier.check(chain, host), false).compose(result -> {
      tlsStatus = new TlsStatus(level, ssl == null ? "unknown" : ssl.getProtocol(),
          ssl == null ? "unknown" : ssl.getCipherSuite(), result.trust(), result.reason());
      log.debug("{}: {} TLS connection established: {} with cipher {}", peer,
          result.trust().word(), tlsStatus.protocol(), tlsStatus.cipher());
      boolean required = level.requiresVerification() || verifier.requiresVerifiedTls();
      if (required && result.trust() != PeerTrust.VERIFIED) {
        return Future.failedFuture(SmtpClientException.local(
            "certificate of " + peer + " did not verify",
            Reply.of(451, "4.7.5", "certificate verification failed: " + result.reason()
                + " (synthesized by the client)"), null));
      }
      return Future.succeededFuture();
    });
  }

  /**
   * AUTH when credentials are set: only over TLS (ClientAuth), and only to a server whose
   * certificate verified unless {@link ClientOptions#isAuthOverUnverifiedTls()}; else 4.7.5
   * before a word of the credentials is sent.
   */
  private Future<Void> authenticate() {
    if (options.getUsername() == null) {
      return Future.succeededFuture();
    }
    if (conn.isTls() && tlsStatus.trust() != PeerTrust.VERIFIED && !options.isAuthOverUnverifiedTls()) {
      return Future.failedFuture(SmtpClientException.local("AUTH to " + peer, Reply.of(454, "4.7.5",
          "not sending credentials to a server whose certificate did not verify: "
              + tlsStatus.reason() + " (synthesized by the client)"), null));
    }
    return ClientAuth.authenticate(conn, options, capabilities);
  }

  private SmtpClientException tlsRequired(String what, Throwable cause) {
    return SmtpClientException.local("TLS required but " + peer + " " + what,
        Reply.of(451, "4.7.4",
            "TLS is required, but the server " + what + " (synthesized by the client)"),
        cause);
  }

  /**
   * The handshake trusts every certificate and checks no name: {@link #checkCertificate()} does
   * both right after it, before anything is sent, so that every level learns the peer's trust.
   */
  private static ClientSSLOptions sslOptions(ClientOptions opts) {
    return new ClientSSLOptions()
        .setSslHandshakeTimeout(opts.getCommandTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
        .setTrustAll(true)
        .setHostnameVerificationAlgorithm("");
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
