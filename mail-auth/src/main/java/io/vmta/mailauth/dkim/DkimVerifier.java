package io.vmta.mailauth.dkim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.mailauth.dns.DnsAnswer;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.dns.DnsResolutionException;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.Type;

/**
 * Verifies the {@code DKIM-Signature} fields of a received message (RFC 6376 6, RFC 8463, RFC
 * 8301): one {@link DkimOutcome} per signature checked, top to bottom, at most
 * {@link Limits#maxSignatures()} of them (later ones are not checked and get no outcome). The
 * header is parsed and the bodies hashed on a worker ({@code executeBlocking}), the keys asked of
 * DNS meanwhile, and the signatures verified on a worker; the future completes on the caller's
 * context and never fails because of what the message or DNS holds (only when Vert.x cannot run
 * a worker task, e.g. while closing). See
 * docs/mail-auth-dkim-verify.md for the results chosen where the RFCs leave room.
 */
public final class DkimVerifier {

  private static final System.Logger LOG = System.getLogger(DkimVerifier.class.getName());
  /** The reason of an outcome where the verifier itself went wrong (logged with its stack trace). */
  private static final String CANNOT_CHECK = "signature cannot be checked";

  /**
   * What one message may cost.
   *
   * @param maxSignatures signatures checked per message, top to bottom
   * @param clockSkew     how far {@code t=} may lie in the future and {@code x=} in the past
   * @param maxRsaBits    larger RSA keys are a permerror (their verification costs more)
   */
  public record Limits(int maxSignatures, Duration clockSkew, int maxRsaBits) {

    /** Default {@link #maxSignatures()}. */
    public static final int MAX_SIGNATURES = 5;
    /** Default {@link #clockSkew()}. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** Default {@link #maxRsaBits()}. */
    public static final int MAX_RSA_BITS = 8192;
    /** The defaults. */
    public static final Limits DEFAULT = new Limits(MAX_SIGNATURES, CLOCK_SKEW, MAX_RSA_BITS);

    public Limits {
      Objects.requireNonNull(clockSkew, "clockSkew");
      if (maxSignatures < 0 || clockSkew.isNegative() || maxRsaBits < DkimKeyRecord.MIN_RSA_BITS) {
        throw new IllegalArgumentException("bad DKIM verification limits: " + maxSignatures + ", "
            + clockSkew + ", " + maxRsaBits);
      }
    }
  }

  /** One signature after parsing: an outcome already, or a signature still to check. */
  private record Check(DkimSignature.Names names, DkimSignature signature, DkimOutcome outcome) {
  }

  private record Parsed(byte[] message, HeaderFields headers, List<Check> checks) {
  }

  /** What hashing found for one signature: the body's canonical hash and the data signed. */
  private record Hashed(BodyHash body, byte[] signedData) {
  }

  private record BodyHash(byte[] hash, long length) {
  }

  /** The key record texts, or the outcome a failed lookup gives. */
  private record KeyAnswer(List<String> texts, DkimOutcome outcome) {
  }

  private final Vertx vertx;
  private final DnsClient dns;
  private final Limits limits;
  private final Clock clock;

  /** A verifier asking {@code dns} for keys, within {@code limits}. */
  public DkimVerifier(Vertx vertx, DnsClient dns, Limits limits) {
    this(vertx, dns, limits, Clock.systemUTC());
  }

  /** For tests: a given clock for {@code t=} and {@code x=}. */
  DkimVerifier(Vertx vertx, DnsClient dns, Limits limits, Clock clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.dns = Objects.requireNonNull(dns, "dns");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The outcomes of the message's signatures, top to bottom; empty without any (the caller writes
   * {@code dkim=none}). {@code message} is the message as received: CRLF lines, header, empty line,
   * body.
   */
  public Future<List<DkimOutcome>> verify(Buffer message) {
    return vertx.executeBlocking(() -> parse(message.getBytes()), false).compose(parsed -> {
      if (parsed.checks().stream().allMatch(c -> c.outcome() != null)) {
        return Future.succeededFuture(parsed.checks().stream().map(Check::outcome).toList());
      }
      List<Future<KeyAnswer>> keys = new ArrayList<>();
      for (Check c : parsed.checks()) {
        keys.add(c.outcome() != null ? Future.succeededFuture() : key(c));
      }
      Future<List<Hashed>> hashed = vertx.executeBlocking(() -> hash(parsed), false);
      return Future.all(hashed, Future.all(keys)).compose(done -> vertx.executeBlocking(() -> finish(parsed,
          hashed.result(), keys.stream().map(Future::result).toList()), false));
    });
  }

  /** Finds the first {@code maxSignatures} signature fields and checks their tags. */
  private Parsed parse(byte[] message) {
    HeaderFields headers = HeaderFields.parse(message);
    List<Check> checks = new ArrayList<>();
    long now = clock.instant().getEpochSecond();
    for (HeaderFields.Field f : headers.fields()) {
      if (checks.size() >= limits.maxSignatures()) {
        break;
      }
      if (f.name().equals("dkim-signature")) {
        checks.add(parse(message, f, now));
      }
    }
    return new Parsed(message, headers, checks);
  }

  private Check parse(byte[] message, HeaderFields.Field f, long now) {
    String text = DkimSignature.text(message, f.start(), f.end());
    int valueOffset = text.indexOf(':') + 1;
    TagList tags;
    try {
      tags = TagList.parse(text.substring(valueOffset));
    } catch (IllegalArgumentException e) {
      return new Check(DkimSignature.Names.NONE, null,
          DkimSignature.Names.NONE.outcome(DkimResult.PERMERROR, "signature does not parse: " + e.getMessage()));
    }
    DkimSignature.Names names = DkimSignature.Names.of(tags);
    try {
      return new Check(names, DkimSignature.check(message, f.start(), f.end(), valueOffset, tags, now,
          limits.clockSkew().toSeconds()), null);
    } catch (DkimCheckException e) {
      return new Check(names, null, names.outcome(e.result(), e.getMessage()));
    } catch (RuntimeException e) {
      return new Check(names, null, unexpected(names, e));
    }
  }

  /** The key record texts at {@code <s>._domainkey.<d>} (RFC 6376 3.6.2.1). */
  private Future<KeyAnswer> key(Check c) {
    DkimSignature.Names names = c.names();
    return dns.lookup(c.signature().selector() + "._domainkey." + c.signature().domain(), Type.TXT)
        .map(answer -> switch (answer.kind()) {
          case DATA -> new KeyAnswer(DnsClient.texts(answer), null);
          case NX_DOMAIN -> new KeyAnswer(null, names.outcome(DkimResult.PERMERROR, "no key (NXDOMAIN)"));
          case NO_DATA -> new KeyAnswer(null, names.outcome(DkimResult.PERMERROR, "no key record"));
        })
        .otherwise(e -> new KeyAnswer(null, e instanceof DnsResolutionException
            ? names.outcome(DkimResult.TEMPERROR, "key lookup failed (DNS error or timeout)")
            : e instanceof IllegalArgumentException
                ? names.outcome(DkimResult.PERMERROR, "key name is not a domain name")
                : names.outcome(DkimResult.TEMPERROR, "key lookup failed")));
  }

  /** Hashes each distinct (canonicalization, l=) of the body once, and each signature's header data. */
  private static List<Hashed> hash(Parsed parsed) {
    byte[] message = parsed.message();
    Map<String, List<HeaderFields.Field>> byName = new HashMap<>();
    for (HeaderFields.Field f : parsed.headers().fields()) {
      byName.computeIfAbsent(f.name(), n -> new ArrayList<>()).add(f);
    }
    Map<String, BodyHash> bodies = new HashMap<>();
    List<Hashed> out = new ArrayList<>();
    for (Check c : parsed.checks()) {
      DkimSignature s = c.signature();
      if (s == null) {
        out.add(null);
        continue;
      }
      try {
        BodyHash body = bodies.computeIfAbsent(s.relaxedBody() + "/" + s.length(), k -> {
          BodyDigest digest = new BodyDigest(s.length());
          int from = parsed.headers().bodyStart();
          if (s.relaxedBody()) {
            RelaxedCanonicalizer.body(message, from, message.length, digest);
          } else {
            SimpleCanonicalizer.body(message, from, message.length, digest);
          }
          return new BodyHash(digest.digest(), digest.written());
        });
        out.add(new Hashed(body, signedData(message, byName, s)));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "DKIM hashing failed unexpectedly", e);
        out.add(null);
      }
    }
    return out;
  }

  /**
   * The data the signature covers (RFC 6376 3.7, 5.4.2): the fields of {@code h=} in its order,
   * each name taking the next instance from the bottom up (none left: nothing), then the
   * signature field with {@code b=} emptied, canonicalized, without its final CRLF.
   */
  static byte[] signedData(byte[] message, Map<String, List<HeaderFields.Field>> byName, DkimSignature s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, Integer> used = new HashMap<>();
    for (String name : s.signedHeaders()) {
      List<HeaderFields.Field> instances = byName.getOrDefault(name, List.of());
      int n = used.merge(name, 1, Integer::sum);
      if (n <= instances.size()) {
        HeaderFields.Field f = instances.get(instances.size() - n);
        out.writeBytes(canonical(s, message, f.start(), f.end()));
      }
    }
    byte[] own = canonical(s, s.unsignedField(), 0, s.unsignedField().length);
    out.write(own, 0, own.length - 2);
    return out.toByteArray();
  }

  private static byte[] canonical(DkimSignature s, byte[] bytes, int from, int to) {
    return s.relaxedHeader() ? RelaxedCanonicalizer.header(bytes, from, to) : SimpleCanonicalizer.header(bytes, from, to);
  }

  /** The outcome of each signature, with its key (RFC 6376 6.1.2) and its hashes (6.1.3). */
  private List<DkimOutcome> finish(Parsed parsed, List<Hashed> hashed, List<KeyAnswer> keys) {
    List<DkimOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < parsed.checks().size(); i++) {
      Check c = parsed.checks().get(i);
      if (c.outcome() != null) {
        outcomes.add(c.outcome());
      } else if (keys.get(i).outcome() != null) {
        outcomes.add(keys.get(i).outcome());
      } else if (hashed.get(i) == null) {
        outcomes.add(c.names().outcome(DkimResult.PERMERROR, CANNOT_CHECK));
      } else {
        try {
          outcomes.add(verify(c, hashed.get(i), keys.get(i).texts()));
        } catch (RuntimeException e) {
          outcomes.add(unexpected(c.names(), e));
        }
      }
    }
    return outcomes;
  }

  private DkimOutcome verify(Check c, Hashed hashed, List<String> keyTexts) {
    DkimSignature s = c.signature();
    DkimKeyRecord key;
    try {
      key = DkimKeyRecord.select(keyTexts, s, limits.maxRsaBits());
    } catch (DkimCheckException e) {
      return c.names().outcome(e.result(), e.getMessage());
    }
    List<String> notes = new ArrayList<>();
    if (s.length() >= 0) {
      long unsigned = hashed.body().length() - s.length();
      notes.add(unsigned > 0 ? "l=" + s.length() + ", " + unsigned + " octets of the body not signed"
          : "l=" + s.length());
    }
    if (key.testing()) {
      notes.add("key in testing mode (t=y)");
    }
    DkimResult result;
    String reason;
    if (s.length() > hashed.body().length()) {
      result = DkimResult.FAIL;
      reason = "body shorter than l=";
    } else if (!MessageDigest.isEqual(s.bodyHash(), hashed.body().hash())) {
      result = DkimResult.FAIL;
      reason = "body hash mismatch";
    } else if (!verifies(s, key, hashed.signedData())) {
      result = DkimResult.FAIL;
      reason = "signature does not verify";
    } else {
      result = DkimResult.PASS;
      reason = "";
    }
    notes.add(0, reason);
    return c.names().outcome(result, String.join("; ", notes.stream().filter(n -> !n.isEmpty()).toList()));
  }

  /** RSA verifies over the data, Ed25519 over its SHA-256 hash (RFC 8463 3). */
  private static boolean verifies(DkimSignature s, DkimKeyRecord key, byte[] data) {
    try {
      Signature verifier = Signature.getInstance(s.algorithm().jcaSignature());
      verifier.initVerify(key.key());
      verifier.update(s.algorithm() == DkimAlgorithm.ED25519_SHA256
          ? MessageDigest.getInstance("SHA-256").digest(data) : data);
      return verifier.verify(s.signature());
    } catch (GeneralSecurityException e) {
      return false; // e.g. a b= of the wrong length for the key
    }
  }

  private static DkimOutcome unexpected(DkimSignature.Names names, RuntimeException e) {
    LOG.log(System.Logger.Level.WARNING, "DKIM verification failed unexpectedly", e);
    return names.outcome(DkimResult.PERMERROR, CANNOT_CHECK);
  }
}
