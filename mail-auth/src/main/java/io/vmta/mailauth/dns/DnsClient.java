package io.vmta.mailauth.dns;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asks DNS one (name, type) at a time through dnsjava's asynchronous resolver, keeps each answer
 * (records, NODATA or NXDOMAIN) for its TTL, and hands it back on the caller's Vert.x context. Never
 * blocks the calling thread. The checks of incoming mail (SPF, DKIM keys, DMARC policies) ask
 * through one client per Vert.x instance.
 *
 * <p>Outcomes: a {@link DnsAnswer}, or a failed future holding a transient
 * {@link DnsResolutionException} (SERVFAIL, REFUSED, a timeout, a network error; never kept), or an
 * {@link IllegalArgumentException} for a name that is not a valid domain name.
 */
public final class DnsClient implements Shareable {

  /** (name, type) pairs kept in the cache before the least recently used is dropped. */
  public static final int CACHE_SIZE = 10_000;

  private record Question(Name name, int type) {
  }

  private final Vertx vertx;
  private final DnsQueries queries;
  private final TtlCache<Question, DnsAnswer> cache;

  /**
   * A client asking {@code servers}, or the system's resolvers when the list is empty (read once
   * from the system configuration, a small file read); {@code timeout} bounds each attempt.
   */
  public DnsClient(Vertx vertx, List<InetSocketAddress> servers, Duration timeout) {
    this(vertx, DnsQueries.resolver(servers, timeout), Clock.systemUTC(), CACHE_SIZE);
  }

  /**
   * The client of this Vert.x instance for these servers and timeout, made at the first call: every
   * verticle instance asks through one cache.
   */
  public static DnsClient shared(Vertx vertx, List<InetSocketAddress> servers, Duration timeout) {
    LocalMap<String, DnsClient> clients = vertx.sharedData().getLocalMap(DnsClient.class.getName());
    return clients.computeIfAbsent(servers + "/" + timeout.toMillis(),
        key -> new DnsClient(vertx, servers, timeout));
  }

  /** For tests: a given dnsjava resolver, clock and cache size. */
  DnsClient(Vertx vertx, Resolver resolver, Clock clock, int cacheSize) {
    this.vertx = vertx;
    this.queries = new DnsQueries(resolver);
    this.cache = new TtlCache<>(cacheSize, clock, DnsAnswer::ttlSeconds);
  }

  /**
   * The records of {@code type} at {@code name} (an absolute or relative domain name in A-labels;
   * a trailing dot is optional), completed on the calling thread's Vert.x context.
   */
  public Future<DnsAnswer> lookup(String name, int type) {
    Name parsed;
    try {
      parsed = Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      return Future.failedFuture(new IllegalArgumentException(
          "not a valid domain name: " + name + " (" + e.getMessage() + ")"));
    }
    return lookup(parsed, type);
  }

  /** The records of {@code type} at {@code name}, completed on the caller's Vert.x context. */
  public Future<DnsAnswer> lookup(Name name, int type) {
    Context context = vertx.getOrCreateContext();
    Promise<DnsAnswer> promise = Promise.promise();
    CompletableFuture<DnsAnswer> answer = cache.get(new Question(name, type),
        q -> queries.query(q.name(), q.type()));
    answer.whenComplete((result, error) -> context.runOnContext(v -> {
      if (error == null) {
        promise.complete(result);
      } else {
        promise.fail(DnsQueries.unwrap(error));
      }
    }));
    return promise.future();
  }

  /** The (name, type) pairs held in the cache. */
  int cached() {
    return cache.size();
  }

  /**
   * The texts of an answer's TXT records, one per record, its character-strings concatenated
   * without separator (RFC 7208 section 3.3, RFC 6376 section 3.6.2.2), each octet one char
   * (ISO-8859-1), so that a parser sees non-ASCII octets rather than a decoding's guesses.
   */
  public static List<String> texts(DnsAnswer answer) {
    List<String> texts = new ArrayList<>();
    for (Record r : answer.records()) {
      if (r.getType() == Type.TXT && r instanceof TXTRecord txt) {
        StringBuilder text = new StringBuilder();
        for (byte[] part : txt.getStringsAsByteArrays()) {
          text.append(new String(part, StandardCharsets.ISO_8859_1));
        }
        texts.add(text.toString());
      }
    }
    return texts;
  }
}
