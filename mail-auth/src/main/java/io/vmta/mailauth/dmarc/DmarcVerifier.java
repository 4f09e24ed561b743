package io.vmta.mailauth.dmarc;

import io.vertx.core.Future;
import io.vmta.mailauth.dkim.DkimOutcome;
import io.vmta.mailauth.dkim.DkimResult;
import io.vmta.mailauth.dkim.FromDomain;
import io.vmta.mailauth.dns.DnsAnswer;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.dns.DnsResolutionException;
import io.vmta.mailauth.spf.SpfOutcome;
import io.vmta.mailauth.spf.SpfResult;
import io.vmta.smtp.core.Domain;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.xbill.DNS.Type;

/**
 * Evaluates DMARC (RFC 7489) for one message from the SPF and DKIM outcomes already found: policy
 * discovery (6.6.3) at {@code _dmarc.<From domain>}, else at {@code _dmarc.<organizational
 * domain>}; identifier alignment (3.1); the disposition with {@code pct} sampling (6.6.4). At most
 * two DNS lookups per message, through the shared {@link DnsClient}. Thread-safe when its random
 * generator is. Never throws: every problem is an outcome.
 */
public final class DmarcVerifier {

  /** DNS TXT lookups one check makes at most: the From domain and its organizational domain. */
  public static final int MAX_LOOKUPS = 2;
  /** DKIM outcomes looked at for alignment; later ones are ignored. */
  public static final int MAX_DKIM_OUTCOMES = 50;

  private final DnsClient dns;
  private final RandomGenerator random;

  /** A verifier sampling {@code pct} with {@link ThreadLocalRandom}. */
  public DmarcVerifier(DnsClient dns) {
    this(dns, () -> ThreadLocalRandom.current().nextLong());
  }

  /** A verifier sampling {@code pct} with {@code random} (which must be safe for its callers). */
  public DmarcVerifier(DnsClient dns, RandomGenerator random) {
    this.dns = dns;
    this.random = random;
  }

  /** The outcome for a message without one From domain ({@link FromDomain.Status}): permerror. */
  public static DmarcOutcome noFromDomain(FromDomain.Status status) {
    return DmarcOutcome.withoutPolicy(DmarcResult.PERMERROR, "",
        "no single From domain: " + status.name().toLowerCase(Locale.ROOT).replace('_', ' '));
  }

  /**
   * Checks the message whose RFC5322.From domain is {@code fromDomain} ({@link FromDomain}),
   * given SPF's outcome for MAIL FROM (null when not checked) and each DKIM signature's outcome.
   * Completes on the caller's Vert.x context (that of the DNS client's lookups); never fails.
   */
  public Future<DmarcOutcome> check(String fromDomain, SpfOutcome spf, List<DkimOutcome> dkim) {
    String from;
    try {
      Domain d = Domain.parse(OrganizationalDomain.normalize(fromDomain));
      if (d.isLiteral()) {
        throw new IllegalArgumentException("an address literal");
      }
      from = d.ascii();
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(DmarcOutcome.withoutPolicy(DmarcResult.PERMERROR, "",
          "From domain not valid"));
    }
    String org = OrganizationalDomain.of(from);
    List<DkimOutcome> signatures = dkim == null ? List.of()
        : dkim.subList(0, Math.min(dkim.size(), MAX_DKIM_OUTCOMES));
    return PolicyDiscovery.discover(dns, from)
        .compose(found -> found.kind() != PolicyDiscovery.Kind.EMPTY || org.equals(from)
            ? Future.succeededFuture(found) : PolicyDiscovery.discover(dns, org))
        .map(found -> evaluate(from, found, spf, signatures))
        .otherwise(error -> failure(from, error));
  }

  private DmarcOutcome evaluate(String from, PolicyDiscovery found, SpfOutcome spf,
      List<DkimOutcome> dkim) {
    switch (found.kind()) {
      case EMPTY -> {
        return DmarcOutcome.withoutPolicy(DmarcResult.NONE, from, "no DMARC record");
      }
      case MULTIPLE -> {
        return DmarcOutcome.withoutPolicy(DmarcResult.NONE, from,
            "several DMARC records at _dmarc." + found.domain());
      }
      case INVALID -> {
        return DmarcOutcome.withoutPolicy(DmarcResult.PERMERROR, from,
            "invalid DMARC record at _dmarc." + found.domain() + ": " + found.error());
      }
      default -> {
        // FOUND: evaluated below.
      }
    }
    DmarcRecord record = found.record();
    // RFC 7489 6.3: sp= is the policy of subdomains, i.e. of a From domain whose record was found
    // only at its organizational domain.
    DmarcPolicy policy = found.domain().equals(from) ? record.policy() : record.subdomainPolicy();
    Optional<DmarcPolicy> published = Optional.of(policy);
    String aligned = alignedIdentifier(from, record, spf, dkim);
    if (aligned != null) {
      return new DmarcOutcome(DmarcResult.PASS, from, published, found.domain(), DmarcPolicy.NONE,
          false, aligned);
    }
    DmarcPolicy disposition = policy;
    boolean sampledOut = false;
    if (policy != DmarcPolicy.NONE && record.percent() < 100
        && random.nextInt(100) >= record.percent()) {
      disposition = policy.lower();
      sampledOut = true;
    }
    return new DmarcOutcome(DmarcResult.FAIL, from, published, found.domain(), disposition,
        sampledOut, "no aligned SPF or DKIM pass");
  }

  /** The reason text naming the first aligned passing identifier, or null when none aligns. */
  private static String alignedIdentifier(String from, DmarcRecord record, SpfOutcome spf,
      List<DkimOutcome> dkim) {
    for (DkimOutcome d : dkim) {
      if (d != null && d.result() == DkimResult.PASS
          && record.dkimAlignment().aligned(d.domain(), from)) {
        return "DKIM d=" + d.domain() + " aligned";
      }
    }
    // RFC 7489 4.1: DMARC uses SPF's result for the MAIL FROM identity only.
    if (spf != null && spf.result() == SpfResult.PASS && "mailfrom".equalsIgnoreCase(spf.scope())
        && record.spfAlignment().aligned(spf.domain(), from)) {
      return "SPF " + spf.domain() + " aligned";
    }
    return null;
  }

  private static DmarcOutcome failure(String from, Throwable error) {
    if (error instanceof IllegalArgumentException) {
      return DmarcOutcome.withoutPolicy(DmarcResult.PERMERROR, from, "policy name not valid in DNS");
    }
    String why = error instanceof DnsResolutionException ? "DNS failure looking up the policy"
        : "error looking up the policy";
    return DmarcOutcome.withoutPolicy(DmarcResult.TEMPERROR, from, why);
  }

  /** What the TXT records at one {@code _dmarc} name hold (RFC 7489 6.6.3 steps 1 to 5). */
  record PolicyDiscovery(Kind kind, String domain, DmarcRecord record, String error) {

    enum Kind { EMPTY, FOUND, MULTIPLE, INVALID }

    static Future<PolicyDiscovery> discover(DnsClient dns, String domain) {
      return dns.lookup("_dmarc." + domain, Type.TXT).map(answer -> of(domain, answer));
    }

    private static PolicyDiscovery of(String domain, DnsAnswer answer) {
      if (answer.kind() != DnsAnswer.Kind.DATA) {
        return new PolicyDiscovery(Kind.EMPTY, domain, null, null);
      }
      List<String> records = DnsClient.texts(answer).stream().filter(DmarcRecord::isDmarc).toList();
      if (records.isEmpty()) {
        return new PolicyDiscovery(Kind.EMPTY, domain, null, null);
      }
      if (records.size() > 1) {
        return new PolicyDiscovery(Kind.MULTIPLE, domain, null, null);
      }
      DmarcRecord.Parsed parsed = DmarcRecord.parse(records.get(0));
      return parsed.record() != null ? new PolicyDiscovery(Kind.FOUND, domain, parsed.record(), null)
          : new PolicyDiscovery(Kind.INVALID, domain, null, parsed.error());
    }
  }
}
