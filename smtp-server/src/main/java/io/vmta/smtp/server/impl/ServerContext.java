package io.vmta.smtp.server.impl;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vmta.mailauth.MailAuthenticator;
import io.vmta.mailauth.dkim.DkimSigner;
import io.vmta.smtp.auth.AuthThrottle;
import io.vmta.smtp.core.local.Cidr;
import io.vmta.smtp.core.local.LocalRecipients;
import io.vmta.smtp.server.ListenerMode;
import io.vmta.smtp.server.SmtpServerOptions;

import java.net.InetAddress;
import java.util.List;

/** What every session of one server verticle shares: options, policy data, limits, the queue client. */
public final class ServerContext {

  final Vertx vertx;
  final SmtpServerOptions options;
  final LocalRecipients local;
  final List<Cidr> trusted;
  final ConnectionLimiter limiter;
  /** Checks AUTH credentials; null when this server offers no AUTH. */
  final AuthenticationProvider auth;
  final AuthThrottle throttle;
  /** The numbers of {@link io.vmta.smtp.server.SmtpServerStats}, shared by every instance in this Vert.x. */
  final ServerCounters counters;
  /** Hands accepted messages to the queue (on this verticle's event loop). */
  final QueueClient queue;
  /** Signs the mail of authenticated and trusted clients; without keys, nothing. */
  final DkimSigner dkim;
  /** Checks incoming mail from clients neither authenticated nor trusted; null when every check is off. */
  final MailAuthenticator checks;
  /** The connections of this verticle instance, for a graceful stop. */
  final java.util.Set<SmtpConnection> open = new java.util.LinkedHashSet<>();

  /** A context that signs nothing and checks nothing. */
  public ServerContext(Vertx vertx, SmtpServerOptions options, AuthenticationProvider auth) {
    this(vertx, options, auth, new DkimSigner(List.of()), null);
  }

  /**
   * A context whose sessions sign with {@code dkim} (keys loaded by {@link DkimSigner#load}) and
   * check incoming mail with {@code checks} (null: no checks).
   */
  public ServerContext(Vertx vertx, SmtpServerOptions options, AuthenticationProvider auth, DkimSigner dkim,
      MailAuthenticator checks) {
    this.vertx = vertx;
    this.dkim = dkim;
    this.checks = checks;
    this.options = new SmtpServerOptions(options);
    this.local = new LocalRecipients(options.getDomains(), options.getLocalUsers(), options.getAliases(),
        options.getLocal().getRecipientDelimiter());
    this.trusted = options.getTrustedNetworks().stream().map(Cidr::parse).toList();
    this.limiter = new ConnectionLimiter(vertx, options.getMaxConnections(), options.getMaxConnectionsPerIp());
    this.auth = auth;
    this.throttle = AuthThrottle.shared(vertx, AuthThrottle.Options.DEFAULTS
        .withWindow(options.getAuthWindow())
        .withThresholds(options.getAuthSlowAfter(), options.getAuthRefuseAfter()));
    this.counters = ServerCounters.shared(vertx);
    this.queue = new QueueClient(vertx);
  }

  /** Takes a connection slot for {@code ip}; false (and counted as refused) when a connection limit is reached. */
  public boolean tryAcquire(String ip, ListenerMode mode) {
    if (limiter.tryAcquire(ip)) {
      return true;
    }
    counters.refused(mode);
    return false;
  }

  /** How long a stopping server lets sessions finish the message they are sending. */
  public java.time.Duration shutdownGrace() {
    return options.getShutdownGrace();
  }

  /** The connections open now (a copy). */
  public java.util.List<SmtpConnection> openConnections() {
    return java.util.List.copyOf(open);
  }

  /** Whether {@code ip} is in one of the trusted networks (allowed to relay without AUTH). */
  boolean isTrusted(String ip) {
    if (trusted.isEmpty()) {
      return false;
    }
    try {
      // A literal IP address from the socket: InetAddress parses it without a DNS lookup.
      InetAddress address = InetAddress.getByName(ip);
      return trusted.stream().anyMatch(c -> c.contains(address));
    } catch (Exception e) {
      return false;
    }
  }
}
