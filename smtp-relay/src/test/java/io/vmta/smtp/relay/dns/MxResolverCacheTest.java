package io.vmta.smtp.relay.dns;

import io.vmta.mailauth.testing.TestClock;

import io.vmta.mailauth.dns.DnsAnswer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vmta.mailauth.testing.FakeDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.vmta.smtp.relay.dns.DnsTesting.await;
import static io.vmta.smtp.relay.dns.DnsTesting.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** Caching by TTL, shared in-flight lookups, and completion on the caller's context. */
class MxResolverCacheTest {

  private Vertx vertx;
  private FakeDnsServer dns;
  private final TestClock clock = new TestClock();
  private MxResolver resolver;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    resolver = DnsTesting.resolver(vertx, dns, new Random(1), clock, 3);
  }

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  /** A domain with one MX host that has both kinds of address: no negative answer involved. */
  private void example(String domain) {
    dns.mx(domain, 10, "mx." + domain).a("mx." + domain, "192.0.2.1")
        .aaaa("mx." + domain, "2001:db8::1");
  }

  @Test
  void aRouteIsReusedWithinItsTtlAndLookedUpAgainAfterIt() {
    dns.ttl(600);
    example("example.test");

    await(resolver.resolve("example.test"));
    clock.advance(Duration.ofSeconds(599));
    await(resolver.resolve("example.test"));
    assertThat(dns.queries("example.test", Type.MX)).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    await(resolver.resolve("example.test"));
    assertThat(dns.queries("example.test", Type.MX)).isEqualTo(2);
  }

  @Test
  void theShortestTtlOfTheRecordsUsedDecides() {
    dns.ttl(3600).mx("example.test", 10, "mx.example.test")
        .ttl(60).a("mx.example.test", "192.0.2.1");

    await(resolver.resolve("example.test"));
    clock.advance(Duration.ofSeconds(61));
    await(resolver.resolve("example.test"));

    assertThat(dns.queries("mx.example.test", Type.A)).isEqualTo(2);
  }

  @Test
  void aMissingAaaaRecordLimitsTheRouteToTheNegativeTtl() {
    dns.ttl(3600).negativeTtl(120).mx("example.test", 10, "mx.example.test")
        .a("mx.example.test", "192.0.2.1");

    await(resolver.resolve("example.test"));
    clock.advance(Duration.ofSeconds(119));
    await(resolver.resolve("example.test"));
    assertThat(dns.queries("example.test", Type.MX)).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    await(resolver.resolve("example.test"));

    assertThat(dns.queries("example.test", Type.MX)).isEqualTo(2);
  }

  @Test
  void aLongTtlIsCappedAtAnHour() {
    dns.ttl(86_400);
    example("example.test");

    await(resolver.resolve("example.test"));
    clock.advance(Duration.ofSeconds(RouteLookup.MAX_TTL + 1));
    await(resolver.resolve("example.test"));

    assertThat(dns.queries("example.test", Type.MX)).isEqualTo(2);
  }

  @Test
  void aMissingDomainIsRememberedForTheSoaMinimum() {
    dns.negativeTtl(30).nxdomain("nowhere.test");

    failure(resolver.resolve("nowhere.test"));
    clock.advance(Duration.ofSeconds(29));
    assertThat(failure(resolver.resolve("nowhere.test")).enhancedStatus()).isEqualTo("5.1.2");
    assertThat(dns.queries("nowhere.test")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    failure(resolver.resolve("nowhere.test"));
    assertThat(dns.queries("nowhere.test")).isEqualTo(2);
  }

  @Test
  void aNegativeAnswerIsRememberedAtMostFiveMinutes() {
    dns.negativeTtl(86_400).nxdomain("nowhere.test");

    failure(resolver.resolve("nowhere.test"));
    clock.advance(Duration.ofSeconds(DnsAnswer.MAX_NEGATIVE_TTL + 1));
    failure(resolver.resolve("nowhere.test"));

    assertThat(dns.queries("nowhere.test")).isEqualTo(2);
  }

  @Test
  void transientFailuresAreNotCached() {
    dns.servfail("example.test", Type.MX);

    failure(resolver.resolve("example.test"));
    failure(resolver.resolve("example.test"));

    assertThat(dns.queries("example.test", Type.MX)).isEqualTo(2);
  }

  @Test
  void theLeastRecentlyUsedDomainIsDroppedPastTheBound() {
    for (String domain : List.of("a.test", "b.test", "c.test", "d.test")) {
      example(domain);
    }
    await(resolver.resolve("a.test"));
    await(resolver.resolve("b.test"));
    await(resolver.resolve("c.test"));
    await(resolver.resolve("a.test"));
    await(resolver.resolve("d.test"));

    assertThat(resolver.cachedDomains()).isEqualTo(3);
    await(resolver.resolve("a.test"));
    await(resolver.resolve("b.test"));
    assertThat(dns.queries("a.test", Type.MX)).as("kept: used recently").isEqualTo(1);
    assertThat(dns.queries("b.test", Type.MX)).as("dropped: least recently used").isEqualTo(2);
  }

  @Test
  void concurrentLookupsOfOneDomainShareOneQuery() {
    example("example.test");
    dns.hold();

    List<Future<Route>> routes = List.of(resolver.resolve("example.test"),
        resolver.resolve("example.test"), resolver.resolve("example.test"));
    dns.release();

    assertThat(routes).allSatisfy(route -> assertThat(await(route).hosts()).hasSize(1));
    assertThat(dns.queries("example.test", Type.MX)).isEqualTo(1);
    assertThat(dns.queries("mx.example.test", Type.A)).isEqualTo(1);
  }

  @Test
  void resultsArriveOnTheCallersContext() throws Exception {
    example("example.test");
    dns.nxdomain("nowhere.test");
    Context context = vertx.getOrCreateContext();
    CompletableFuture<List<Boolean>> onContext = new CompletableFuture<>();

    context.runOnContext(v -> {
      Future<Boolean> fresh = resolver.resolve("example.test").map(r -> inside(context));
      Future<Boolean> failed = resolver.resolve("nowhere.test")
          .transform(result -> Future.succeededFuture(result.failed() && inside(context)));
      Future<Boolean> cached = fresh.compose(x -> resolver.resolve("example.test"))
          .map(r -> inside(context));
      Future<Boolean> literal = resolver.resolve("[192.0.2.1]").map(r -> inside(context));
      Future.all(fresh, failed, cached, literal).onComplete(all -> onContext.complete(
          List.of(fresh.result(), failed.result(), cached.result(), literal.result())));
    });

    assertThat(onContext.get(10, TimeUnit.SECONDS)).containsOnly(true);
  }

  private static boolean inside(Context context) {
    return Vertx.currentContext() == context;
  }
}
