package io.vmta.mailauth.dns;

import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends one question at a time through dnsjava's asynchronous resolver and reads the response into
 * a {@link DnsAnswer}. Futures complete on dnsjava's threads; network errors and timeouts fail them
 * with a transient {@link DnsResolutionException}.
 */
public final class DnsQueries {

  /** Each server is asked at most this often per question before the query fails. */
  public static final int ATTEMPTS_PER_SERVER = 2;
  /** How often dnsjava's NIO client looks for timed-out queries. */
  private static final Duration SELECTOR_TICK = Duration.ofSeconds(1);

  private final Resolver resolver;

  public DnsQueries(Resolver resolver) {
    this.resolver = resolver;
  }

  /**
   * A resolver asking {@code servers} in turn, or the system's resolvers (dnsjava's
   * {@link ResolverConfig}, which reads {@code /etc/resolv.conf} once) when the list is empty.
   * {@code timeout} bounds each attempt at one server.
   */
  public static Resolver resolver(List<InetSocketAddress> servers, Duration timeout) {
    List<InetSocketAddress> targets = servers.isEmpty()
        ? ResolverConfig.getCurrentConfig().servers()
        : servers;
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no DNS server configured and none found in the system");
    }
    List<Resolver> each = targets.stream().map(address -> {
      SimpleResolver simple = new SimpleResolver(address);
      simple.setTimeout(timeout);
      return (Resolver) simple;
    }).toList();
    ExtendedResolver resolver = new ExtendedResolver(each);
    resolver.setRetries(ATTEMPTS_PER_SERVER);
    // ExtendedResolver's own deadline, checked only when an attempt fails, must leave room for
    // every attempt at every server; dnsjava notices UDP timeouts about once a second, so a short
    // timeout lasts up to a second longer.
    Duration attempt = timeout.plus(SELECTOR_TICK);
    resolver.setTimeout(attempt.multipliedBy((long) ATTEMPTS_PER_SERVER * each.size()));
    return resolver;
  }

  /** Asks for the records of {@code type} at {@code name} (class IN). */
  public CompletableFuture<DnsAnswer> query(Name name, int type) {
    Message question = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    return resolver.sendAsync(question).toCompletableFuture().handle((response, error) -> {
      if (error != null) {
        throw DnsResolutionException.deferred(name.toString(true),
            Type.string(type) + " lookup failed: " + describe(unwrap(error)), error);
      }
      return DnsAnswer.of(response, name, type);
    });
  }

  /** A few words for the log and the bounce: a timeout says so, others their message or type. */
  public static String describe(Throwable error) {
    if (error instanceof java.util.concurrent.TimeoutException || error instanceof java.net.SocketTimeoutException) {
      return "no answer from the DNS servers in time";
    }
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }

  /** The failure inside the wrapper CompletableFuture puts around it. */
  public static Throwable unwrap(Throwable error) {
    boolean wrapped = error instanceof CompletionException && error.getCause() != null;
    return wrapped ? error.getCause() : error;
  }
}
