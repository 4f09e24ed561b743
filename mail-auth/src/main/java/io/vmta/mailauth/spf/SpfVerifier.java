package io.vmta.mailauth.spf;

import io.vertx.core.Future;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.spf.SpfCheck.Abort;
import io.vmta.mailauth.spf.SpfCheck.Verdict;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks whether a client may send for a domain: RFC 7208's check_host() of the MAIL FROM domain,
 * or of the HELO name for the null sender, over {@link DnsClient}. Asynchronous, completing on the
 * caller's Vert.x context; every input gets an {@link SpfOutcome}, never an exception. A time
 * budget is the caller's: a lookup that does not end keeps the future open until the resolver's
 * own timeout fails it (temperror).
 */
public final class SpfVerifier {

  /** Characters of an outcome's reason; it quotes DNS data, so it is also made printable ASCII. */
  public static final int MAX_REASON_LENGTH = 200;
  /** A local-part or domain longer than this is not checked (outcome none); RFC 5321 allows 64 and 255. */
  public static final int MAX_IDENTITY_LENGTH = 1024;

  private final DnsClient dns;
  private final SpfLimits limits;
  private final Clock clock;

  /** A verifier asking {@code dns}, within {@code limits}. */
  public SpfVerifier(DnsClient dns, SpfLimits limits) {
    this(dns, limits, Clock.systemUTC());
  }

  /** For tests: a given clock for the {@code %{t}} macro. */
  SpfVerifier(DnsClient dns, SpfLimits limits, Clock clock) {
    this.dns = Objects.requireNonNull(dns, "dns");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The SPF outcome for a message from {@code client}.
   *
   * @param client    the SMTP client's address
   * @param mailFrom  the reverse-path address without angle brackets; empty (or null) for the null
   *                  sender, in which case {@code postmaster@<helo>} is checked with scope "helo"
   * @param helo      the HELO/EHLO argument
   * @param receiver  our host name, for the {@code %{r}} macro of explanations ("unknown" if null)
   */
  public Future<SpfOutcome> check(InetAddress client, String mailFrom, String helo,
      String receiver) {
    Objects.requireNonNull(client, "client");
    String heloName = helo == null ? "" : helo;
    boolean nullSender = mailFrom == null || mailFrom.isEmpty();
    String scope = nullSender ? "helo" : "mailfrom";
    String identity = nullSender ? "postmaster@" + heloName : mailFrom;
    int at = identity.lastIndexOf('@');
    String local = at <= 0 ? "postmaster" : identity.substring(0, at);
    String rawDomain = at < 0 ? identity : identity.substring(at + 1);
    String shown = printable(rawDomain.toLowerCase(Locale.ROOT));
    if (local.length() > MAX_IDENTITY_LENGTH || rawDomain.length() > MAX_IDENTITY_LENGTH) {
      return Future.succeededFuture(new SpfOutcome(SpfResult.NONE, scope, shown,
          "identity too long to check"));
    }
    String domain = SpfNames.identity(rawDomain);
    if (domain == null) {
      // RFC 7208 4.3: a malformed or single-label domain has no SPF record.
      return Future.succeededFuture(new SpfOutcome(SpfResult.NONE, scope, shown,
          "not a valid domain name"));
    }
    SpfCheck check = new SpfCheck(dns, limits, clock, client, local, rawDomainForMacros(rawDomain),
        heloName.length() > MAX_IDENTITY_LENGTH ? "unknown" : heloName,
        receiver == null || receiver.isEmpty() ? "unknown" : receiver);
    Future<Verdict> verdict;
    try {
      verdict = check.checkHost(domain);
    } catch (RuntimeException e) {
      verdict = Future.failedFuture(e);
    }
    return verdict
        .recover(e -> Future.succeededFuture(failure(e)))
        .compose(v -> check.explanation(v).map(text ->
            new SpfOutcome(v.result(), scope, domain, printable(v.reason()), text)));
  }

  /** The verdict a failed evaluation stands for: its own, temperror for DNS, else temperror too. */
  private static Verdict failure(Throwable e) {
    if (e instanceof Abort abort) {
      return abort.verdict;
    }
    // An unexpected failure must not turn into a rejection: temperror, like DNS trouble.
    return Verdict.of(SpfResult.TEMPERROR, "SPF check failed: " + DnsQueries.describe(e));
  }

  /** The sender's domain as the {@code %{o}} macro shows it: as written, without trailing dot. */
  private static String rawDomainForMacros(String domain) {
    return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
  }

  /**
   * The reason fit for a log line or a header comment: control and non-ASCII characters (which a
   * hostile record may hold and a syntax error quotes) become '?', and it is cut.
   */
  static String printable(String reason) {
    StringBuilder out = new StringBuilder(Math.min(reason.length(), MAX_REASON_LENGTH));
    for (int i = 0; i < reason.length() && out.length() < MAX_REASON_LENGTH; i++) {
      char c = reason.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    return out.toString();
  }
}
