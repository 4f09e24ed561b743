package io.vmta.smtp.relay;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.relay.client.PeerVerifier;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.dane.DanePolicy;
import io.vmta.smtp.relay.dane.DnssecMode;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.mtasts.MtaSts;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.smtp.relay.transport.MxLoopCheck;
import io.vmta.smtp.relay.transport.SmtpTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Remote delivery for the queue of this node: answers {@value #ADDRESS} requests (a
 * {@link QueuedMessage} whose envelope names the recipients of one domain) with one result per
 * recipient, found through DNS MX records (or the smarthost) and the outbound SMTP client.
 */
public class RelayVerticle extends VerticleBase {

  /** Request: a QueuedMessage for recipients of one domain. Reply: {recipient: DeliveryResult JSON}. */
  public static final String ADDRESS = "mta.relay.deliver";

  private static final Logger log = LoggerFactory.getLogger(RelayVerticle.class);

  private final RelayOptions explicitOptions;
  private final Path mtaStsDir;
  private MessageConsumer<QueuedMessage> consumer;
  private SmtpTransport transport;

  /** Reads its options from the deployment configuration ({@link RelayOptions} JSON). */
  public RelayVerticle() {
    this(null);
  }

  public RelayVerticle(RelayOptions options) {
    this(options, null);
  }

  /**
   * With {@code options} (from the deployment configuration when null) and MTA-STS policies kept
   * in {@code mtaStsDir} across restarts (e.g. {@code <dataDir>/mta-sts}; null for memory only).
   */
  public RelayVerticle(RelayOptions options, Path mtaStsDir) {
    this.explicitOptions = options == null ? null : new RelayOptions(options);
    this.mtaStsDir = mtaStsDir;
  }

  @Override
  public Future<?> start() {
    RelayOptions options = explicitOptions != null ? explicitOptions : new RelayOptions(config());
    QueuedMessageCodec.register(vertx);
    List<InetSocketAddress> servers = options.dnsServerAddresses();
    // With no servers given, the resolver reads the system's configuration: a small blocking read.
    // So do the interface addresses, for the mail loop check.
    warnAboutTls(options);
    return vertx.executeBlocking(() -> new MxResolver(vertx, servers, options.getDnsTimeout()))
        .compose(resolver -> vertx.executeBlocking(MxLoopCheck::interfaceAddresses).compose(addresses ->
            vertx.executeBlocking(() -> verifier(options)).compose(verifier ->
            // The DNS clients read the system's resolver configuration when no server is given, and
            // DANE reads its trust anchors: blocking, so on a worker.
            vertx.executeBlocking(() -> new Policies(mtaSts(options, servers, verifier), dane(options, servers)))
                .compose(policies -> {
          transport = new SmtpTransport(vertx, options, resolver, addresses, verifier, policies.mtaSts(),
              policies.dane());
          consumer = vertx.eventBus().localConsumer(ADDRESS, new RelayRequests(transport)::handle);
          log.info("relay started: {}", options.getSmarthost() != null ? "all remote mail through "
              + options.getSmarthost() : "MX routing, destination port " + options.getPort());
          return consumer.completion();
        }))));
  }

  /** The recipients' TLS policies the relay honours; either may be null (off). */
  private record Policies(MtaSts mtaSts, DanePolicy dane) {
  }

  /** MTA-STS for MX routing, unless turned off or all mail goes to the smarthost. */
  private MtaSts mtaSts(RelayOptions options, List<InetSocketAddress> servers, PeerVerifier verifier) {
    if (!options.isMtaSts() || options.getSmarthost() != null) {
      return null;
    }
    return new MtaSts(vertx, DnsClient.shared(vertx, servers, options.getDnsTimeout()), verifier, mtaStsDir);
  }

  /** DANE when relay.dnssec is on (reading the trust anchors: blocking), else null. */
  private DanePolicy dane(RelayOptions options, List<InetSocketAddress> servers) {
    if (options.getDnssec() == DnssecMode.OFF || options.getSmarthost() != null) {
      return null;
    }
    String anchors = options.getDnssecTrustAnchors();
    try {
      DanePolicy dane = DanePolicy.create(vertx, servers, options.getDnsTimeout(), options.getDnssec(),
          anchors == null ? null : Path.of(anchors));
      log.info("DANE on: DNSSEC {} ({})", options.getDnssec() == DnssecMode.VALIDATE ? "validated by vmta"
          : "validated by the DNS servers, AD bit trusted", anchors == null ? "root trust anchor" : anchors);
      return dane;
    } catch (IllegalArgumentException e) {
      throw new ConfigException("relay.dnssecTrustAnchors", e.getMessage());
    }
  }

  /** The certificate checker with {@code relay.tls.caFile}; blocking (it reads files). */
  private static PeerVerifier verifier(RelayOptions options) {
    String caFile = options.getTls().getCaFile();
    try {
      return PeerVerifier.create(caFile == null ? null : Path.of(caFile));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("relay.tls.caFile", e.getMessage());
    }
  }

  /** The TLS settings an operator must know about: verification turned off, a level not in effect. */
  private static void warnAboutTls(RelayOptions options) {
    Smarthost smarthost = options.getSmarthost();
    if (smarthost != null && !smarthost.tlsVerify() && smarthost.tls() != Smarthost.Tls.NONE) {
      log.warn("relay.smarthost.tlsVerify is false: the certificate of {} is not verified and the"
          + " credentials go to whoever answers for it", smarthost.host());
    }
    options.getTls().getPolicy().forEach((domain, level) -> {
      if (level == TlsLevel.DANE && options.getDnssec() == DnssecMode.OFF) {
        log.warn("relay.tls.policy[{}] is dane but relay.dnssec is false: without DNSSEC there is no"
            + " DANE, so it acts as may (opportunistic TLS)", domain);
      }
    });
    if (options.getDnssec() != DnssecMode.OFF && smarthost != null) {
      log.warn("relay.dnssec is on but all mail goes to relay.smarthost: DANE is not used for a smarthost");
    }
  }

  @Override
  public Future<?> stop() {
    if (transport != null) {
      transport.close();
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
