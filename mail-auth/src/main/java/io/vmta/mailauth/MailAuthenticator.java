package io.vmta.mailauth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.mailauth.AuthenticationOptions.DmarcFailure;
import io.vmta.mailauth.AuthenticationOptions.TempFailure;
import io.vmta.mailauth.dkim.DkimOutcome;
import io.vmta.mailauth.dkim.DkimResult;
import io.vmta.mailauth.dkim.DkimVerifier;
import io.vmta.mailauth.dkim.FromDomain;
import io.vmta.mailauth.dmarc.DmarcOutcome;
import io.vmta.mailauth.dmarc.DmarcPolicy;
import io.vmta.mailauth.dmarc.DmarcResult;
import io.vmta.mailauth.dmarc.DmarcVerifier;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.spf.SpfLimits;
import io.vmta.mailauth.spf.SpfOutcome;
import io.vmta.mailauth.spf.SpfResult;
import io.vmta.mailauth.spf.SpfVerifier;
import io.vmta.smtp.core.codec.HeaderSection;
import io.vmta.smtp.core.local.Cidr;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The checks of one incoming message (SPF, DKIM, DMARC) within a time budget, and what they ask
 * for: the {@code Authentication-Results:} field to prepend, the content without forged fields of
 * ours, and whether to accept, quarantine, reject or defer it. Never fails: DNS trouble and a spent
 * budget are {@code temperror} results.
 */
public final class MailAuthenticator {

  /** What the server does with the message. */
  public enum Action {
    /** Deliver as usual. */
    ACCEPT,
    /** Deliver locally into the Junk folder (DMARC {@code p=quarantine}). */
    QUARANTINE,
    /** Refuse with 550 5.7.1 (DMARC {@code p=reject}), keep nothing. */
    REJECT,
    /** Refuse with 451 4.7.1 so the client tries later ({@code tempFailure: defer}), keep nothing. */
    DEFER
  }

  /**
   * The outcome of the checks.
   *
   * @param action   what to do
   * @param header   the complete {@code Authentication-Results:} field with its CRLF, to prepend
   * @param content  the message without {@code Authentication-Results} fields that claim our name
   * @param summary  the results in a few words for the log, e.g. {@code spf=pass dkim=none dmarc=pass}
   */
  public record Verdict(Action action, Buffer header, Buffer content, String summary) {

    public Verdict {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(summary, "summary");
    }
  }

  /** What a check still running when the budget is spent says. */
  private static final String OUT_OF_TIME = "checks ran out of time";

  private final Vertx vertx;
  private final AuthenticationOptions options;
  private final String authservId;
  private final SpfVerifier spf;
  private final DkimVerifier dkim;
  private final DmarcVerifier dmarc;

  /**
   * Checks with {@code options}, asking {@code dns}; {@code authservId} (our host name) names us in
   * the header field.
   */
  public MailAuthenticator(Vertx vertx, DnsClient dns, AuthenticationOptions options, String authservId) {
    this.vertx = vertx;
    this.options = new AuthenticationOptions(options);
    this.authservId = authservId;
    this.spf = new SpfVerifier(dns, SpfLimits.DEFAULTS);
    this.dkim = new DkimVerifier(vertx, dns, new DkimVerifier.Limits(options.getMaxSignatures(),
        DkimVerifier.Limits.CLOCK_SKEW, DkimVerifier.Limits.MAX_RSA_BITS));
    this.dmarc = new DmarcVerifier(dns);
  }

  /** The options this authenticator checks with. */
  public AuthenticationOptions options() {
    return options;
  }

  /**
   * Checks a message from {@code clientIp} whose reverse-path is {@code mailFrom} (empty for the
   * null sender) after {@code helo}; {@code content} is the message as received.
   */
  public Future<Verdict> check(String clientIp, String mailFrom, String helo, Buffer content) {
    long deadline = System.nanoTime() + options.getTimeout().toNanos();
    String sender = mailFrom == null ? "" : mailFrom;
    Future<SpfOutcome> spfDone = options.isSpf()
        ? within(spf(clientIp, sender, helo), deadline, () -> spfOutOfTime(sender, helo))
        : Future.succeededFuture();
    Future<List<DkimOutcome>> dkimDone = options.isDkim()
        ? within(dkim.verify(content), deadline, () -> List.of(new DkimOutcome(DkimResult.TEMPERROR,
            "", "", "", "", OUT_OF_TIME)))
        : Future.succeededFuture();
    return Future.join(spfDone, dkimDone).transform(ignored -> {
      SpfOutcome spfOutcome = spfDone.result();
      List<DkimOutcome> dkimOutcomes = dkimDone.result();
      // Only the header section is copied here, on the event loop; never the body.
      byte[] head = HeaderSection.bytes(content);
      FromDomain.Result from = options.isDmarc() ? FromDomain.of(head) : null;
      Future<DmarcOutcome> dmarcDone = options.isDmarc()
          ? within(dmarc(from, spfOutcome, dkimOutcomes), deadline,
              () -> DmarcOutcome.withoutPolicy(DmarcResult.TEMPERROR, "", OUT_OF_TIME))
          : Future.succeededFuture();
      return dmarcDone.map(dmarcOutcome -> verdict(content, head, from, spfOutcome, dkimOutcomes, dmarcOutcome));
    });
  }

  private Future<SpfOutcome> spf(String clientIp, String mailFrom, String helo) {
    InetAddress client;
    try {
      client = Cidr.parseAddress(clientIp);
    } catch (IllegalArgumentException e) {
      // Not an IP address (local injection names its source): nothing SPF can check.
      return Future.succeededFuture(new SpfOutcome(SpfResult.NONE, scope(mailFrom), spfDomain(mailFrom, helo),
          "no client IP address"));
    }
    return spf.check(client, mailFrom, helo, authservId);
  }

  private Future<DmarcOutcome> dmarc(FromDomain.Result from, SpfOutcome spfOutcome, List<DkimOutcome> dkimOutcomes) {
    if (from.status() != FromDomain.Status.FOUND) {
      return Future.succeededFuture(DmarcVerifier.noFromDomain(from.status()));
    }
    return dmarc.check(from.domain(), spfOutcome, dkimOutcomes == null ? List.of() : dkimOutcomes);
  }

  private Verdict verdict(Buffer content, byte[] head, FromDomain.Result from, SpfOutcome spfOutcome,
      List<DkimOutcome> dkimOutcomes, DmarcOutcome dmarcOutcome) {
    String header = AuthenticationResults.of(authservId).spf(spfOutcome).dkim(dkimOutcomes)
        .dmarc(dmarcOutcome).toHeader();
    byte[] kept = AuthenticationResults.removeOwn(head, authservId);
    Buffer cleaned = kept == head ? content
        : Buffer.buffer(kept).appendBuffer(content.slice(head.length, content.length()));
    return new Verdict(action(from, dmarcOutcome), Buffer.buffer(header.getBytes(StandardCharsets.US_ASCII)),
        cleaned, summary(spfOutcome, dkimOutcomes, dmarcOutcome));
  }

  /**
   * The domain's disposition, bounded by {@code dmarcFailure}; a DMARC temperror per
   * {@code tempFailure}. A message with several From fields has no domain DMARC could check, and
   * is the classic way around it: refused like a failure under {@code p=reject} (RFC 7489 6.6.1).
   * A message with no usable From domain is accepted with {@code dmarc=permerror}.
   */
  private Action action(FromDomain.Result from, DmarcOutcome outcome) {
    if (outcome == null) {
      return Action.ACCEPT;
    }
    if (from != null && from.status() == FromDomain.Status.SEVERAL_FROM_FIELDS) {
      return switch (options.getDmarcFailure()) {
        case REJECT -> Action.REJECT;
        case QUARANTINE -> Action.QUARANTINE;
        case NONE -> Action.ACCEPT;
      };
    }
    if (outcome.result() == DmarcResult.TEMPERROR) {
      return options.getTempFailure() == TempFailure.DEFER ? Action.DEFER : Action.ACCEPT;
    }
    if (outcome.result() != DmarcResult.FAIL || options.getDmarcFailure() == DmarcFailure.NONE) {
      return Action.ACCEPT;
    }
    if (outcome.disposition() == DmarcPolicy.REJECT) {
      return options.getDmarcFailure() == DmarcFailure.REJECT ? Action.REJECT : Action.QUARANTINE;
    }
    return outcome.disposition() == DmarcPolicy.QUARANTINE ? Action.QUARANTINE : Action.ACCEPT;
  }

  private static String summary(SpfOutcome spfOutcome, List<DkimOutcome> dkimOutcomes, DmarcOutcome dmarcOutcome) {
    StringBuilder out = new StringBuilder();
    if (spfOutcome != null) {
      out.append("spf=").append(spfOutcome.result().token());
    }
    if (dkimOutcomes != null) {
      out.append(out.isEmpty() ? "" : " ").append("dkim=").append(dkimOutcomes.isEmpty() ? "none"
          : dkimOutcomes.stream().map(o -> o.result().token() + (o.domain().isEmpty() ? "" : "/" + o.domain()))
              .collect(Collectors.joining(",")));
    }
    if (dmarcOutcome != null) {
      out.append(out.isEmpty() ? "" : " ").append("dmarc=").append(dmarcOutcome.result().token());
      if (!dmarcOutcome.fromDomain().isEmpty()) {
        out.append("/").append(dmarcOutcome.fromDomain());
      }
      if (dmarcOutcome.result() == DmarcResult.FAIL) {
        out.append(" dis=").append(dmarcOutcome.disposition().token());
      }
    }
    return out.isEmpty() ? "no checks" : out.toString();
  }

  /**
   * {@code work}'s result if it completes before {@code deadline} (a {@link System#nanoTime()}),
   * else, and if it fails, {@code late}'s: a check's own failure is as temporary as a timeout.
   */
  private <T> Future<T> within(Future<T> work, long deadline, Supplier<T> late) {
    long left = Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
    Promise<T> promise = Promise.promise();
    long timer = vertx.setTimer(left, id -> promise.tryComplete(late.get()));
    work.onComplete(ar -> {
      vertx.cancelTimer(timer);
      promise.tryComplete(ar.succeeded() ? ar.result() : late.get());
    });
    return promise.future();
  }

  private static SpfOutcome spfOutOfTime(String mailFrom, String helo) {
    return new SpfOutcome(SpfResult.TEMPERROR, scope(mailFrom), spfDomain(mailFrom, helo), OUT_OF_TIME);
  }

  private static String scope(String mailFrom) {
    return mailFrom.isEmpty() ? "helo" : "mailfrom";
  }

  private static String spfDomain(String mailFrom, String helo) {
    String domain = mailFrom.isEmpty() ? (helo == null ? "" : helo) : mailFrom.substring(mailFrom.lastIndexOf('@') + 1);
    return domain.toLowerCase(Locale.ROOT);
  }
}
