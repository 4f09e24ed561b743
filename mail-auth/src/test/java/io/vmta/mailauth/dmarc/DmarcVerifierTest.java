package io.vmta.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vmta.mailauth.dkim.DkimOutcome;
import io.vmta.mailauth.dkim.DkimResult;
import io.vmta.mailauth.dkim.FromDomain;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.spf.SpfOutcome;
import io.vmta.mailauth.spf.SpfResult;
import io.vmta.mailauth.testing.FakeDnsServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** DMARC evaluation against policy records served by a DNS responder in the test. */
class DmarcVerifierTest {

  private static final SpfOutcome NO_SPF = spf(SpfResult.NONE, "mailfrom", "elsewhere.net");

  private Vertx vertx;
  private FakeDnsServer dns;
  private DnsClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    client = new DnsClient(vertx, List.of(dns.address()), Duration.ofMillis(500));
  }

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  @Test
  void anAlignedSpfPassPasses() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject");

    DmarcOutcome o = check("example.org", spf(SpfResult.PASS, "mailfrom", "bounces.example.org"));

    assertThat(o).isEqualTo(new DmarcOutcome(DmarcResult.PASS, "example.org",
        Optional.of(DmarcPolicy.REJECT), "example.org", DmarcPolicy.NONE, false,
        "SPF bounces.example.org aligned"));
  }

  @Test
  void anAlignedDkimPassPassesWhateverSpfSays() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject");

    DmarcOutcome o = check("example.org", spf(SpfResult.FAIL, "mailfrom", "example.org"),
        dkim(DkimResult.FAIL, "example.org"), dkim(DkimResult.PASS, "other.net"),
        dkim(DkimResult.PASS, "mail.example.org"));

    assertThat(o.result()).isEqualTo(DmarcResult.PASS);
    assertThat(o.reason()).isEqualTo("DKIM d=mail.example.org aligned");
  }

  @Test
  void failingUnderPRejectAsksForRejection() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject");

    DmarcOutcome o = check("example.org", spf(SpfResult.PASS, "mailfrom", "attacker.net"),
        dkim(DkimResult.PASS, "attacker.net"));

    assertThat(o).isEqualTo(new DmarcOutcome(DmarcResult.FAIL, "example.org",
        Optional.of(DmarcPolicy.REJECT), "example.org", DmarcPolicy.REJECT, false,
        "no aligned SPF or DKIM pass"));
  }

  @Test
  void failingUnderPQuarantineOrPNone() {
    dns.txt("_dmarc.q.test", "v=DMARC1; p=quarantine").txt("_dmarc.n.test", "v=DMARC1; p=none");

    DmarcOutcome q = check("q.test", NO_SPF);
    DmarcOutcome n = check("n.test", NO_SPF);

    assertThat(q.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(q.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
    assertThat(n.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(n.policy()).contains(DmarcPolicy.NONE);
    assertThat(n.disposition()).isEqualTo(DmarcPolicy.NONE);
  }

  @Test
  void aSubdomainWithoutItsOwnRecordGetsTheOrganizationsSp() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine");

    DmarcOutcome o = check("news.example.org", NO_SPF);

    assertThat(o.policy()).contains(DmarcPolicy.QUARANTINE);
    assertThat(o.policyDomain()).isEqualTo("example.org");
    assertThat(o.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
    assertThat(dns.queries("_dmarc.news.example.org", Type.TXT)).isEqualTo(1);
  }

  @Test
  void spIsNotTheOrganizationsOwnPolicyNorThatOfASubdomainWithItsOwnRecord() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject; sp=none")
        .txt("_dmarc.news.example.org", "v=DMARC1; p=quarantine");

    assertThat(check("example.org", NO_SPF).disposition()).isEqualTo(DmarcPolicy.REJECT);
    DmarcOutcome sub = check("news.example.org", NO_SPF);
    assertThat(sub.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
    assertThat(sub.policyDomain()).isEqualTo("news.example.org");
  }

  @Test
  void withoutSpTheOrganizationsPAppliesToSubdomains() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject");

    assertThat(check("a.b.example.org", NO_SPF).disposition()).isEqualTo(DmarcPolicy.REJECT);
  }

  @Test
  void theOrganizationalDomainUnderAPublicSuffixComesFromThePsl() {
    dns.txt("_dmarc.example.co.uk", "v=DMARC1; p=reject")
        .txt("_dmarc.co.uk", "v=DMARC1; p=none");

    DmarcOutcome o = check("a.b.example.co.uk", spf(SpfResult.PASS, "mailfrom", "mx.example.co.uk"));

    assertThat(o.result()).isEqualTo(DmarcResult.PASS);
    assertThat(o.policyDomain()).isEqualTo("example.co.uk");
    assertThat(check("a.b.example.co.uk", spf(SpfResult.PASS, "mailfrom", "other.co.uk")).disposition())
        .isEqualTo(DmarcPolicy.REJECT);
    assertThat(dns.queries("_dmarc.b.example.co.uk")).isZero();
    assertThat(dns.queries("_dmarc.co.uk")).isZero();
  }

  @Test
  void strictAlignmentNeedsTheSameDomainRelaxedTheSameOrganization() {
    dns.txt("_dmarc.strict.test", "v=DMARC1; p=reject; adkim=s; aspf=s")
        .txt("_dmarc.relaxed.test", "v=DMARC1; p=reject; adkim=r; aspf=r");

    SpfOutcome subSpf = spf(SpfResult.PASS, "mailfrom", "bounce.strict.test");
    assertThat(check("strict.test", subSpf, dkim(DkimResult.PASS, "mail.strict.test")).result())
        .isEqualTo(DmarcResult.FAIL);
    assertThat(check("strict.test", spf(SpfResult.PASS, "mailfrom", "Strict.Test")).result())
        .isEqualTo(DmarcResult.PASS);
    assertThat(check("strict.test", NO_SPF, dkim(DkimResult.PASS, "strict.test")).result())
        .isEqualTo(DmarcResult.PASS);
    assertThat(check("relaxed.test", spf(SpfResult.PASS, "mailfrom", "bounce.relaxed.test")).result())
        .isEqualTo(DmarcResult.PASS);
    assertThat(check("relaxed.test", NO_SPF, dkim(DkimResult.PASS, "mail.relaxed.test")).result())
        .isEqualTo(DmarcResult.PASS);
  }

  @Test
  void domainsAreComparedAsLowerCaseALabels() {
    dns.txt("_dmarc.xn--bcher-kva.example", "v=DMARC1; p=reject; adkim=s");

    assertThat(check("xn--bcher-kva.example", NO_SPF, dkim(DkimResult.PASS, "B\u00fccher.Example."))
        .result()).isEqualTo(DmarcResult.PASS);
  }

  @Test
  void onlyAPassingSpfCheckOfMailFromCounts() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject");

    assertThat(check("example.org", spf(SpfResult.PASS, "helo", "example.org")).result())
        .isEqualTo(DmarcResult.FAIL);
    assertThat(check("example.org", spf(SpfResult.SOFTFAIL, "mailfrom", "example.org")).result())
        .isEqualTo(DmarcResult.FAIL);
    assertThat(check("example.org", null).result()).isEqualTo(DmarcResult.FAIL);
  }

  @Test
  void pctSamplingLowersTheDispositionOfMessagesItDoesNotSelect() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject; pct=30");
    DmarcVerifier verifier = new DmarcVerifier(client, new Random(7));
    Random expected = new Random(7);

    int lowered = 0;
    for (int i = 0; i < 50; i++) {
      DmarcOutcome o = await(verifier.check("example.org", NO_SPF, List.of()));
      boolean selected = expected.nextInt(100) < 30;
      assertThat(o.disposition()).isEqualTo(selected ? DmarcPolicy.REJECT : DmarcPolicy.QUARANTINE);
      assertThat(o.sampledOut()).isEqualTo(!selected);
      lowered += selected ? 0 : 1;
    }
    assertThat(lowered).isBetween(1, 49);
  }

  @Test
  void pctSelectsTheDrawsBelowIt() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject; pct=30");

    assertThat(await(new DmarcVerifier(client, draw(29)).check("example.org", NO_SPF, List.of()))
        .disposition()).isEqualTo(DmarcPolicy.REJECT);
    assertThat(await(new DmarcVerifier(client, draw(30)).check("example.org", NO_SPF, List.of()))
        .disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
  }

  /** A generator whose every draw below 100 is {@code value}. */
  private static RandomGenerator draw(int value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new AssertionError("only nextInt(100) is expected");
      }

      @Override
      public int nextInt(int bound) {
        assertThat(bound).isEqualTo(100);
        return value;
      }
    };
  }

  @Test
  void pctZeroAlwaysLowersAndPctAbsentNever() {
    dns.txt("_dmarc.q.test", "v=DMARC1; p=quarantine; pct=0")
        .txt("_dmarc.r.test", "v=DMARC1; p=reject");
    RandomGenerator never = () -> {
      throw new AssertionError("no sampling when pct is 100");
    };

    assertThat(check("q.test", NO_SPF).disposition()).isEqualTo(DmarcPolicy.NONE);
    assertThat(check("q.test", NO_SPF).sampledOut()).isTrue();
    DmarcOutcome r = await(new DmarcVerifier(client, never).check("r.test", NO_SPF, List.of()));
    assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
  }

  @Test
  void dnsTroubleIsTemperror() {
    dns.servfail("_dmarc.example.org", Type.TXT).nxdomain("_dmarc.sub.broken.test")
        .servfail("_dmarc.broken.test", Type.TXT);

    assertThat(check("example.org", NO_SPF)).isEqualTo(DmarcOutcome.withoutPolicy(
        DmarcResult.TEMPERROR, "example.org", "DNS failure looking up the policy"));
    assertThat(check("sub.broken.test", NO_SPF).result()).isEqualTo(DmarcResult.TEMPERROR);
  }

  @Test
  void unknownTagsAreIgnored() {
    dns.txt("_dmarc.example.org", "v=DMARC1; p=reject; np=none; psd=n; t=y; whatever=1");

    assertThat(check("example.org", NO_SPF).disposition()).isEqualTo(DmarcPolicy.REJECT);
  }

  @Test
  void aRecordWithASyntaxErrorIsPermerrorWithoutLookingFurther() {
    dns.txt("_dmarc.news.example.org", "v=DMARC1; p=reject; pct=lots")
        .txt("_dmarc.example.org", "v=DMARC1; p=reject");

    DmarcOutcome o = check("news.example.org", NO_SPF);

    assertThat(o.result()).isEqualTo(DmarcResult.PERMERROR);
    assertThat(o.disposition()).isEqualTo(DmarcPolicy.NONE);
    assertThat(o.reason()).contains("pct not 0 to 100");
    assertThat(dns.queries("_dmarc.example.org")).isZero();
  }

  @Test
  void severalRecordsMeanNoDmarcAndOtherTextsAreNoRecords() {
    dns.txt("_dmarc.two.test", "v=DMARC1; p=reject").txt("_dmarc.two.test", "v=DMARC1; p=none")
        .txt("_dmarc.sub.one.test", "google-site-verification=abc")
        .txt("_dmarc.one.test", "v=DMARC1; p=quarantine");

    DmarcOutcome two = check("two.test", NO_SPF);
    assertThat(two.result()).isEqualTo(DmarcResult.NONE);
    assertThat(two.reason()).isEqualTo("several DMARC records at _dmarc.two.test");
    assertThat(check("sub.one.test", NO_SPF).disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
  }

  @Test
  void noRecordAnywhereIsNone() {
    DmarcOutcome o = check("sub.nowhere.test", spf(SpfResult.PASS, "mailfrom", "sub.nowhere.test"));

    assertThat(o).isEqualTo(DmarcOutcome.withoutPolicy(DmarcResult.NONE, "sub.nowhere.test",
        "no DMARC record"));
    assertThat(dns.queries("_dmarc.nowhere.test", Type.TXT)).isEqualTo(1);
  }

  @Test
  void aMissingPWithAValidRuaIsPNone() {
    dns.txt("_dmarc.example.org", "v=DMARC1; rua=mailto:dmarc@example.org");

    DmarcOutcome o = check("example.org", NO_SPF);

    assertThat(o.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(o.disposition()).isEqualTo(DmarcPolicy.NONE);
  }

  @Test
  void aFromDomainThatIsNoDomainOrTooLongForAPolicyNameIsPermerror() {
    assertThat(check("[192.0.2.1]", NO_SPF).result()).isEqualTo(DmarcResult.PERMERROR);
    assertThat(check("", NO_SPF).result()).isEqualTo(DmarcResult.PERMERROR);
    assertThat(check(null, NO_SPF).result()).isEqualTo(DmarcResult.PERMERROR);
    String longest = ("a".repeat(62) + ".").repeat(3) + "b".repeat(60) + ".test";
    assertThat(check(longest, NO_SPF).result()).isEqualTo(DmarcResult.PERMERROR);
    assertThat(DmarcVerifier.noFromDomain(FromDomain.Status.SEVERAL_FROM_FIELDS).reason())
        .isEqualTo("no single From domain: several from fields");
  }

  private DmarcOutcome check(String from, SpfOutcome spf, DkimOutcome... dkim) {
    return await(new DmarcVerifier(client, new Random(1)).check(from, spf, List.of(dkim)));
  }

  private static SpfOutcome spf(SpfResult result, String scope, String domain) {
    return new SpfOutcome(result, scope, domain, "");
  }

  private static DkimOutcome dkim(DkimResult result, String domain) {
    return new DkimOutcome(result, domain, "s1", "rsa-sha256", "AbCdEfGh", "");
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the future did not succeed", e);
    }
  }
}
