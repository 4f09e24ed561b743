package io.vmta.smtp.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.shareddata.LocalMap;
import io.vmta.smtp.core.config.Durations;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vmta.mailauth.AuthenticationOptions;
import io.vmta.mailauth.MailAuthenticator;
import io.vmta.mailauth.dkim.DkimSigner;
import io.vmta.mailauth.dmarc.OrganizationalDomain;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.dns.DnsServers;
import io.vmta.smtp.server.impl.ServerContext;
import io.vmta.smtp.server.impl.VertxInternals;
import io.vmta.smtp.server.impl.SmtpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.SocketException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The SMTP server: one {@link NetServer} per configured listener. Deploy one instance per event
 * loop with the same options; Vert.x spreads the connections of a shared port over them. Every
 * accepted message is sent to the queue ({@code mta.queue.submit}; in a cluster, the chosen queue
 * node's own address) and acknowledged only on the queue's reply.
 */
public class SmtpServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SmtpServerVerticle.class);

  static {
    RenegotiationGuard.install();
  }

  /**
   * How long after the shutdown grace Vert.x may close what our own deadline did not; below the
   * queue's wait for the servers (MtaVerticle: grace + 5 s), so the queue still outlives them.
   */
  private static final long SHUTDOWN_BACKSTOP_MILLIS = 4000;
  /**
   * How long one attempt at one DNS server may take on the receiving path; the checks of one
   * message have their own budget ({@code authentication.timeout}) around all their lookups.
   */
  static final java.time.Duration DNS_TIMEOUT = java.time.Duration.ofSeconds(2);
  private static final Reply TOO_MANY_CONNECTIONS = Reply.of(421, "4.7.0", "Error: too many connections, try again later");

  private final SmtpServerOptions explicitOptions;
  private final AuthenticationProvider auth;
  private final List<NetServer> servers = new ArrayList<>();
  private ServerContext ctx;
  private volatile boolean listening;

  /** Reads its options from the deployment configuration ({@link SmtpServerOptions} JSON); no AUTH. */
  public SmtpServerVerticle() {
    this(null, null);
  }

  /** Uses {@code options} (copied) rather than the deployment configuration; no AUTH. */
  public SmtpServerVerticle(SmtpServerOptions options) {
    this(options, null);
  }

  /**
   * Uses {@code options} and checks AUTH credentials with {@code auth} (for example
   * {@code UsersAuthenticationProvider}); AUTH is offered only when {@code auth} is not null.
   */
  public SmtpServerVerticle(SmtpServerOptions options, AuthenticationProvider auth) {
    this.explicitOptions = options == null ? null : new SmtpServerOptions(options);
    this.auth = auth;
  }

  @Override
  public Future<?> start() {
    SmtpServerOptions options = explicitOptions != null ? explicitOptions : new SmtpServerOptions(config());
    QueuedMessageCodec.register(vertx);
    KeyCertOptions keyCert = keyCert(options);
    // Key files are read on a worker; a key that does not load fails the start (MtaVerticle
    // and check-config load them first and name the key at fault).
    Future<?> all = vertx.executeBlocking(() -> {
          if (options.getAuthentication().isDmarc()) {
            OrganizationalDomain.load(); // the Public Suffix List's first build, off the event loops
          }
          return DkimSigner.load(options.getDkim());
        })
        .onSuccess(dkim -> ctx = new ServerContext(vertx, options, auth, dkim, checks(options)));
    for (ListenerOptions listener : options.getListeners()) {
      all = all.compose(v -> listen(options, listener, keyCert));
    }
    return all.onSuccess(v -> listening = true);
  }

  /** The checks of incoming mail, asking DNS through the one client of this Vert.x; null when all are off. */
  private MailAuthenticator checks(SmtpServerOptions options) {
    AuthenticationOptions checks = options.getAuthentication();
    if (!checks.isAnyCheck()) {
      return null;
    }
    DnsClient dns = DnsClient.shared(vertx, DnsServers.addresses(options.getDnsServers()), DNS_TIMEOUT);
    return new MailAuthenticator(vertx, dns, checks, options.getHostname());
  }

  private Future<NetServer> listen(SmtpServerOptions options, ListenerOptions listener, KeyCertOptions keyCert) {
    NetServerOptions netOptions = new NetServerOptions()
        .setHost(listener.getHost())
        .setPort(listener.getPort())
        .setKeyCertOptions(keyCert)
        .setSsl(listener.getMode() == ListenerMode.SMTPS)
        // Both for implicit TLS and for STARTTLS (upgradeToSsl uses these options too).
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(options.getTlsProtocols()))
        .setTcpNoDelay(true);
    options.getTlsCiphers().forEach(netOptions::addEnabledCipherSuite);
    NetServer server = vertx.createNetServer(netOptions);
    server.connectHandler(socket -> accept(socket, listener.getMode()));
    return server.listen().onSuccess(s -> {
      VertxInternals.shareTlsContextManager(s);
      servers.add(s);
      log.info("listening for {} on {}:{}", listener.getMode().jsonName(), listener.getHost(), s.actualPort());
    }).recover(e -> Future.failedFuture(cannotListen(listener.getHost() + ":" + listener.getPort()
        + " (" + listener.getMode().jsonName() + ")", e)));
  }

  /**
   * A failure to bind {@code what} (e.g. {@code 127.0.0.1:2525 (mx)}) as one line an operator can
   * act on, {@code cannot listen on 127.0.0.1:2525 (mx): address already in use}: Netty's own
   * {@link BindException} names no address. Other failures are returned as they are.
   */
  public static Throwable cannotListen(String what, Throwable failure) {
    if (!(failure instanceof SocketException)) {
      return failure;
    }
    String reason = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    BindException named = new BindException("cannot listen on " + what + ": "
        + reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1));
    named.initCause(failure);
    return named;
  }

  private void accept(NetSocket socket, ListenerMode mode) {
    String ip = socket.remoteAddress().hostAddress();
    if (!ctx.tryAcquire(ip, mode)) {
      log.warn("too many connections: refusing [{}]", ip);
      socket.write(TOO_MANY_CONNECTIONS.format(true)).eventually(socket::close);
      return;
    }
    new SmtpConnection(ctx, socket, mode).start();
  }

  /**
   * Stops gracefully: no new connections; sessions between transactions get 421 at once,
   * sessions in the middle of a message may finish it until the shutdown grace has passed, then
   * they get 421 too. Nothing the client has not had a 250 for is kept, so nothing is lost.
   */
  @Override
  public Future<?> stop() {
    listening = false;
    if (ctx == null) {
      return Future.succeededFuture();
    }
    long grace = Math.max(1, ctx.shutdownGrace().toMillis());
    int open = ctx.openConnections().size();
    if (open > 0) {
      log.info("stopping: {} open connection(s) may finish their message within {}", open,
          Durations.format(ctx.shutdownGrace()));
    }
    // Vert.x stops accepting and calls each socket's shutdown handler (SmtpConnection.shutdown);
    // at the deadline our own timer tells the sessions still busy 421 and closes them. Vert.x's
    // timeout is only a backstop, far enough behind that a late event loop cannot let it close a
    // session before its 421 (its timer may run on another thread than ours).
    long deadline = vertx.setTimer(grace,
        id -> ctx.openConnections().forEach(SmtpConnection::forceClose));
    return Future.join(servers.stream()
            .map(s -> s.shutdown(grace + SHUTDOWN_BACKSTOP_MILLIS, TimeUnit.MILLISECONDS)).toList())
        .eventually(() -> {
          vertx.cancelTimer(deadline);
          return Future.succeededFuture();
        });
  }

  /**
   * Whether every listener of this instance is bound and the instance is not stopping: true from
   * a successful start until {@link #stop} begins. Safe to read from any thread (a health check).
   */
  public boolean isListening() {
    return listening;
  }

  /** The ports actually bound, in the order of the listeners (useful with port 0). */
  public List<Integer> actualPorts() {
    return servers.stream().map(NetServer::actualPort).toList();
  }

  /**
   * The configured PEM pair, or a self-signed one for the host name ({@link SelfSignedPair}),
   * made once per Vert.x instance so that every server instance presents the same certificate.
   */
  private KeyCertOptions keyCert(SmtpServerOptions options) {
    if (options.getCertPath() != null) {
      return new PemKeyCertOptions().setCertPath(options.getCertPath()).setKeyPath(options.getKeyPath());
    }
    LocalMap<String, String> generated = vertx.sharedData().getLocalMap("vmta.smtp.tls");
    String pems = generated.computeIfAbsent(options.getHostname(), host -> {
      SelfSignedPair pair = SelfSignedPair.create(host, Instant.now());
      return pair.certificatePem() + pair.privateKeyPem();
    });
    int key = pems.indexOf("-----BEGIN PRIVATE KEY-----");
    return new PemKeyCertOptions()
        .setCertValue(Buffer.buffer(pems.substring(0, key)))
        .setKeyValue(Buffer.buffer(pems.substring(key)));
  }
}
