package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.codec.ContentScan;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.Smarthost;
import io.vmta.smtp.relay.RelayTlsOptions;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.client.PeerCheck;
import io.vmta.smtp.relay.client.PeerVerifier;
import io.vmta.smtp.relay.client.RecipientResult;
import io.vmta.smtp.relay.client.SmtpClientException;
import io.vmta.smtp.relay.client.SmtpClientSession;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.client.TlsStatus;
import io.vmta.smtp.relay.client.TransactionResult;
import io.vmta.mailauth.dns.DnsResolutionException;
import io.vmta.smtp.relay.dane.DanePolicy;
import io.vmta.smtp.relay.dane.DaneVerifier;
import io.vmta.smtp.relay.dane.HostDane;
import io.vmta.smtp.relay.dns.MxHost;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.mtasts.MtaSts;
import io.vmta.smtp.relay.mtasts.MtaStsPolicy;
import io.vmta.smtp.relay.requiretls.RequireTls;
import io.vmta.smtp.relay.requiretls.TlsRequiredHeader;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Remote delivery over SMTP (DESIGN.md "Outbound rules"): the MX hosts of the recipients' domain
 * in order (or the smarthost), each address of each host until one takes the transaction; a
 * connection failure or a refused greeting moves on to the next. Per recipient: 2xx delivered,
 * 4xx transient, 5xx permanent; no host reachable is transient. A connection that finished its
 * transaction cleanly is kept a few seconds for the next message to the same host.
 *
 * <p>TLS: each destination gets the level of {@code relay.tls.policy} (MX routing) or of the
 * smarthost's settings ({@code verify} unless {@code tlsVerify: false}); a level that cannot be
 * met is a transient 4.7.x for that host, and the next host is tried. The host name checked
 * against the certificate is the MX host name as found in DNS (the domain itself when its
 * address records stand in for MX), or the smarthost's configured name (RFC 7817 section 3).
 *
 * <p>REQUIRETLS (RFC 8689): a message that carries it gets level {@code verify} everywhere and
 * goes only to a host that offers REQUIRETLS; when every host fails that, the recipients fail
 * permanently ({@link RequireTls}). {@code TLS-Required: No} relaxes recipient-published
 * policies only ({@link TlsLevel#relaxedForTlsRequiredNo()}).
 */
public final class SmtpTransport implements Transport {

  private final Vertx vertx;
  private final RelayOptions options;
  private final MxResolver resolver;
  private final DestinationLimiter limiter;
  private final ConnectionPool pool;
  private final MxLoopCheck loopCheck;
  private final DanePolicy dane;
  private Future<PeerVerifier> verifier;
  private final MtaSts mtaSts;

  /** The route of a domain leads back to this MTA: a permanent failure (RFC 3463 5.4.6). */
  private static final class MailLoopException extends RuntimeException {
    MailLoopException(String domain) {
      super("mail for " + domain + " loops back to myself", null, false, false);
    }
  }

  /**
   * The message to send and what its bytes need from a server: {@code tlsRequiredNo} when it
   * carries {@code TLS-Required: No} and not REQUIRETLS, which makes the RFC ignore the field
   * (RFC 8689 section 4.1).
   */
  private record Message(Envelope envelope, Buffer content, ContentScan scan, boolean tlsRequiredNo) {
    boolean requireTls() {
      return envelope.requireTls();
    }
  }

  /** No MX host of the domain is one its enforced MTA-STS policy names: transient (RFC 8461 section 5). */
  private static final class PolicyMismatchException extends RuntimeException {
    PolicyMismatchException(String domain, MtaStsPolicy policy) {
      super("no MX host of " + domain + " matches its MTA-STS policy (" + policy.source() + ")", null, false, false);
    }
  }

  /**
   * One host address to try, with DANE's TLSA check when it has usable records (else the
   * transport's verifier), or why it must not be tried ({@code skip}, a DANE decision), and the
   * MTA-STS policy of its domain (null for none).
   */
  private record Target(String host, InetAddress address, int port, ClientOptions client, PeerCheck check, String skip,
      MtaStsPolicy sts) {
    Target(String host, InetAddress address, int port, ClientOptions client) {
      this(host, address, port, client, null, null, null);
    }

    String relay() {
      return host + "[" + address.getHostAddress() + "]:" + port;
    }

    /**
     * Sessions are pooled by host address and level: a session opened at one level (in
     * plaintext after a failed handshake at {@code may}, say, or with a certificate not checked
     * for this name) never serves a destination of another.
     */
    String poolKey() {
      String key = relay() + " " + client.getTlsLevel().jsonName();
      return check instanceof DaneVerifier d ? key + " tlsa " + d.describe() : key;
    }
  }

  /** Why the last host tried did not take the message. */
  private record Failure(String relay, String status, String detail, TlsStatus tls) {
  }

  /** A transport that recognises itself in MX lists by the names and ports of {@code options} (loopback counted as ours). */
  public SmtpTransport(Vertx vertx, RelayOptions options, MxResolver resolver) {
    this(vertx, options, resolver, java.util.Set.of());
  }

  /** As above, with this machine's interface addresses ({@link MxLoopCheck#interfaceAddresses()}) counted as ours too. */
  public SmtpTransport(Vertx vertx, RelayOptions options, MxResolver resolver, java.util.Set<InetAddress> localAddresses) {
    this(vertx, options, resolver, localAddresses, null);
  }

  /**
   * As above, with certificates checked by {@code verifier}; when it is null, one is made on a
   * worker at the first delivery from {@code relay.tls.caFile} (and the JDK's trust store).
   */
  public SmtpTransport(Vertx vertx, RelayOptions options, MxResolver resolver, java.util.Set<InetAddress> localAddresses,
      PeerVerifier verifier) {
    this(vertx, options, resolver, localAddresses, verifier, null, null);
  }

  /** As above, with the MTA-STS policies of {@code mtaSts} applied to MX routing (none when null). */
  public SmtpTransport(Vertx vertx, RelayOptions options, MxResolver resolver, java.util.Set<InetAddress> localAddresses,
      PeerVerifier verifier, MtaSts mtaSts) {
    this(vertx, options, resolver, localAddresses, verifier, mtaSts, null);
  }

  /**
   * As above, with DANE (RFC 7672) deciding per MX host when {@code dane} is not null (it is when
   * {@code relay.dnssec} is on; see {@link DanePolicy#appliesTo}).
   */
  public SmtpTransport(Vertx vertx, RelayOptions options, MxResolver resolver, java.util.Set<InetAddress> localAddresses,
      PeerVerifier verifier, DanePolicy dane) {
    this(vertx, options, resolver, localAddresses, verifier, null, dane);
  }

  /**
   * As above, with both recipient policies: a host with a secure TLSA set is decided by DANE
   * whatever MTA-STS says (RFC 7672 2.2, RFC 8461 2); MTA-STS decides the others.
   */
  public SmtpTransport(Vertx vertx, RelayOptions options, MxResolver resolver, java.util.Set<InetAddress> localAddresses,
      PeerVerifier verifier, MtaSts mtaSts, DanePolicy dane) {
    this.vertx = vertx;
    this.mtaSts = mtaSts;
    this.dane = dane;
    this.verifier = verifier == null ? null : Future.succeededFuture(verifier);
    this.loopCheck = new MxLoopCheck(options.getLocalNames(), options.getLocalPorts(), options.getPort(), localAddresses);
    this.options = new RelayOptions(options);
    this.resolver = resolver;
    this.limiter = new DestinationLimiter(options.getMaxConnectionsPerDestination());
    this.pool = new ConnectionPool(vertx, options.getConnectionIdle().toMillis(), options.getMaxConnectionsPerDestination());
  }

  /** Says goodbye to the connections kept for reuse (and closes the MTA-STS client). */
  public void close() {
    pool.closeAll();
    if (mtaSts != null) {
      mtaSts.close();
    }
  }

  @Override
  public Future<Map<String, DeliveryResult>> deliver(Envelope envelope, List<String> recipients, Buffer content) {
    String domain = recipients.get(0).substring(recipients.get(0).lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    String destination = options.getSmarthost() != null ? "smarthost" : domain;
    // One pass over the bytes for every host tried (a few ms for the largest message, as dot-stuffing).
    Message message = new Message(envelope, content, ContentScan.of(content),
        !envelope.requireTls() && TlsRequiredHeader.saysNo(content));
    RequireTls.Tally tally = envelope.requireTls() ? new RequireTls.Tally() : null;
    return limiter.submit(destination, () -> verifier()
        .compose(v -> targets(domain, message).compose(targets -> attempt(targets, 0, v, message, recipients,
            new Failure("none", "4.4.1", "no host to try", null), tally)))
        .recover(e -> Future.succeededFuture(failAll(recipients, e))));
  }

  /** The certificate checker, made once (reading files, so on a worker). */
  private Future<PeerVerifier> verifier() {
    if (verifier == null || verifier.failed()) {
      String caFile = options.getTls().getCaFile();
      verifier = vertx.executeBlocking(() -> PeerVerifier.create(caFile == null ? null : java.nio.file.Path.of(caFile)), false);
    }
    return verifier;
  }

  private Future<List<Target>> targets(String domain, Message message) {
    Smarthost smarthost = options.getSmarthost();
    if (smarthost == null) {
      // TLS-Required: No asks that the recipient's own policies (MTA-STS, DANE) be ignored
      // (RFC 8689 section 4.2.2); relay.tls.policy's other levels are the operator's and stay.
      boolean recipientPolicies = !message.tlsRequiredNo();
      Future<MtaStsPolicy> sts = mtaSts == null || !recipientPolicies ? Future.succeededFuture(null)
          : mtaSts.policy(domain);
      return resolver.resolve(domain).compose(route -> sts.compose(stsPolicy -> {
        List<MxHost> hosts = loopCheck.beforeSelf(route.hosts());
        if (hosts.isEmpty()) {
          throw new MailLoopException(domain);
        }
        // The level of relay.tls.policy: only "may" ever falls back to plaintext. DANE (RFC 7672),
        // when relay.dnssec is on, decides per MX host from its TLSA records (docs/tls.md, "DANE");
        // an enforced MTA-STS policy decides the hosts DANE did not: "verify" for the MX hosts it
        // names, nothing for the others (MtaSts.level).
        RelayTlsOptions.Match policy = options.tlsPolicy(domain);
        boolean useDane = dane != null && recipientPolicies && !domain.startsWith("[")
            && DanePolicy.appliesTo(policy.level());
        Future<Map<String, HostDane>> decisions = useDane
            ? dane.lookup(domain, hosts.stream().map(MxHost::name).toList(), options.getPort())
            : Future.succeededFuture(Map.of());
        return decisions.map(d -> targets(domain, hosts, policy.level(), stsPolicy, d, message));
      }));
    }
    // The smarthost is verified (and only then gets the password) unless tlsVerify is false.
    TlsLevel level = options.appliedTlsPolicy(domain).level();
    if (message.requireTls()) {
      // Even a smarthost with tlsVerify false or tls none: REQUIRETLS wants verified TLS.
      level = RequireTls.levelFor(level);
    }
    ClientOptions client = new ClientOptions(options.getClient())
        .setUsername(smarthost.username())
        .setPassword(smarthost.password())
        .setImplicitTls(smarthost.tls() == Smarthost.Tls.IMPLICIT)
        .setTlsLevel(level)
        .setAuthOverUnverifiedTls(!smarthost.tlsVerify());
    // A configured host name: the system resolver, on a worker (a literal address needs no lookup).
    return vertx.executeBlocking(() -> InetAddress.getAllByName(smarthost.host()), false).map(addresses -> {
      List<Target> out = new ArrayList<>();
      for (InetAddress a : addresses) {
        out.add(new Target(smarthost.host(), a, smarthost.port(), client));
      }
      return out;
    });
  }

  /**
   * The addresses to try for {@code hosts}, each with its level: DANE's decision where it made one
   * (a secure TLSA set: level {@code dane} and its check; secure but unusable: at least
   * {@code encrypt}; a failed lookup: skipped), else MTA-STS's ({@code null}: an enforced policy
   * does not name the host, left out), then REQUIRETLS raises and TLS-Required: No relaxes it.
   */
  private List<Target> targets(String domain, List<MxHost> hosts, TlsLevel base, MtaStsPolicy sts,
      Map<String, HostDane> decisions, Message message) {
    Map<TlsLevel, ClientOptions> clients = new java.util.EnumMap<>(TlsLevel.class);
    List<Target> out = new ArrayList<>();
    boolean leftOut = false;
    for (MxHost host : hosts) {
      HostDane decision = decisions.get(host.name());
      PeerCheck check = null;
      String skip = null;
      TlsLevel level;
      if (decision instanceof HostDane.Authenticated a) {
        level = TlsLevel.DANE;
        check = a.verifier();
      } else if (decision instanceof HostDane.Skip s) {
        level = base;
        skip = s.reason();
      } else {
        level = MtaSts.level(sts, host.name(), base);
        if (level == null) {
          leftOut = true;
          continue;
        }
        if (decision instanceof HostDane.EncryptOnly && level != TlsLevel.VERIFY) {
          level = TlsLevel.ENCRYPT;
        }
      }
      if (message.requireTls() && check == null) {
        level = RequireTls.levelFor(level);
      } else if (level == TlsLevel.DANE && check == null && message.tlsRequiredNo()) {
        level = level.relaxedForTlsRequiredNo();
      }
      ClientOptions client = clients.computeIfAbsent(level, l -> new ClientOptions(options.getClient()).setTlsLevel(l));
      for (InetAddress a : host.addresses()) {
        out.add(new Target(host.name(), a, options.getPort(), client, check, skip, sts));
      }
    }
    if (out.isEmpty() && leftOut) {
      throw new PolicyMismatchException(domain, sts);
    }
    return out;
  }

  private Future<Map<String, DeliveryResult>> attempt(List<Target> targets, int index, PeerVerifier verifier,
      Message message, List<String> recipients, Failure last, RequireTls.Tally tally) {
    if (index >= targets.size()) {
      Map<String, DeliveryResult> out = new LinkedHashMap<>();
      // RFC 8689 section 4.2.1: no host met REQUIRETLS, none can later: a bounce, not a wait.
      String permanent = tally == null ? null : tally.permanentStatus();
      recipients.forEach(r -> out.put(r, permanent != null
          ? new DeliveryResult.Permanent(last.relay(), permanent, last.detail(), last.tls())
          : new DeliveryResult.Transient(last.relay(), last.status(), last.detail(), last.tls())));
      return Future.succeededFuture(out);
    }
    Target target = targets.get(index);
    if (target.skip() != null) {
      // DANE says not to use this host (RFC 7672 section 2.1.1): like a host that does not answer.
      return attempt(targets, index + 1, verifier, message, recipients, new Failure(target.relay(), "4.7.5",
          "DANE: " + target.skip(), TlsStatus.plaintext(target.client().getTlsLevel())), tally);
    }
    String poolKey = target.poolKey();
    SmtpClientSession reused = pool.take(poolKey);
    Future<SmtpClientSession> session = reused != null ? Future.succeededFuture(reused)
        : SmtpClientSession.connect(vertx, target.client(), target.check() != null ? target.check() : verifier,
            target.host(), target.address(), target.port());
    return session
        .compose(s -> {
          if (message.requireTls() && !RequireTls.qualifies(s)) {
            // The session is verified (level verify) and good for other mail: kept, not a byte sent.
            pool.give(poolKey, s);
            return Future.failedFuture(RequireTls.notOffered(s, target.relay()));
          }
          return s.send(message.envelope(), recipients, message.content(), message.scan())
              .onComplete(ar -> pool.give(poolKey, s))
              .onSuccess(r -> {
                if (mtaSts != null) {
                  mtaSts.observe(message.envelope().id(), target.sts(), target.host(), s.tlsStatus());
                }
              })
              .map(result -> convert(result, target.relay(), s.tlsStatus()));
        })
        .recover(e -> {
          if (tally != null) {
            tally.failed(e);
          }
          return attempt(targets, index + 1, verifier, message, recipients, failure(e, target), tally);
        });
  }

  /**
   * A host that did not take the message: a 4.7.x of the client (a TLS level not met) is kept as
   * the status, anything else is 4.4.1 (no answer from the host), as before.
   */
  private static Failure failure(Throwable e, Target target) {
    String status = "4.4.1";
    TlsStatus tls = TlsStatus.plaintext(target.client().getTlsLevel());
    if (e instanceof SmtpClientException ce) {
      Reply r = ce.reply();
      if (r.status() != null && r.isTransient() && r.status().toString().startsWith("4.7.")) {
        status = r.status().toString();
      }
      if (ce.tls() != null) {
        tls = ce.tls();
      }
    }
    // Say why the level was required when an enforced MTA-STS policy raised it.
    String why = target.sts() != null && target.sts().mode() == MtaStsPolicy.Mode.ENFORCE
        ? " [" + target.sts().source() + "]" : "";
    return new Failure(target.relay(), status, describe(e) + why, tls);
  }

  /** One line for the log and a bounce: the (possibly synthesized) reply and the underlying cause. */
  private static String describe(Throwable e) {
    String text;
    if (e instanceof SmtpClientException ce && ce.reply() != null) {
      Reply r = ce.reply();
      text = r.code() + (r.status() == null ? "" : " " + r.status()) + " " + r.text();
      Throwable cause = ce.getCause();
      if (cause != null && cause.getMessage() != null) {
        text += " (" + cause.getMessage() + ")";
      }
    } else {
      text = String.valueOf(e.getMessage());
    }
    return text.replaceAll("[\\r\\n]+", " ").trim();
  }

  private static Map<String, DeliveryResult> convert(TransactionResult result, String relay, TlsStatus tls) {
    Map<String, DeliveryResult> out = new LinkedHashMap<>();
    result.perRecipient().forEach((rcpt, r) -> out.put(rcpt, convert(r, relay, tls)));
    return out;
  }

  private static DeliveryResult convert(RecipientResult r, String relay, TlsStatus tls) {
    Reply reply = r.reply();
    String said = reply.code() + (reply.status() == null ? "" : " " + reply.status()) + " " + reply.text();
    if (r instanceof RecipientResult.Delivered) {
      return new DeliveryResult.Delivered(relay, said, tls);
    }
    if (r instanceof RecipientResult.Permanent) {
      return new DeliveryResult.Permanent(relay, reply.status() == null ? "5.0.0" : reply.status().toString(), said, tls);
    }
    return new DeliveryResult.Transient(relay, reply.status() == null ? "4.0.0" : reply.status().toString(), said, tls);
  }

  private static Map<String, DeliveryResult> failAll(List<String> recipients, Throwable e) {
    Map<String, DeliveryResult> out = new LinkedHashMap<>();
    for (String r : recipients) {
      if (e instanceof DnsResolutionException dns) {
        String detail = "DNS: " + dns.getMessage();
        out.put(r, dns.isPermanent() ? new DeliveryResult.Permanent("none", dns.enhancedStatus(), detail)
            : new DeliveryResult.Transient("none", dns.enhancedStatus(), detail));
      } else if (e instanceof MailLoopException loop) {
        out.put(r, new DeliveryResult.Permanent("none", "5.4.6", loop.getMessage()));
      } else if (e instanceof PolicyMismatchException mismatch) {
        out.put(r, new DeliveryResult.Transient("none", "4.7.0", mismatch.getMessage()));
      } else {
        out.put(r, new DeliveryResult.Transient("none", "4.3.0", "local error: " + e));
      }
    }
    return out;
  }
}
