package io.vmta.smtp.relay.dane;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vmta.mailauth.dns.DnsAnswer;
import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.dns.DnsResolutionException;
import io.vmta.smtp.relay.client.TlsLevel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Decides DANE (RFC 7672 section 2.2) for the MX hosts of one destination: the MX RRset of the
 * domain must be DNSSEC-secure (else no DANE for any of its hosts), and then each host's TLSA
 * RRset at {@code _<port>._tcp.<host>} decides: secure and usable (authenticated TLS mandatory),
 * secure but unusable (TLS mandatory), securely denied or insecure (no DANE), or a failed lookup
 * (the host is skipped, section 2.1.1). Lookups run on dnsjava's threads; results come back on the
 * caller's Vert.x context.
 */
public final class DanePolicy {

  private final Vertx vertx;
  private final SecureDns dns;

  /** DANE over {@code dns}. */
  public DanePolicy(Vertx vertx, SecureDns dns) {
    this.vertx = vertx;
    this.dns = dns;
  }

  /**
   * DANE asking {@code servers} (the system's resolvers when empty) in {@code mode}, from the trust
   * anchors of {@code trustAnchors} (the root's when null). Blocking: it reads files.
   */
  public static DanePolicy create(Vertx vertx, List<InetSocketAddress> servers, Duration timeout, DnssecMode mode,
      Path trustAnchors) {
    return new DanePolicy(vertx, SecureDns.create(DnsQueries.resolver(servers, timeout), mode, trustAnchors,
        Clock.systemUTC()));
  }

  /**
   * Whether DANE applies to a destination at {@code level} of {@code relay.tls.policy}: at
   * {@code may} (the default), {@code encrypt} and {@code dane}, where a secure TLSA set only
   * adds protection; not at {@code none} and {@code verify}, levels an operator sets on purpose
   * (as in Postfix, whose {@code verify} does not consult TLSA records either).
   */
  public static boolean appliesTo(TlsLevel level) {
    return level == TlsLevel.MAY || level == TlsLevel.ENCRYPT || level == TlsLevel.DANE;
  }

  /**
   * What DANE says about each of {@code hosts} (MX host names of {@code domain} as the route has
   * them, or {@code domain} itself for an implicit MX) when mail goes to {@code port}. Fails with
   * a transient {@link DnsResolutionException} when the domain's MX lookup fails or is bogus
   * (RFC 7672 section 2.2.1: the mail waits).
   */
  public Future<Map<String, HostDane>> lookup(String domain, List<String> hosts, int port) {
    Context context = vertx.getOrCreateContext();
    Promise<Map<String, HostDane>> promise = Promise.promise();
    decide(domain, hosts, port).whenComplete((result, error) -> context.runOnContext(v -> {
      if (error == null) {
        promise.complete(result);
      } else {
        Throwable cause = DnsQueries.unwrap(error);
        promise.fail(cause instanceof DnsResolutionException ? cause
            : DnsResolutionException.deferred(domain, "DANE lookup failed", cause));
      }
    }));
    return promise.future();
  }

  private CompletableFuture<Map<String, HostDane>> decide(String domain, List<String> hosts, int port) {
    Name name;
    try {
      name = Name.fromString(domain, Name.root);
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(all(hosts, new HostDane.None("not a domain name")));
    }
    return dns.query(name, Type.MX).thenCompose(mx -> {
      if (!mx.secure()) {
        // RFC 7672 section 2.2.1: an insecure MX RRset means no DANE for its hosts.
        return CompletableFuture.completedFuture(all(hosts, new HostDane.None("MX of " + domain + " not DNSSEC-signed")));
      }
      Set<String> secureHosts = mx.answer().kind() == DnsAnswer.Kind.DATA
          ? mx.answer().records().stream().map(r -> lower(((MXRecord) r).getTarget().toString(true)))
              .collect(Collectors.toSet())
          : Set.of(lower(domain));  // a secure denial: the domain is its own MX
      Map<String, CompletableFuture<HostDane>> each = new LinkedHashMap<>();
      for (String host : hosts) {
        each.put(host, secureHosts.contains(lower(host)) ? tlsa(host, port)
            : CompletableFuture.completedFuture(new HostDane.Skip(host + " is not in the DNSSEC-validated MX set of " + domain)));
      }
      return CompletableFuture.allOf(each.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
        Map<String, HostDane> out = new LinkedHashMap<>();
        each.forEach((host, f) -> out.put(host, f.join()));
        return out;
      });
    });
  }

  /** The TLSA RRset of one host (RFC 6698 section 3: {@code _<port>._tcp.<host>}). */
  private CompletableFuture<HostDane> tlsa(String host, int port) {
    Name name;
    try {
      name = Name.fromString("_" + port + "._tcp." + host, Name.root);
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(new HostDane.None("no TLSA name for " + host));
    }
    return dns.query(name, Type.TLSA).handle((answer, error) -> {
      if (error != null) {
        // RFC 7672 section 2.1.1: a failed (or bogus) TLSA lookup of a host in a secure MX set
        // may hide an attacker: that host is not used.
        return new HostDane.Skip("TLSA lookup of " + name.toString(true) + " failed: "
            + DnsQueries.unwrap(error).getMessage());
      }
      if (!answer.secure()) {
        return new HostDane.None("TLSA of " + host + " not DNSSEC-signed");
      }
      if (answer.answer().kind() != DnsAnswer.Kind.DATA) {
        return new HostDane.None("no TLSA records for " + host);
      }
      List<TLSARecord> usable = answer.answer().records().stream().map(TLSARecord.class::cast)
          .filter(DaneVerifier::usable).toList();
      return usable.isEmpty() ? new HostDane.EncryptOnly() : new HostDane.Authenticated(new DaneVerifier(usable));
    });
  }

  private static Map<String, HostDane> all(List<String> hosts, HostDane value) {
    Map<String, HostDane> out = new LinkedHashMap<>();
    hosts.forEach(h -> out.put(h, value));
    return out;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
