package io.vmta.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.testing.FakeDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Type;

/** The limits of RFC 7208 4.6.4 and our own, and bad input: every case an outcome, none a throw. */
class SpfVerifierTest {

  private static final String CLIENT = "192.0.2.10";

  private Vertx vertx;
  private FakeDnsServer dns;
  private SpfVerifier verifier;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    verifier = new SpfVerifier(new DnsClient(vertx, List.of(dns.address()), Duration.ofMillis(500)),
        SpfLimits.DEFAULTS);
  }

  @AfterEach
  void stop() throws Exception {
    dns.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRecordIncludingItselfEndsInPermerrorAtTheTermLimit() {
    dns.txt("loop.test", "v=spf1 include:loop.test -all");

    SpfOutcome outcome = check("user@loop.test");

    assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
    assertThat(outcome.reason()).contains("more than 10 DNS-querying terms");
    assertThat(dns.queries("loop.test", Type.TXT)).isLessThanOrEqualTo(11);
  }

  @Test
  void aRecordNeedingFiftyLookupsIsPermerrorAfterTenAndAsksNoMore() {
    StringBuilder record = new StringBuilder("v=spf1");
    for (int i = 0; i < 50; i++) {
      record.append(" a:h").append(i).append(".many.test");
      dns.a("h" + i + ".many.test", "198.51.100.1");
    }
    dns.txt("many.test", split(record + " -all"));

    SpfOutcome outcome = check("user@many.test");

    assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
    assertThat(outcome.reason()).contains("more than 10 DNS-querying terms", "a:h10.many.test");
    assertThat(dns.queries("h9.many.test")).isEqualTo(1);
    assertThat(dns.queries("h10.many.test")).isZero();
  }

  @Test
  void tenIncludesDeepStillCountAcrossRecords() {
    for (int i = 0; i < 11; i++) {
      dns.txt("d" + i + ".chain.test", "v=spf1 include:d" + (i + 1) + ".chain.test -all");
    }
    dns.txt("d11.chain.test", "v=spf1 ip4:" + CLIENT + " -all");

    assertThat(check("user@d1.chain.test").result()).isEqualTo(SpfResult.PASS);
    assertThat(check("user@d0.chain.test").result()).isEqualTo(SpfResult.PERMERROR);
  }

  @Test
  void aThirdVoidLookupIsPermerrorTwoAreNot() {
    dns.txt("two.test", "v=spf1 a:gone1.test mx:gone2.test ?all")
        .txt("three.test", "v=spf1 a:gone1.test mx:gone2.test exists:gone3.test ?all")
        .nxdomain("gone1.test").nxdomain("gone3.test").a("gone2.test", "198.51.100.1");

    assertThat(check("user@two.test").result()).isEqualTo(SpfResult.NEUTRAL);
    SpfOutcome three = check("user@three.test");
    assertThat(three.result()).isEqualTo(SpfResult.PERMERROR);
    assertThat(three.reason()).contains("void lookups");
  }

  @Test
  void configuredLimitsApply() {
    SpfVerifier strict = new SpfVerifier(
        new DnsClient(vertx, List.of(dns.address()), Duration.ofMillis(500)),
        new SpfLimits(2, 0, 1, 1, 64));
    dns.txt("three.test", "v=spf1 a:x.three.test a:y.three.test a:z.three.test ?all")
        .txt("void.test", "v=spf1 a:gone.void.test ?all")
        .txt("long.test", "v=spf1 ip4:198.51.100.1 ip4:198.51.100.2 ip4:198.51.100.3 ip4:198.51.100.4 -all")
        .a("x.three.test", "198.51.100.1").a("y.three.test", "198.51.100.1")
        .a("z.three.test", "198.51.100.1")
        .nxdomain("gone.void.test");

    assertThat(await(strict.check(ip(CLIENT), "a@three.test", "h.test", null)).result())
        .isEqualTo(SpfResult.PERMERROR);
    assertThat(await(strict.check(ip(CLIENT), "a@void.test", "h.test", null)).result())
        .isEqualTo(SpfResult.PERMERROR);
    assertThat(await(strict.check(ip(CLIENT), "a@long.test", "h.test", null)).reason())
        .contains("longer than 64 characters");
  }

  @Test
  void moreThanTenMxRecordsArePermerror() {
    dns.txt("mx.test", "v=spf1 mx -all");
    for (int i = 0; i < 11; i++) {
      dns.mx("mx.test", i, "m" + i + ".mx.test").a("m" + i + ".mx.test", "198.51.100.1");
    }

    SpfOutcome outcome = check("user@mx.test");

    assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
    assertThat(outcome.reason()).contains("11 MX records");
  }

  @Test
  void onlyTenPtrNamesAreLookedAt() throws Exception {
    dns.txt("ptr.test", "v=spf1 ptr -all");
    Name reverse = Name.fromString("10.2.0.192.in-addr.arpa.");
    for (int i = 0; i < 11; i++) {
      dns.add(new PTRRecord(reverse, DClass.IN, 300, Name.fromString("p" + i + ".ptr.test.")));
      dns.a("p" + i + ".ptr.test", i == 10 ? CLIENT : "198.51.100.1");
    }

    SpfOutcome outcome = check("user@ptr.test");

    assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
    assertThat(dns.queries("p10.ptr.test")).isZero();
  }

  @Test
  void garbageIsPermerror() {
    dns.txt("g1.test", "v=spf1 a:%{")
        .txt("g2.test", "v=spf1 a:x\\013\\010.test \u00ff\u0001\u007f -all")
        .txt("g3.test", "v=spf1 ip4:300.1.1.1 -all")
        .txt("g4.test", "v=spf1 a/33 -all")
        .txt("g5.test", "v=spf1 include -all")
        .txt("g6.test", "v=spf1 exists:%{z}.test -all")
        .txt("g7.test", "v=spf1 +all redirect=a redirect=b");

    for (String domain : List.of("g1.test", "g2.test", "g3.test", "g4.test", "g5.test", "g6.test",
        "g7.test")) {
      SpfOutcome outcome = check("user@" + domain);
      assertThat(outcome.result()).as(domain).isEqualTo(SpfResult.PERMERROR);
      // The reason quotes the record; it must stay printable ASCII for logs and headers.
      assertThat(outcome.reason()).as(domain).matches("[\\x20-\\x7e]{1,200}");
    }
  }

  @Test
  void anOverlongRecordIsPermerror() {
    StringBuilder record = new StringBuilder("v=spf1");
    while (record.length() <= SpfLimits.DEFAULT_MAX_RECORD_LENGTH) {
      record.append(" ip4:198.51.100.1");
    }
    // As a real server would: too big for UDP, so the client asks again over TCP.
    dns.txt("long.test", split(record + " +all")).truncateUdp(true);

    SpfOutcome outcome = check("user@long.test");

    assertThat(outcome.reason()).contains("longer than 4096 characters");
    assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
  }

  @Test
  void aHugeExpansionIsTruncatedFromTheLeftTo253() {
    String local = "x".repeat(60);
    dns.txt("huge.test", "v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}"
        + ".%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.end.huge.test -all");
    String expected = String.join(".", java.util.Collections.nCopies(3, local)) + ".end.huge.test";
    dns.a(expected, CLIENT);

    SpfOutcome outcome = check(local + "@huge.test");

    assertThat(expected.length()).isLessThanOrEqualTo(253);
    assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
    assertThat(dns.queries(expected, Type.A)).isEqualTo(1);
  }

  @Test
  void aHugeExplanationIsCut() {
    dns.txt("why.test", "v=spf1 -all exp=why.huge.test")
        .txt("why.huge.test", split("%{s}".repeat(300)));

    SpfOutcome outcome = check("someone@why.test");

    assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
    assertThat(outcome.explanation()).startsWith("someone@why.test").hasSize(1024);
  }

  @Test
  void theExplanationComesOnlyWithAFailAndItsTroubleNeverChangesTheResult() {
    dns.txt("exp.test", "v=spf1 -all exp=msg.exp.test")
        .txt("msg.exp.test", "%{i} may not send for %{d} to %{r}")
        .txt("broken.test", "v=spf1 -all exp=msg.broken.test")
        .servfail("msg.broken.test", Type.TXT)
        .txt("soft.test", "v=spf1 ~all exp=msg.exp.test");

    SpfOutcome fail = await(verifier.check(ip(CLIENT), "a@exp.test", "h.test", "mx.ours.test"));
    assertThat(fail.explanation()).isEqualTo(CLIENT + " may not send for exp.test to mx.ours.test");
    SpfOutcome broken = check("a@broken.test");
    assertThat(broken.result()).isEqualTo(SpfResult.FAIL);
    assertThat(broken.explanation()).isEmpty();
    assertThat(check("a@soft.test").explanation()).isEmpty();
  }

  @Test
  void dnsTroubleIsTemperrorAndNoRecordIsNone() {
    dns.servfail("fail.test", Type.TXT)
        .silent("quiet.test", Type.TXT)
        .txt("inc.test", "v=spf1 include:fail.test -all")
        .txt("other.test", "some other text")
        .txt("two.test", "v=spf1 -all").txt("two.test", "v=spf1 +all")
        .nxdomain("gone.test");

    assertThat(check("a@fail.test").result()).isEqualTo(SpfResult.TEMPERROR);
    assertThat(check("a@quiet.test").result()).isEqualTo(SpfResult.TEMPERROR);
    assertThat(check("a@inc.test").result()).isEqualTo(SpfResult.TEMPERROR);
    assertThat(check("a@other.test").result()).isEqualTo(SpfResult.NONE);
    assertThat(check("a@gone.test").result()).isEqualTo(SpfResult.NONE);
    assertThat(check("a@two.test").result()).isEqualTo(SpfResult.PERMERROR);
  }

  @Test
  void theNullSenderChecksTheHeloName() {
    dns.txt("mail.helo.test", "v=spf1 ip4:192.0.2.0/24 -all");

    SpfOutcome outcome = await(verifier.check(ip(CLIENT), "", "Mail.Helo.Test", null));

    assertThat(outcome).isEqualTo(new SpfOutcome(SpfResult.PASS, "helo", "mail.helo.test",
        "matched ip4:192.0.2.0/24 in mail.helo.test"));
  }

  @Test
  void invalidIdentitiesAreNoneWithoutAnyQuery() {
    SpfOutcome literal = await(verifier.check(ip(CLIENT), null, "[192.0.2.10]", null));
    SpfOutcome single = await(verifier.check(ip(CLIENT), "a@localhost", null, null));
    SpfOutcome longLabel = check("a@" + "x".repeat(64) + ".test");
    SpfOutcome longLocal = check("x".repeat(5000) + "@x.test");

    assertThat(List.of(literal, single, longLabel, longLocal))
        .allSatisfy(o -> assertThat(o.result()).isEqualTo(SpfResult.NONE));
    assertThat(literal.scope()).isEqualTo("helo");
    assertThat(dns.queries("localhost")).isZero();
  }

  @Test
  void ipv6ClientsMatchAaaaAndIp6WithPrefixes() {
    dns.txt("six.test", "v=spf1 a//64 -all").aaaa("six.test", "2001:db8:1:2::1")
        .txt("net.test", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all");

    assertThat(await(verifier.check(ip("2001:db8:1:2::99"), "a@six.test", "h.test", null)).result())
        .isEqualTo(SpfResult.PASS);
    assertThat(await(verifier.check(ip("2001:db8:1:3::1"), "a@six.test", "h.test", null)).result())
        .isEqualTo(SpfResult.FAIL);
    assertThat(await(verifier.check(ip("2001:db8:ffff::1"), "a@net.test", "h.test", null)).result())
        .isEqualTo(SpfResult.PASS);
    // An IPv4-mapped IPv6 client is the IPv4 client (RFC 7208 section 5).
    assertThat(await(verifier.check(ip("::ffff:192.0.2.10"), "a@net.test", "h.test", null)).result())
        .isEqualTo(SpfResult.PASS);
  }

  private SpfOutcome check(String mailFrom) {
    return await(verifier.check(ip(CLIENT), mailFrom, "client.example", null));
  }

  private <T> T await(Future<T> future) {
    Promise<T> onContext = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> future.onComplete(onContext));
    try {
      return onContext.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the check did not complete with an outcome", e);
    }
  }

  /** A TXT record's text cut into character-strings of at most 255 octets. */
  private static String[] split(String text) {
    int n = (text.length() + 254) / 255;
    String[] parts = new String[n];
    for (int i = 0; i < n; i++) {
      parts[i] = text.substring(i * 255, Math.min(text.length(), (i + 1) * 255));
    }
    return parts;
  }

  private static InetAddress ip(String text) {
    try {
      return Address.getByAddress(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
