package io.vmta.mailauth.spf;

import io.vertx.core.Future;
import io.vmta.mailauth.dns.DnsAnswer;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.spf.SpfRecord.Kind;
import io.vmta.mailauth.spf.SpfRecord.Mechanism;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One evaluation of RFC 7208's check_host() with its counters; single use, all its callbacks on
 * one Vert.x context. Failures of the evaluation travel as {@link Abort} through the futures.
 */
final class SpfCheck {

  /** What check_host() of one domain found, and the explanation its record would give a fail. */
  record Verdict(SpfResult result, String reason, MacroString exp, String expDomain) {

    static Verdict of(SpfResult result, String reason) {
      return new Verdict(result, reason, null, null);
    }
  }

  /** Ends the whole check with a result (permerror on limits and syntax, temperror on DNS). */
  static final class Abort extends RuntimeException {

    private static final long serialVersionUID = 1L;
    final transient Verdict verdict;

    Abort(SpfResult result, String reason) {
      super(reason, null, false, false);
      this.verdict = Verdict.of(result, reason);
    }
  }

  private final DnsClient dns;
  private final SpfLimits limits;
  private final ClientAddress client;
  private final MacroValues macros;
  private int terms;
  private int voids;

  SpfCheck(DnsClient dns, SpfLimits limits, Clock clock, InetAddress client, String local,
      String senderDomain, String helo, String receiver) {
    this.dns = dns;
    this.limits = limits;
    this.client = new ClientAddress(client);
    this.macros = new MacroValues(this.client, local, senderDomain, helo, receiver, clock);
  }

  /** check_host() of a valid domain name (section 4). */
  Future<Verdict> checkHost(String domain) {
    return dns.lookup(domain, Type.TXT).transform(ar -> {
      if (ar.failed()) {
        return ar.cause() instanceof IllegalArgumentException
            ? Future.succeededFuture(Verdict.of(SpfResult.NONE, domain + " is not a valid name"))
            : Future.succeededFuture(Verdict.of(SpfResult.TEMPERROR,
                "SPF lookup of " + domain + ": " + DnsQueries.describe(ar.cause())));
      }
      DnsAnswer answer = ar.result();
      List<String> records = DnsClient.texts(answer).stream().filter(SpfRecord::isSpf).toList();
      if (records.isEmpty()) {
        return Future.succeededFuture(Verdict.of(SpfResult.NONE, "no SPF record at " + domain));
      }
      if (records.size() > 1) {
        return Future.succeededFuture(Verdict.of(SpfResult.PERMERROR,
            records.size() + " SPF records at " + domain));
      }
      String text = records.get(0);
      if (text.length() > limits.maxRecordLength()) {
        return Future.succeededFuture(Verdict.of(SpfResult.PERMERROR, "SPF record of " + domain
            + " longer than " + limits.maxRecordLength() + " characters"));
      }
      SpfRecord record;
      try {
        record = SpfRecord.parse(text);
      } catch (SpfSyntaxException e) {
        return Future.succeededFuture(Verdict.of(SpfResult.PERMERROR,
            "SPF record of " + domain + ": " + e.getMessage()));
      }
      return evaluate(record, domain, 0);
    });
  }

  /** Mechanisms from {@code index} on, then redirect or the default neutral (4.7, 6.1). */
  private Future<Verdict> evaluate(SpfRecord record, String domain, int index) {
    List<Mechanism> mechanisms = record.mechanisms();
    for (int i = index; i < mechanisms.size(); i++) {
      Mechanism m = mechanisms.get(i);
      if (m.kind().queriesDns()) {
        countTerm(m.text());
        int next = i + 1;
        return matches(m, domain).compose(hit -> hit
            ? Future.succeededFuture(matched(m, record, domain))
            : evaluate(record, domain, next));
      }
      if (matchesLocally(m)) {
        return Future.succeededFuture(matched(m, record, domain));
      }
    }
    if (record.redirect() == null) {
      return Future.succeededFuture(new Verdict(SpfResult.NEUTRAL, "no mechanism matched in "
          + domain, record.exp(), domain));
    }
    countTerm("redirect=" + record.redirect());
    return expandDomain(record.redirect(), domain, true).compose(target -> {
      if (target == null) {
        return Future.succeededFuture(Verdict.of(SpfResult.PERMERROR,
            "redirect=" + record.redirect() + " of " + domain + " is not a valid name"));
      }
      // The target's record decides, explanation included (6.1).
      return checkHost(target).map(v -> v.result() == SpfResult.NONE
          ? Verdict.of(SpfResult.PERMERROR, "redirect from " + domain + ": " + v.reason())
          : v);
    });
  }

  private static Verdict matched(Mechanism m, SpfRecord record, String domain) {
    return new Verdict(m.result(), "matched " + m.text() + " in " + domain, record.exp(), domain);
  }

  private void countTerm(String term) {
    if (++terms > limits.dnsTerms()) {
      throw new Abort(SpfResult.PERMERROR, "more than " + limits.dnsTerms()
          + " DNS-querying terms (at " + term + ")");
    }
  }

  private void countVoid(String name) {
    if (++voids > limits.voidLookups()) {
      throw new Abort(SpfResult.PERMERROR, "more than " + limits.voidLookups()
          + " void lookups (at " + name + ")");
    }
  }

  private boolean matchesLocally(Mechanism m) {
    return switch (m.kind()) {
      case ALL -> true;
      case IP4 -> client.in(m.network(), m.cidr4());
      case IP6 -> client.in(m.network(), m.cidr6());
      default -> throw new IllegalStateException(m.kind() + " queries DNS");
    };
  }

  private Future<Boolean> matches(Mechanism m, String domain) {
    Future<String> target = m.domain() == null
        ? Future.succeededFuture(domain)
        : expandDomain(m.domain(), domain, true);
    return target.compose(name -> {
      if (name == null) {
        if (m.kind() == Kind.INCLUDE) {
          throw new Abort(SpfResult.PERMERROR, m.text() + ": not a valid name");
        }
        // A name DNS cannot hold has no records (7.1 leaves it to the lookup, which cannot match).
        return Future.succeededFuture(false);
      }
      return switch (m.kind()) {
        case A -> addresses(name, true).map(found -> anyWithin(found, m));
        case MX -> mx(name, m);
        case PTR -> validatedNames(true).map(names -> names.stream().anyMatch(n -> within(n, name)));
        case EXISTS -> lookup(name, Type.A, true).map(records -> !records.isEmpty());
        case INCLUDE -> include(name, m);
        default -> throw new IllegalStateException(m.kind() + " is evaluated locally");
      };
    });
  }

  /** include: the target's pass is a match, its fail, softfail or neutral not; errors end all (5.2). */
  private Future<Boolean> include(String name, Mechanism m) {
    return checkHost(name).map(v -> switch (v.result()) {
      case PASS -> true;
      case FAIL, SOFTFAIL, NEUTRAL -> false;
      case TEMPERROR -> throw new Abort(SpfResult.TEMPERROR, m.text() + ": " + v.reason());
      case PERMERROR, NONE -> throw new Abort(SpfResult.PERMERROR, m.text() + ": " + v.reason());
    });
  }

  /** mx: the addresses of at most {@code mxNames} exchangers (5.4, 4.6.4). */
  private Future<Boolean> mx(String name, Mechanism m) {
    return lookup(name, Type.MX, true).compose(records -> {
      if (records.size() > limits.mxNames()) {
        throw new Abort(SpfResult.PERMERROR, m.text() + ": " + records.size()
            + " MX records, more than " + limits.mxNames());
      }
      List<Future<Boolean>> hosts = new ArrayList<>();
      for (Record r : records) {
        Name target = ((MXRecord) r).getTarget();
        if (!target.equals(Name.root)) {
          hosts.add(addresses(target.toString(true), true).map(found -> anyWithin(found, m)));
        }
      }
      // Every exchanger is looked up, as pyspf does: a failure of any (a void lookup past the
      // limit, DNS trouble) decides, whether or not another exchanger matched.
      return Future.join(hosts).transform(ar -> ar.succeeded()
          ? Future.succeededFuture(hosts.stream().anyMatch(Future::result))
          : Future.failedFuture(firstFailure(hosts)));
    });
  }

  /** The failure that decides among several: a permerror first, else the first in list order. */
  private static Throwable firstFailure(List<? extends Future<?>> futures) {
    Throwable first = null;
    for (Future<?> f : futures) {
      if (f.failed()) {
        if (isPermanent(f.cause())) {
          return f.cause();
        }
        first = first == null ? f.cause() : first;
      }
    }
    return first;
  }

  private static boolean isPermanent(Throwable e) {
    return e instanceof Abort abort && abort.verdict.result() == SpfResult.PERMERROR;
  }

  private boolean anyWithin(List<InetAddress> addresses, Mechanism m) {
    int prefix = client.isIpv4() ? m.cidr4() : m.cidr6();
    return addresses.stream().anyMatch(a -> client.in(a, prefix));
  }

  private static boolean within(String name, String domain) {
    String n = name.toLowerCase(Locale.ROOT);
    String d = domain.toLowerCase(Locale.ROOT);
    return n.equals(d) || n.endsWith("." + d);
  }

  /** The A or AAAA addresses of {@code name}, as the client's family asks (5.3). */
  private Future<List<InetAddress>> addresses(String name, boolean countVoid) {
    int type = client.isIpv4() ? Type.A : Type.AAAA;
    return lookup(name, type, countVoid).map(records -> records.stream()
        .map(r -> r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress())
        .toList());
  }

  /**
   * The records of {@code type} at {@code name}: none for NXDOMAIN, no data or a name DNS refuses
   * (counted as void when asked), a temperror for DNS trouble.
   */
  private Future<List<Record>> lookup(String name, int type, boolean countVoid) {
    return dns.lookup(name, type).transform(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof IllegalArgumentException) {
          return Future.succeededFuture(List.of());
        }
        throw new Abort(SpfResult.TEMPERROR, Type.string(type) + " lookup of " + name + ": "
            + DnsQueries.describe(ar.cause()));
      }
      DnsAnswer answer = ar.result();
      if (answer.kind() != DnsAnswer.Kind.DATA) {
        if (countVoid) {
          countVoid(name);
        }
        return Future.succeededFuture(List.of());
      }
      return Future.succeededFuture(answer.records());
    });
  }

  /**
   * The client's validated names (5.5): PTR names, at most {@code ptrNames}, whose addresses
   * include the client's, in the order DNS gave them. A DNS error gives none; empty answers count
   * as void lookups when {@code countVoid}, the names' address lookups included (as pyspf does).
   */
  private Future<List<String>> validatedNames(boolean countVoid) {
    return lookup(client.reverseName(), Type.PTR, countVoid)
        .recover(e -> isPermanent(e) ? Future.failedFuture(e) : Future.succeededFuture(List.of()))
        .compose(records -> {
          List<String> names = records.stream()
              .limit(limits.ptrNames())
              .map(r -> ((PTRRecord) r).getTarget().toString(true))
              .toList();
          List<Future<Boolean>> checks = names.stream()
              .map(n -> addresses(n, countVoid)
                  .map(found -> found.contains(client.address()))
                  .recover(e -> isPermanent(e)
                      ? Future.failedFuture(e)
                      : Future.succeededFuture(false)))
              .toList();
          return Future.join(checks).transform(ar -> {
            if (ar.failed()) {
              return Future.failedFuture(firstFailure(checks));
            }
            List<String> validated = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
              if (checks.get(i).succeeded() && checks.get(i).result()) {
                validated.add(names.get(i));
              }
            }
            return Future.succeededFuture(validated);
          });
        });
  }

  /** The {@code p} macro: the domain itself, a subdomain of it, any validated name, or "unknown". */
  private Future<String> ptrMacro(String domain, boolean countVoid) {
    return validatedNames(countVoid).map(names -> names.stream()
        .filter(n -> n.equalsIgnoreCase(domain)).findFirst()
        .or(() -> names.stream().filter(n -> within(n, domain)).findFirst())
        .or(() -> names.stream().findFirst())
        .orElse("unknown"));
  }

  /**
   * A domain-spec expanded with {@code domain} as {@code %{d}} and truncated to 253 octets; null
   * when the result is no name DNS can hold.
   */
  private Future<String> expandDomain(MacroString spec, String domain, boolean countVoid) {
    Future<String> ptr = spec.needsPtr()
        ? ptrMacro(domain, countVoid)
        : Future.succeededFuture("unknown");
    return ptr.map(p -> SpfNames.lookupName(SpfNames.truncate(macros.expand(spec, domain, p, false))));
  }

  /**
   * The explanation of a fail (6.2): the TXT record named by the exp= of the record that decided,
   * expanded. Empty when there is none or anything about it fails; never changes the result, never
   * counts against the limits.
   */
  Future<String> explanation(Verdict verdict) {
    if (verdict.result() != SpfResult.FAIL || verdict.exp() == null) {
      return Future.succeededFuture("");
    }
    return expandDomain(verdict.exp(), verdict.expDomain(), false).compose(name -> {
      if (name == null) {
        return Future.succeededFuture("");
      }
      return dns.lookup(name, Type.TXT).compose(answer -> {
        List<String> texts = DnsClient.texts(answer);
        if (answer.kind() != DnsAnswer.Kind.DATA || texts.size() != 1) {
          return Future.succeededFuture("");
        }
        MacroString text;
        try {
          text = MacroString.parse(texts.get(0), true);
        } catch (SpfSyntaxException e) {
          return Future.succeededFuture("");
        }
        Future<String> ptr = text.needsPtr()
            ? ptrMacro(verdict.expDomain(), false)
            : Future.succeededFuture("unknown");
        return ptr.map(p -> macros.expand(text, verdict.expDomain(), p, true));
      });
    }).otherwise("");
  }
}
