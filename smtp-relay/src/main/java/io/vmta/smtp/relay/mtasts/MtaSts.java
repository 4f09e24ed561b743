package io.vmta.smtp.relay.mtasts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.smtp.relay.client.PeerTrust;
import io.vmta.smtp.relay.client.PeerVerifier;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.client.TlsStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

/**
 * MTA-STS (RFC 8461) for outbound delivery: which policy applies to a domain now, and what it
 * means for each MX host.
 *
 * <p>Discovery (sections 3 and 5.1): the {@code _mta-sts.<domain>} TXT record; when its {@code id}
 * differs from the kept policy's, or no unexpired policy is kept, the policy is fetched over HTTPS
 * ({@link PolicyFetcher}) and kept ({@link PolicyStore}, in the data directory). A kept unexpired
 * policy applies when the TXT record is missing or invalid, DNS fails or the fetch fails (section
 * 10.2: removing the record does not withdraw a policy before its max_age). A fetch that failed is
 * not tried again for the same id before {@link #RETRY_AFTER_FAILURE}. A domain without a usable
 * policy (none published, an oversized, redirected, wrongly typed or malformed policy, a
 * certificate that does not verify) is delivered to as without MTA-STS. Used on one Vert.x context.
 */
public final class MtaSts {

  /** Domains whose policies are kept in memory (and whose fetch failures are remembered). */
  public static final int CACHE_SIZE = 10_000;
  /** How long a policy fetch may take, DNS lookup of the policy host included. */
  public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(20);
  /** How long a failed fetch for one TXT id is not repeated. */
  public static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(MtaSts.class);
  private static final Pattern DOMAIN = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)+");

  private record FailedFetch(String id, Instant until) {
  }

  private final DnsClient dns;
  private final PolicyFetcher fetcher;
  private final PolicyStore store;
  private final Clock clock;
  private final Map<String, Future<MtaStsPolicy>> pending = new HashMap<>();
  private final Map<String, FailedFetch> failed = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, FailedFetch> eldest) {
      return size() > CACHE_SIZE;
    }
  };
  private final AtomicLong testingFailures = new AtomicLong();

  /**
   * Policies looked up through {@code dns}, fetched with TLS checked by {@code verifier}'s trust,
   * kept in {@code dir} (e.g. {@code <dataDir>/mta-sts}; null for memory only).
   */
  public MtaSts(Vertx vertx, DnsClient dns, PeerVerifier verifier, Path dir) {
    this(vertx, dns, verifier, dir, 443, FETCH_TIMEOUT, Clock.systemUTC());
  }

  /** For tests: the HTTPS port of the policy hosts, the fetch timeout and the clock. */
  MtaSts(Vertx vertx, DnsClient dns, PeerVerifier verifier, Path dir, int httpsPort, Duration timeout, Clock clock) {
    this.dns = dns;
    this.fetcher = new PolicyFetcher(vertx, dns, verifier, httpsPort, timeout);
    this.store = new PolicyStore(vertx, dir, CACHE_SIZE);
    this.clock = clock;
  }

  /**
   * The policy that applies to mail for the domain {@code name} now (A- or U-labels), or null;
   * never fails. Lookups for one domain at the same time share one discovery.
   */
  public Future<MtaStsPolicy> policy(String name) {
    String domain = aLabels(name);
    if (domain == null || !DOMAIN.matcher(domain).matches()) {
      return Future.succeededFuture(null);
    }
    Future<MtaStsPolicy> inFlight = pending.get(domain);
    if (inFlight != null) {
      return inFlight;
    }
    Future<MtaStsPolicy> result = store.get(domain).compose(kept -> discover(domain, kept));
    if (!result.isComplete()) {
      pending.put(domain, result);
      result.onComplete(ar -> pending.remove(domain));
    }
    return result;
  }

  private Future<MtaStsPolicy> discover(String domain, MtaStsPolicy kept) {
    MtaStsPolicy fresh = kept != null && kept.isFresh(clock.instant()) ? kept : null;
    Future<Void> dropped = kept != null && fresh == null ? store.remove(domain) : Future.succeededFuture();
    return dropped.compose(v -> dns.lookup("_mta-sts." + domain, Type.TXT))
        .map(answer -> StsRecord.id(DnsClient.texts(answer)))
        .otherwise(e -> {
          log.debug("MTA-STS record of {}: {}", domain, e.getMessage());
          return null;
        })
        .compose(id -> {
          if (id == null || (fresh != null && fresh.id().equals(id))) {
            return Future.succeededFuture(fresh);
          }
          FailedFetch failure = failed.get(domain);
          if (failure != null && failure.id().equals(id) && clock.instant().isBefore(failure.until())) {
            return Future.succeededFuture(fresh);
          }
          return fetch(domain, id, fresh);
        });
  }

  private Future<MtaStsPolicy> fetch(String domain, String id, MtaStsPolicy fresh) {
    return fetcher.fetch(domain)
        .map(body -> MtaStsPolicy.parse(domain, id, body, clock.instant()))
        .compose(policy -> {
          failed.remove(domain);
          log.info("MTA-STS policy of {} fetched: mode={} id={} mx={} max_age={}", domain, policy.mode().word(),
              id, String.join(",", policy.mx()), policy.maxAge());
          return store.put(policy).otherwise(e -> null).map(v -> policy);
        })
        .recover(e -> {
          failed.put(domain, new FailedFetch(id, clock.instant().plus(RETRY_AFTER_FAILURE)));
          log.warn("MTA-STS policy of {} (id={}) not usable: {}; {}", domain, id, oneLine(e),
              fresh == null ? "no policy applies" : "the kept policy id=" + fresh.id() + " applies");
          return Future.succeededFuture(fresh);
        });
  }

  /**
   * The TLS level for the MX host {@code host} of a domain whose operator setting is
   * {@code configured}, under {@code policy} (null for none): under {@code enforce}, {@code verify}
   * for a host the policy names and null (the host must not get the mail) for any other; else
   * {@code configured}. The enforced policy wins over every {@code relay.tls.policy} level, as a
   * stronger requirement ({@code none}, {@code may} and {@code encrypt} are raised).
   */
  public static TlsLevel level(MtaStsPolicy policy, String host, TlsLevel configured) {
    if (policy == null || policy.mode() != MtaStsPolicy.Mode.ENFORCE) {
      return configured;
    }
    return policy.matches(host) ? TlsLevel.VERIFY : null;
  }

  /**
   * Notes a delivery to {@code host} under a {@code testing} policy: when enforcing it would have
   * refused the host (a name the policy does not list, no TLS or a certificate that does not
   * verify), counts it and logs one line with the queue id. Other modes are ignored.
   */
  public void observe(String queueId, MtaStsPolicy policy, String host, TlsStatus tls) {
    if (policy == null || policy.mode() != MtaStsPolicy.Mode.TESTING) {
      return;
    }
    String failure = !policy.matches(host) ? "mx host not in the policy"
        : tls == null || !tls.encrypted() ? "no TLS"
        : tls.trust() != PeerTrust.VERIFIED ? "certificate not verified (" + tls.trustLabel() + ")"
        : null;
    if (failure != null) {
      testingFailures.incrementAndGet();
      log.warn("{}: MTA-STS testing policy of {} (id={}) would refuse {}: {}", queueId, policy.domain(), policy.id(),
          host, failure);
    }
  }

  /** Deliveries that a {@code testing} policy would have refused, since start. */
  public long testingFailures() {
    return testingFailures.get();
  }

  /**
   * The policy of {@code domain} kept in {@code dir} (expired or not), or null; blocking. For a
   * view of what the relay keeps (the management endpoint); it does not look anything up.
   */
  public static MtaStsPolicy kept(Path dir, String domain) throws java.io.IOException {
    return DOMAIN.matcher(domain).matches() ? PolicyStore.read(dir, domain) : null;
  }

  /** Closes the HTTPS client. */
  public Future<Void> close() {
    return fetcher.close();
  }

  /** {@code name} in lower-case A-labels (an internationalised domain's too), or null when it is not a name. */
  private static String aLabels(String name) {
    try {
      return java.net.IDN.toASCII(name, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String oneLine(Throwable e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return text.replaceAll("[\\r\\n]+", " ");
  }
}
