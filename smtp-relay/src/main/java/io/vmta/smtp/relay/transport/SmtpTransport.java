package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.codec.ContentScan;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.Smarthost;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.client.RecipientResult;
import io.vmta.smtp.relay.client.SmtpClientException;
import io.vmta.smtp.relay.client.SmtpClientSession;
import io.vmta.smtp.relay.client.TlsPolicy;
import io.vmta.smtp.relay.client.TransactionResult;
import io.vmta.mailauth.dns.DnsResolutionException;
import io.vmta.smtp.relay.dns.MxHost;
import io.vmta.smtp.relay.dns.MxResolver;

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
 */
public final class SmtpTransport implements Transport {

  private final Vertx vertx;
  private final RelayOptions options;
  private final MxResolver resolver;
  private final DestinationLimiter limiter;
  private final ConnectionPool pool;
  private final MxLoopCheck loopCheck;

  /** The route of a domain leads back to this MTA: a permanent failure (RFC 3463 5.4.6). */
  private static final class MailLoopException extends RuntimeException {
    MailLoopException(String domain) {
      super("mail for " + domain + " loops back to myself", null, false, false);
    }
  }

  /** The message to send and what its bytes need from a server. */
  private record Message(Envelope envelope, Buffer content, ContentScan scan) {
  }

  /** One host address to try. */
  private record Target(String host, InetAddress address, int port, ClientOptions client) {
    String relay() {
      return host + "[" + address.getHostAddress() + "]:" + port;
    }
  }

  /** A transport that recognises itself in MX lists by the names and ports of {@code options} (loopback counted as ours). */
  public SmtpTransport(Vertx vertx, RelayOptions options, MxResolver resolver) {
    this(vertx, options, resolver, java.util.Set.of());
  }

  /** As above, with this machine's interface addresses ({@link MxLoopCheck#interfaceAddresses()}) counted as ours too. */
  public SmtpTransport(Vertx vertx, RelayOptions options, MxResolver resolver, java.util.Set<InetAddress> localAddresses) {
    this.vertx = vertx;
    this.loopCheck = new MxLoopCheck(options.getLocalNames(), options.getLocalPorts(), options.getPort(), localAddresses);
    this.options = new RelayOptions(options);
    this.resolver = resolver;
    this.limiter = new DestinationLimiter(options.getMaxConnectionsPerDestination());
    this.pool = new ConnectionPool(vertx, options.getConnectionIdle().toMillis(), options.getMaxConnectionsPerDestination());
  }

  /** Says goodbye to the connections kept for reuse. */
  public void close() {
    pool.closeAll();
  }

  @Override
  public Future<Map<String, DeliveryResult>> deliver(Envelope envelope, List<String> recipients, Buffer content) {
    String domain = recipients.get(0).substring(recipients.get(0).lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    String destination = options.getSmarthost() != null ? "smarthost" : domain;
    // One pass over the bytes for every host tried (a few ms for the largest message, as dot-stuffing).
    Message message = new Message(envelope, content, ContentScan.of(content));
    return limiter.submit(destination, () -> targets(domain)
        .compose(targets -> attempt(targets, 0, message, recipients, "no host to try", "none"))
        .recover(e -> Future.succeededFuture(failAll(recipients, e))));
  }

  private Future<List<Target>> targets(String domain) {
    Smarthost smarthost = options.getSmarthost();
    if (smarthost == null) {
      return resolver.resolve(domain).map(route -> {
        List<MxHost> hosts = loopCheck.beforeSelf(route.hosts());
        if (hosts.isEmpty()) {
          throw new MailLoopException(domain);
        }
        // A domain that requires TLS: no STARTTLS or a failed handshake defers, never plaintext.
        ClientOptions client = options.requiresTls(domain)
            ? new ClientOptions(options.getClient()).setTlsPolicy(TlsPolicy.REQUIRED) : options.getClient();
        List<Target> out = new ArrayList<>();
        for (MxHost host : hosts) {
          host.addresses().forEach(a -> out.add(new Target(host.name(), a, options.getPort(), client)));
        }
        return out;
      });
    }
    ClientOptions client = new ClientOptions(options.getClient())
        .setUsername(smarthost.username())
        .setPassword(smarthost.password())
        .setImplicitTls(smarthost.tls() == Smarthost.Tls.IMPLICIT)
        .setTlsPolicy(smarthost.tls() == Smarthost.Tls.STARTTLS ? TlsPolicy.REQUIRED
            : smarthost.tls() == Smarthost.Tls.NONE ? TlsPolicy.NONE : options.getClient().getTlsPolicy());
    // A configured host name: the system resolver, on a worker (a literal address needs no lookup).
    return vertx.executeBlocking(() -> InetAddress.getAllByName(smarthost.host()), false).map(addresses -> {
      List<Target> out = new ArrayList<>();
      for (InetAddress a : addresses) {
        out.add(new Target(smarthost.host(), a, smarthost.port(), client));
      }
      return out;
    });
  }

  private Future<Map<String, DeliveryResult>> attempt(List<Target> targets, int index, Message message,
      List<String> recipients, String lastError, String lastRelay) {
    if (index >= targets.size()) {
      Map<String, DeliveryResult> out = new LinkedHashMap<>();
      recipients.forEach(r -> out.put(r, new DeliveryResult.Transient(lastRelay, "4.4.1", lastError)));
      return Future.succeededFuture(out);
    }
    Target target = targets.get(index);
    // Sessions of a TLS-required destination are pooled apart: a plaintext one must never serve it.
    String poolKey = target.client().getTlsPolicy() == TlsPolicy.REQUIRED ? target.relay() + " tls" : target.relay();
    SmtpClientSession reused = pool.take(poolKey);
    Future<SmtpClientSession> session = reused != null ? Future.succeededFuture(reused)
        : SmtpClientSession.connect(vertx, target.client(), target.host(), target.address(), target.port());
    return session
        .compose(s -> s.send(message.envelope(), recipients, message.content(), message.scan())
            .onComplete(ar -> pool.give(poolKey, s)))
        .map(result -> convert(result, target.relay()))
        .recover(e -> attempt(targets, index + 1, message, recipients, describe(e), target.relay()));
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

  private static Map<String, DeliveryResult> convert(TransactionResult result, String relay) {
    Map<String, DeliveryResult> out = new LinkedHashMap<>();
    result.perRecipient().forEach((rcpt, r) -> out.put(rcpt, convert(r, relay)));
    return out;
  }

  private static DeliveryResult convert(RecipientResult r, String relay) {
    Reply reply = r.reply();
    String said = reply.code() + (reply.status() == null ? "" : " " + reply.status()) + " " + reply.text();
    if (r instanceof RecipientResult.Delivered) {
      return new DeliveryResult.Delivered(relay, said);
    }
    if (r instanceof RecipientResult.Permanent) {
      return new DeliveryResult.Permanent(relay, reply.status() == null ? "5.0.0" : reply.status().toString(), said);
    }
    return new DeliveryResult.Transient(relay, reply.status() == null ? "4.0.0" : reply.status().toString(), said);
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
      } else {
        out.put(r, new DeliveryResult.Transient("none", "4.3.0", "local error: " + e));
      }
    }
    return out;
  }
}
