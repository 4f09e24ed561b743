package io.vmta.smtp.relay;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vmta.smtp.core.local.Cidr;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vmta.smtp.relay.dns.MxResolver;
import io.vmta.smtp.relay.transport.MxLoopCheck;
import io.vmta.smtp.relay.transport.SmtpTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
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
  private MessageConsumer<QueuedMessage> consumer;
  private SmtpTransport transport;

  /** Reads its options from the deployment configuration ({@link RelayOptions} JSON). */
  public RelayVerticle() {
    this(null);
  }

  public RelayVerticle(RelayOptions options) {
    this.explicitOptions = options == null ? null : new RelayOptions(options);
  }

  @Override
  public Future<?> start() {
    RelayOptions options = explicitOptions != null ? explicitOptions : new RelayOptions(config());
    QueuedMessageCodec.register(vertx);
    List<InetSocketAddress> servers = options.getDnsServers().stream().map(RelayVerticle::dnsServer).toList();
    // With no servers given, the resolver reads the system's configuration: a small blocking read.
    // So do the interface addresses, for the mail loop check.
    return vertx.executeBlocking(() -> new MxResolver(vertx, servers, Duration.ofMillis(options.getDnsTimeoutMillis())))
        .compose(resolver -> vertx.executeBlocking(MxLoopCheck::interfaceAddresses).compose(addresses -> {
          transport = new SmtpTransport(vertx, options, resolver, addresses);
          consumer = vertx.eventBus().localConsumer(ADDRESS, new RelayRequests(transport)::handle);
          log.info("relay started: {}", options.getSmarthost() != null ? "all remote mail through "
              + options.getSmarthost() : "MX routing, destination port " + options.getPort());
          return consumer.completion();
        }));
  }

  @Override
  public Future<?> stop() {
    if (transport != null) {
      transport.close();
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** {@code host:port} with an IP literal host ({@code [::1]:53} for IPv6); the port defaults to 53. */
  static InetSocketAddress dnsServer(String text) {
    String host = text;
    int port = 53;
    int colon = text.lastIndexOf(':');
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        port = Integer.parseInt(text.substring(close + 2));
      }
    } else if (colon > 0 && text.indexOf(':') == colon) {
      host = text.substring(0, colon);
      port = Integer.parseInt(text.substring(colon + 1));
    }
    return new InetSocketAddress(Cidr.parseAddress(host), port);
  }
}
