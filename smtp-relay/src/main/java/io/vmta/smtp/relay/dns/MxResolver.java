package io.vmta.smtp.relay.dns;

import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.dns.DnsResolutionException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vmta.smtp.core.Domain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Address;
import org.xbill.DNS.Resolver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Finds where to deliver mail for a domain (RFC 5321 section 5.1, RFC 7505) with dnsjava's
 * asynchronous resolver, caching answers for their TTL, and hands the result back on the caller's
 * Vert.x context. Never blocks the calling thread.
 *
 * <p>Outcomes: a {@link Route} of at most {@link #MAX_HOSTS} hosts, best preference first, equal
 * preferences shuffled, each host with its IPv4 then IPv6 addresses; or a
 * {@link DnsResolutionException}: 5.1.2 for a domain that does not exist, 5.1.10 for a null MX,
 * 5.4.4 when DNS says no mail exchanger has an address, 4.4.3 for SERVFAIL, timeouts and network
 * errors (never cached).
 */
public final class MxResolver {

  /** Mail exchangers kept per route; the rest are not tried. */
  public static final int MAX_HOSTS = 5;
  /** Domains kept in the cache before the least recently used is dropped. */
  public static final int CACHE_SIZE = 10_000;

  private static final Logger log = LoggerFactory.getLogger(MxResolver.class);

  private final Vertx vertx;
  private final Random random;
  private final RouteLookup lookup;
  private final RouteCache cache;

  /**
   * A resolver asking {@code dnsServers}, or the system's resolvers when the list is empty (read
   * once from the system configuration, a small file read); {@code timeout} bounds each attempt.
   */
  public MxResolver(Vertx vertx, List<InetSocketAddress> dnsServers, Duration timeout) {
    this(vertx, DnsQueries.resolver(dnsServers, timeout), new Random(), Clock.systemUTC(),
        CACHE_SIZE);
  }

  /** For tests: a given dnsjava resolver, shuffle, clock and cache size. */
  MxResolver(Vertx vertx, Resolver resolver, Random random, Clock clock, int cacheSize) {
    this.vertx = vertx;
    this.random = random;
    this.lookup = new RouteLookup(new DnsQueries(resolver), random);
    this.cache = new RouteCache(cacheSize, clock);
  }

  /**
   * The route to {@code domain} (a domain name in A- or U-labels, or an address literal), completed
   * on the calling thread's Vert.x context (one is created when there is none).
   */
  public Future<Route> resolve(String domain) {
    Context context = vertx.getOrCreateContext();
    Promise<Route> promise = Promise.promise();
    route(domain).whenComplete((route, error) -> context.runOnContext(v -> {
      if (error == null) {
        promise.complete(route);
        return;
      }
      Throwable cause = DnsQueries.unwrap(error);
      if (cause instanceof DnsResolutionException failure) {
        log.debug("MX lookup of {}: {} {}", domain, failure.enhancedStatus(), failure.getMessage());
        promise.fail(failure);
      } else {
        log.warn("MX lookup of {} failed unexpectedly", domain, cause);
        promise.fail(DnsResolutionException.deferred(domain, "lookup failed", cause));
      }
    }));
    return promise.future();
  }

  /** The number of domains in the cache. */
  int cachedDomains() {
    return cache.size();
  }

  private CompletableFuture<Route> route(String text) {
    Domain domain;
    try {
      domain = Domain.parse(text);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          DnsResolutionException.domainNotFound(String.valueOf(text), e.getMessage()));
    }
    if (domain.isLiteral()) {
      return literal(domain.ascii());
    }
    // Every caller gets its own shuffle of equal preferences, cached route or not.
    return cache.get(domain.ascii(), lookup::lookup).thenApply(route -> new Route(
        RouteLookup.byPreference(route.hosts(), MxHost::preference, random)));
  }

  /** An address literal is the host itself, no DNS involved (RFC 5321 sections 4.1.3 and 5.1). */
  private static CompletableFuture<Route> literal(String literal) {
    String inner = literal.substring(1, literal.length() - 1);
    int family = Address.IPv4;
    if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
      inner = inner.substring(5);
      family = Address.IPv6;
    }
    byte[] bytes = Address.toByteArray(inner, family);
    try {
      if (bytes != null) {
        InetAddress address = InetAddress.getByAddress(bytes);
        MxHost host = new MxHost(literal, 0, List.of(address));
        return CompletableFuture.completedFuture(new Route(List.of(host)));
      }
    } catch (UnknownHostException e) {
      // Only for a byte array of the wrong length, which toByteArray does not return.
    }
    return CompletableFuture.failedFuture(
        DnsResolutionException.domainNotFound(literal, "not a usable address literal"));
  }
}
