package io.vmta.smtp.relay.testing;

import io.vmta.mailauth.testing.FakeDnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNSSEC-signed zone made in the test (RFC 4034, 4035): an ECDSA P-256 key made with the JDK
 * (algorithm 13), every RRset signed with dnsjava's {@link DNSSEC#sign}, an NSEC chain so that
 * NXDOMAIN and NODATA can be proven, all served by a {@link FakeDnsServer}. The trust anchor is
 * the zone's DS record ({@link #writeTrustAnchor}), so a validator trusts this zone directly
 * instead of walking down from the root.
 */
public final class SignedZone {

  private static final long TTL = 300;

  private final Name zone;
  private final KeyPair keys;
  private final DNSKEYRecord dnskey;
  private final List<Record> records = new ArrayList<>();
  private final Set<String> badSignatures = new HashSet<>();

  private SignedZone(Name zone) {
    this.zone = zone;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      keys = generator.generateKeyPair();
      dnskey = new DNSKEYRecord(zone, DClass.IN, TTL, DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY,
          DNSKEYRecord.Protocol.DNSSEC, DNSSEC.Algorithm.ECDSAP256SHA256, keys.getPublic());
    } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
      throw new IllegalStateException(e);
    }
    records.add(new SOARecord(zone, DClass.IN, TTL, name("ns." + zone), name("hostmaster." + zone), 1, 3600, 600,
        86400, TTL));
    records.add(dnskey);
  }

  /** A zone named {@code zone} (e.g. {@code dane.test}), with its SOA and DNSKEY. */
  public static SignedZone create(String zone) {
    return new SignedZone(name(zone));
  }

  /** Adds an MX record. */
  public SignedZone mx(String owner, int preference, String target) {
    return add(new MXRecord(name(owner), DClass.IN, TTL, preference, name(target)));
  }

  /** Adds an A record. */
  public SignedZone a(String owner, String address) {
    try {
      return add(new ARecord(name(owner), DClass.IN, TTL, InetAddress.getByName(address)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds a TLSA record at {@code _<port>._tcp.<host>}. */
  public SignedZone tlsa(String host, int port, int usage, int selector, int matching, byte[] data) {
    return add(new TLSARecord(name("_" + port + "._tcp." + host), DClass.IN, TTL, usage, selector, matching, data));
  }

  /** Adds any record of the zone. */
  public SignedZone add(Record record) {
    records.add(record);
    return this;
  }

  /** Publishes a signature over the RRset ({@code owner}, {@code type}) that does not verify (bogus data). */
  public SignedZone badSignature(String owner, int type) {
    badSignatures.add(name(owner) + "/" + type);
    return this;
  }

  /** Writes the zone's DS record (SHA-256 of the DNSKEY) as a trust anchor file and returns it. */
  public Path writeTrustAnchor(Path file) {
    DSRecord ds = new DSRecord(zone, DClass.IN, TTL, DNSSEC.Digest.SHA256, dnskey);
    try {
      return Files.writeString(file, ds + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Signs every RRset, builds the NSEC chain and hands it all to {@code dns}. */
  public void publish(FakeDnsServer dns) {
    Map<Name, Map<Integer, RRset>> byName = new TreeMap<>();
    for (Record r : records) {
      byName.computeIfAbsent(r.getName(), n -> new LinkedHashMap<>())
          .computeIfAbsent(r.getType(), t -> new RRset()).addRR(r);
    }
    // NSEC chain in canonical order (RFC 4034 section 6.1), the last pointing back to the apex.
    List<Name> names = new ArrayList<>(new TreeSet<>(byName.keySet()));
    List<Record> authority = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Name owner = names.get(i);
      Set<Integer> types = new TreeSet<>(byName.get(owner).keySet());
      types.add(Type.RRSIG);
      types.add(Type.NSEC);
      NSECRecord nsec = new NSECRecord(owner, DClass.IN, TTL, names.get((i + 1) % names.size()),
          types.stream().mapToInt(Integer::intValue).toArray());
      byName.get(owner).put(Type.NSEC, new RRset(nsec));
    }
    for (Map<Integer, RRset> sets : byName.values()) {
      for (RRset set : sets.values()) {
        RRSIGRecord sig = sign(set);
        set.rrs().forEach(dns::add);
        dns.add(sig);
        if (set.getType() == Type.NSEC || set.getType() == Type.SOA) {
          authority.addAll(set.rrs());
          authority.add(sig);
        }
      }
    }
    dns.negativeAuthority(zone.toString(), authority);
  }

  private RRSIGRecord sign(RRset set) {
    Instant now = Instant.now();
    try {
      RRSIGRecord sig = DNSSEC.sign(set, dnskey, keys.getPrivate(), now.minus(Duration.ofHours(1)),
          now.plus(Duration.ofDays(1)));
      if (!badSignatures.contains(set.getName() + "/" + set.getType())) {
        return sig;
      }
      byte[] broken = sig.getSignature().clone();
      broken[broken.length / 2] ^= 0x5a;
      return new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(), sig.getAlgorithm(),
          sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(), sig.getSigner(), broken);
    } catch (DNSSEC.DNSSECException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
