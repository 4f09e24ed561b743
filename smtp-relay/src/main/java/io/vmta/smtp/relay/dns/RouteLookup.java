package io.vmta.smtp.relay.dns;

import io.vmta.mailauth.dns.DnsAnswer;
import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.dns.DnsResolutionException;
import io.vmta.smtp.relay.dns.RouteCache.Outcome;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * Finds the route of one domain in DNS, following RFC 5321 section 5.1 and RFC 7505: MX records
 * sorted and capped, the implicit MX when there are none, the addresses of each host.
 */
final class RouteLookup {

  /** Positive answers are believed at most this long, whatever their TTL. */
  static final long MAX_TTL = 3600;

  private record Candidate(Name name, int preference) {
  }

  /** One host's two address lookups; a failed lookup is kept as its error. */
  private record HostAddresses(Candidate host, Lookup v4, Lookup v6) {

    List<InetAddress> addresses() {
      List<InetAddress> all = new ArrayList<>();
      // IPv4 first: many hosts that run an MTA have an IPv6 address but no IPv6 route.
      for (Lookup lookup : List.of(v4, v6)) {
        if (lookup.answer() != null) {
          for (Record r : lookup.answer().records()) {
            all.add(r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress());
          }
        }
      }
      return all;
    }

    boolean failed() {
      return v4.answer() == null || v6.answer() == null;
    }

    long ttlSeconds() {
      return failed() ? 0 : Math.min(v4.answer().ttlSeconds(), v6.answer().ttlSeconds());
    }
  }

  private record Lookup(DnsAnswer answer, Throwable error) {
  }

  private final DnsQueries dns;
  private final Random random;

  RouteLookup(DnsQueries dns, Random random) {
    this.dns = dns;
    this.random = random;
  }

  /** Resolves {@code domain} (A-labels, no trailing dot); transient failures fail the future. */
  CompletableFuture<Outcome> lookup(String domain) {
    Name name;
    try {
      name = Name.fromString(domain, Name.root);
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(Outcome.failed(
          DnsResolutionException.domainNotFound(domain, "not a valid domain name"),
          DnsAnswer.MAX_NEGATIVE_TTL));
    }
    return dns.query(name, Type.MX).thenCompose(mx -> switch (mx.kind()) {
      // NXDOMAIN holds for every type: there is no A record to fall back to either.
      case NX_DOMAIN -> CompletableFuture.completedFuture(Outcome.failed(
          DnsResolutionException.domainNotFound(domain, "no such domain"), mx.ttlSeconds()));
      // No MX records: the domain itself is the implicit MX, preference 0 (RFC 5321 section 5.1).
      case NO_DATA -> hosts(domain, List.of(new Candidate(name, 0)), mx.ttlSeconds());
      case DATA -> fromMx(domain, mx);
    });
  }

  private CompletableFuture<Outcome> fromMx(String domain, DnsAnswer mx) {
    List<MXRecord> records = mx.records().stream().map(MXRecord.class::cast).toList();
    // RFC 7505 section 3: "0 ." alone is a null MX. A "." target beside real ones names no host,
    // so it is dropped; a set of nothing but "." targets is read as a null MX as well.
    List<Candidate> candidates = records.stream()
        .filter(r -> !r.getTarget().equals(Name.root))
        .map(r -> new Candidate(r.getTarget(), r.getPriority()))
        .toList();
    if (candidates.isEmpty()) {
      return CompletableFuture.completedFuture(Outcome.failed(
          DnsResolutionException.nullMx(domain),
          Math.min(mx.ttlSeconds(), DnsAnswer.MAX_NEGATIVE_TTL)));
    }
    List<Candidate> best = byPreference(candidates, Candidate::preference, random).stream()
        .limit(MxResolver.MAX_HOSTS)
        .toList();
    return hosts(domain, best, mx.ttlSeconds());
  }

  /** Looks up A and AAAA of every candidate at once; the route keeps the hosts that have one. */
  private CompletableFuture<Outcome> hosts(String domain, List<Candidate> candidates, long mxTtl) {
    List<CompletableFuture<HostAddresses>> lookups = candidates.stream()
        .map(this::addresses)
        .toList();
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<HostAddresses> results = lookups.stream().map(CompletableFuture::join).toList();
      List<MxHost> hosts = new ArrayList<>();
      long ttl = Math.min(mxTtl, MAX_TTL);
      boolean anyFailed = false;
      for (HostAddresses result : results) {
        ttl = Math.min(ttl, result.ttlSeconds());
        anyFailed |= result.failed();
        List<InetAddress> addresses = result.addresses();
        if (!addresses.isEmpty()) {
          Candidate host = result.host();
          hosts.add(new MxHost(host.name().toString(true), host.preference(), addresses));
        }
      }
      if (!hosts.isEmpty()) {
        return Outcome.found(new Route(hosts), ttl);
      }
      if (anyFailed) {
        Throwable cause = results.stream()
            .flatMap(r -> Stream.of(r.v4().error(), r.v6().error()))
            .filter(Objects::nonNull)
            .findFirst().orElse(null);
        throw DnsResolutionException.deferred(domain, "no mail exchanger address yet", cause);
      }
      // Every A and AAAA lookup said NXDOMAIN or NODATA: DNS has answered, and the answer is no.
      return Outcome.failed(DnsResolutionException.noAddress(domain),
          Math.min(ttl, DnsAnswer.MAX_NEGATIVE_TTL));
    });
  }

  private CompletableFuture<HostAddresses> addresses(Candidate host) {
    CompletableFuture<Lookup> v4 = lookup(host.name(), Type.A);
    CompletableFuture<Lookup> v6 = lookup(host.name(), Type.AAAA);
    return v4.thenCombine(v6, (a, aaaa) -> new HostAddresses(host, a, aaaa));
  }

  private CompletableFuture<Lookup> lookup(Name name, int type) {
    return dns.query(name, type)
        .handle((answer, error) ->
            new Lookup(answer, error == null ? null : DnsQueries.unwrap(error)));
  }

  /**
   * Sorts by ascending preference and shuffles each run of equal preference, as RFC 5321 section
   * 5.1 asks ("the sender-SMTP MUST randomize them to spread the load").
   */
  static <T> List<T> byPreference(List<T> items, ToIntFunction<T> preference, Random random) {
    List<T> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparingInt(preference));
    int start = 0;
    while (start < sorted.size()) {
      int end = start + 1;
      int value = preference.applyAsInt(sorted.get(start));
      while (end < sorted.size() && preference.applyAsInt(sorted.get(end)) == value) {
        end++;
      }
      Collections.shuffle(sorted.subList(start, end), random);
      start = end;
    }
    return sorted;
  }
}
