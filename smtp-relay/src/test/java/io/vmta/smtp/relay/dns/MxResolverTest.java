package io.vmta.smtp.relay.dns;

import io.vmta.mailauth.testing.TestClock;

import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.dns.DnsResolutionException;
import io.vertx.core.Vertx;
import io.vmta.mailauth.testing.FakeDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.vmta.smtp.relay.dns.DnsTesting.await;
import static io.vmta.smtp.relay.dns.DnsTesting.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** The routing rules of RFC 5321 section 5.1 and RFC 7505 against an in-process DNS server. */
class MxResolverTest {

  private Vertx vertx;
  private FakeDnsServer dns;
  private MxResolver resolver;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    resolver = resolver(new Random(1));
  }

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  private MxResolver resolver(Random random) {
    return DnsTesting.resolver(vertx, dns, random, new TestClock(), 100);
  }

  private static List<String> names(Route route) {
    return route.hosts().stream().map(MxHost::name).toList();
  }

  @Test
  void theBestPreferenceComesFirst() throws Exception {
    dns.mx("example.test", 20, "mx2.example.test").mx("example.test", 10, "mx1.example.test")
        .a("mx1.example.test", "192.0.2.1").a("mx2.example.test", "192.0.2.2");

    Route route = await(resolver.resolve("example.test"));

    assertThat(route.hosts()).containsExactly(
        new MxHost("mx1.example.test", 10, List.of(InetAddress.getByName("192.0.2.1"))),
        new MxHost("mx2.example.test", 20, List.of(InetAddress.getByName("192.0.2.2"))));
  }

  @Test
  void equalPreferencesAreShuffledAndTheWorseOneStaysLast() {
    dns.mx("example.test", 10, "a.example.test").mx("example.test", 10, "b.example.test")
        .mx("example.test", 30, "c.example.test")
        .a("a.example.test", "192.0.2.1").a("b.example.test", "192.0.2.2")
        .a("c.example.test", "192.0.2.3");
    Set<String> firsts = new HashSet<>();

    for (int seed = 0; seed < 20; seed++) {
      List<String> names = names(await(resolver(new Random(seed)).resolve("example.test")));
      assertThat(names).hasSize(3).endsWith("c.example.test");
      firsts.add(names.get(0));
    }

    assertThat(firsts).containsExactlyInAnyOrder("a.example.test", "b.example.test");
  }

  @Test
  void atMostFiveHostsAreKeptAndOnlyTheirAddressesLookedUp() {
    for (int i = 1; i <= 7; i++) {
      String host = "mx" + i + ".example.test";
      dns.mx("example.test", i, host).a(host, "192.0.2." + i);
    }

    Route route = await(resolver.resolve("example.test"));

    assertThat(route.hosts()).extracting(MxHost::preference).containsExactly(1, 2, 3, 4, 5);
    assertThat(dns.queries("mx6.example.test") + dns.queries("mx7.example.test")).isZero();
  }

  @Test
  void noMxRecordsMeansTheDomainIsItsOwnImplicitMx() throws Exception {
    dns.nodata("example.test", Type.MX).a("example.test", "192.0.2.7");

    Route route = await(resolver.resolve("example.test"));

    assertThat(route.hosts()).containsExactly(
        new MxHost("example.test", 0, List.of(InetAddress.getByName("192.0.2.7"))));
  }

  @Test
  void aDomainThatDoesNotExistFailsPermanently() {
    dns.nxdomain("nowhere.test");

    DnsResolutionException e = failure(resolver.resolve("nowhere.test"));

    assertThat(e.isPermanent()).isTrue();
    assertThat(e.enhancedStatus()).isEqualTo("5.1.2");
    assertThat(dns.queries("nowhere.test", Type.A)).as("no fallback after NXDOMAIN").isZero();
  }

  @Test
  void aNullMxFailsPermanently() {
    dns.mx("example.test", 0, ".").a("example.test", "192.0.2.1");

    DnsResolutionException e = failure(resolver.resolve("example.test"));

    assertThat(e.isPermanent()).isTrue();
    assertThat(e.enhancedStatus()).isEqualTo("5.1.10");
  }

  @Test
  void aRootTargetBesideRealOnesIsNoHost() {
    dns.mx("example.test", 0, ".").mx("example.test", 10, "mx.example.test")
        .a("mx.example.test", "192.0.2.1");

    assertThat(names(await(resolver.resolve("example.test")))).containsExactly("mx.example.test");
  }

  @Test
  void servfailDefers() {
    dns.servfail("example.test", Type.MX).a("example.test", "192.0.2.1");

    DnsResolutionException e = failure(resolver.resolve("example.test"));

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.enhancedStatus()).isEqualTo("4.4.3");
    assertThat(dns.queries("example.test", Type.A)).as("no fallback after SERVFAIL").isZero();
  }

  @Test
  void noAnswerDefersAfterTheTimeout() {
    dns.silent("example.test", Type.MX);

    DnsResolutionException e = failure(resolver.resolve("example.test"));

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.enhancedStatus()).isEqualTo("4.4.3");
    // What the operator reads in the log and in GET /queue: never "failed: null".
    assertThat(e.getMessage()).contains("MX lookup failed: no answer from the DNS servers in time");
    assertThat(dns.queries("example.test", Type.MX)).isEqualTo(DnsQueries.ATTEMPTS_PER_SERVER);
  }

  @Test
  void aHostWithoutAddressesIsSkipped() {
    dns.mx("example.test", 10, "gone.example.test").mx("example.test", 20, "mx.example.test")
        .mx("example.test", 30, "empty.example.test").a("mx.example.test", "192.0.2.2")
        .nxdomain("gone.example.test").nodata("empty.example.test", Type.A);

    assertThat(names(await(resolver.resolve("example.test")))).containsExactly("mx.example.test");
  }

  @Test
  void whenDnsSaysNoHostHasAnAddressTheFailureIsPermanent() {
    dns.mx("example.test", 10, "gone.example.test").nxdomain("gone.example.test");

    DnsResolutionException e = failure(resolver.resolve("example.test"));

    assertThat(e.isPermanent()).isTrue();
    assertThat(e.enhancedStatus()).isEqualTo("5.4.4");
  }

  @Test
  void whenAnAddressLookupFailsAndNoHostHasAnAddressTheFailureIsTransient() {
    dns.mx("example.test", 10, "mx1.example.test").mx("example.test", 20, "mx2.example.test")
        .nxdomain("mx1.example.test").servfail("mx2.example.test", Type.A)
        .nodata("mx2.example.test", Type.AAAA);

    DnsResolutionException e = failure(resolver.resolve("example.test"));

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.enhancedStatus()).isEqualTo("4.4.3");
  }

  @Test
  void ipv4AddressesComeBeforeIpv6() throws Exception {
    dns.mx("example.test", 10, "mx.example.test")
        .aaaa("mx.example.test", "2001:db8::25").a("mx.example.test", "192.0.2.25");

    Route route = await(resolver.resolve("example.test"));

    assertThat(route.hosts().get(0).addresses()).containsExactly(
        InetAddress.getByName("192.0.2.25"), InetAddress.getByName("2001:db8::25"));
  }

  @Test
  void addressLiteralsNeedNoDns() throws Exception {
    Route v4 = await(resolver.resolve("[192.0.2.1]"));
    Route v6 = await(resolver.resolve("[IPv6:2001:db8::1]"));

    assertThat(v4.hosts()).containsExactly(
        new MxHost("[192.0.2.1]", 0, List.of(InetAddress.getByName("192.0.2.1"))));
    assertThat(v6.hosts().get(0).addresses()).containsExactly(InetAddress.getByName("2001:db8::1"));
    assertThat(dns.queries("192.0.2.1")).isZero();
  }

  @Test
  void anInvalidDomainFailsPermanentlyWithoutDns() {
    DnsResolutionException e = failure(resolver.resolve("bad..example"));

    assertThat(e.enhancedStatus()).isEqualTo("5.1.2");
  }

  @Test
  void aDomainThatIsAnAliasUsesTheMxOfItsTarget() {
    dns.cname("alias.test", "real.test").mx("real.test", 10, "mx.real.test")
        .a("mx.real.test", "192.0.2.9");

    assertThat(names(await(resolver.resolve("alias.test")))).containsExactly("mx.real.test");
  }

  @Test
  void aTruncatedUdpAnswerIsAskedAgainOverTcp() {
    dns.truncateUdp(true).mx("example.test", 10, "mx.example.test")
        .a("mx.example.test", "192.0.2.4");

    assertThat(names(await(resolver.resolve("example.test")))).containsExactly("mx.example.test");
    assertThat(dns.queries("example.test", Type.MX)).isEqualTo(2);
  }

  @Test
  void unicodeDomainsAreLookedUpAsALabels() {
    dns.mx("xn--bcher-kva.test", 10, "mx.example.test").a("mx.example.test", "192.0.2.5");

    assertThat(names(await(resolver.resolve("bücher.test")))).containsExactly("mx.example.test");
  }
}
