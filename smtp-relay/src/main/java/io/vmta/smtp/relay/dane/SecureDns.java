package io.vmta.smtp.relay.dane;

import io.vmta.mailauth.dns.DnsAnswer;
import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.dns.DnsResolutionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNS lookups whose answers say whether they are DNSSEC-secure (RFC 4033 section 5): validated by
 * vmta itself ({@link DnssecMode#VALIDATE}, dnsjava's {@link ValidatingResolver} from configured
 * trust anchors) or by the upstream resolver whose AD bit is believed ({@link DnssecMode#TRUST_AD}).
 * A bogus answer (a signature that does not verify, a missing proof) is a failure, never an
 * insecure answer: the validator turns it into SERVFAIL, which fails the future.
 */
public final class SecureDns {

  /** The bundled trust anchors of the root zone (DS records of KSK-2017 and KSK-2024). */
  static final String ROOT_ANCHORS = "root-anchors.txt";

  /** One answer and whether it was DNSSEC-validated as secure. */
  public record SecureAnswer(DnsAnswer answer, boolean secure) {
  }

  private final Resolver resolver;
  private final boolean askForAd;

  private SecureDns(Resolver resolver, boolean askForAd) {
    this.resolver = resolver;
    this.askForAd = askForAd;
  }

  /**
   * Lookups through {@code upstream} in {@code mode} (not {@link DnssecMode#OFF}); with
   * {@link DnssecMode#VALIDATE}, from the trust anchors of {@code trustAnchors} (DS or DNSKEY
   * records in zone-file form) or, when it is null, of the root zone. Blocking: it reads a file.
   *
   * @throws IllegalArgumentException when the trust anchors cannot be read or hold none
   */
  public static SecureDns create(Resolver upstream, DnssecMode mode, Path trustAnchors, Clock clock) {
    if (mode == DnssecMode.TRUST_AD) {
      return new SecureDns(upstream, true);
    }
    if (mode != DnssecMode.VALIDATE) {
      throw new IllegalArgumentException("no DNSSEC in mode " + mode);
    }
    ValidatingResolver validating = new ValidatingResolver(upstream, clock);
    try (InputStream in = trustAnchors == null
        ? SecureDns.class.getResourceAsStream(ROOT_ANCHORS) : Files.newInputStream(trustAnchors)) {
      if (in == null) {
        throw new IOException("the bundled " + ROOT_ANCHORS + " is missing");
      }
      validating.loadTrustAnchors(in);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read the DNSSEC trust anchors of "
          + (trustAnchors == null ? "the root zone" : trustAnchors) + ": " + e.getMessage(), e);
    }
    if (validating.getTrustAnchors().items().isEmpty()) {
      throw new IllegalArgumentException((trustAnchors == null ? ROOT_ANCHORS : trustAnchors)
          + " holds no DS or DNSKEY record");
    }
    return new SecureDns(validating, false);
  }

  /**
   * The records of {@code type} at {@code name} and whether they (or the proof that there are
   * none) are secure; SERVFAIL (a bogus answer too), other errors and timeouts fail the future
   * with a transient {@link DnsResolutionException}.
   */
  public CompletableFuture<SecureAnswer> query(Name name, int type) {
    Message question = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    if (askForAd) {
      // RFC 6840 section 5.7: a stub that wants the AD bit asks for it with AD in the query.
      question.getHeader().setFlag(Flags.AD);
    }
    return resolver.sendAsync(question).toCompletableFuture().handle((response, error) -> {
      if (error != null) {
        throw DnsResolutionException.deferred(name.toString(true),
            Type.string(type) + " lookup failed: " + DnsQueries.describe(DnsQueries.unwrap(error)), error);
      }
      if (response.getRcode() == Rcode.SERVFAIL) {
        String reason = reason(response);
        throw DnsResolutionException.deferred(name.toString(true), Type.string(type) + " lookup answered SERVFAIL"
            + (reason == null ? "" : " (DNSSEC: " + reason + ")"), null);
      }
      return new SecureAnswer(DnsAnswer.of(response, name, type), response.getHeader().getFlag(Flags.AD));
    });
  }

  /** Why the validator refused an answer, from the TXT record it adds; null when there is none. */
  private static String reason(Message response) {
    for (Record r : response.getSection(Section.ADDITIONAL)) {
      if (r instanceof TXTRecord txt && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
        return String.join("", txt.getStrings());
      }
    }
    return null;
  }
}
