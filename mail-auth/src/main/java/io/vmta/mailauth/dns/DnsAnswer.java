package io.vmta.mailauth.dns;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.List;

/**
 * What one DNS response says about one (name, type): records, no data, or no such domain, and how
 * long that may be believed. Any other response code is a transient failure, thrown.
 *
 * @param kind        records, NODATA or NXDOMAIN
 * @param records     the records of the asked type at the end of the CNAME chain; empty otherwise
 * @param ttlSeconds  how long the answer may be cached; 0 when it must not be
 */
public record DnsAnswer(Kind kind, List<Record> records, long ttlSeconds) {

  /** A negative answer is believed at most this long (RFC 2308 section 5 lets us choose). */
  public static final long MAX_NEGATIVE_TTL = 300;
  /** CNAME links followed inside one response before giving up. */
  private static final int MAX_CNAME_LINKS = 8;

  /** The three outcomes of a lookup that are answers rather than failures. */
  public enum Kind { DATA, NO_DATA, NX_DOMAIN }

  public DnsAnswer {
    records = List.copyOf(records);
  }

  /**
   * Reads a response to the question {@code (name, type)}. A recursive server puts the whole CNAME
   * chain in the answer section and its response code applies to the chain's last name (RFC 6604
   * section 3), so the chain is followed first. SERVFAIL, REFUSED and the like throw a transient
   * {@link DnsResolutionException}.
   */
  public static DnsAnswer of(Message response, Name name, int type) {
    int rcode = response.getRcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      throw DnsResolutionException.deferred(name.toString(true),
          Type.string(type) + " lookup answered " + Rcode.string(rcode), null);
    }
    List<Record> answer = response.getSection(Section.ANSWER);
    Name owner = name;
    long ttl = Long.MAX_VALUE;
    for (int links = 0; links < MAX_CNAME_LINKS; links++) {
      CNAMERecord cname = cnameOf(answer, owner);
      if (cname == null || type == Type.CNAME) {
        break;
      }
      owner = cname.getTarget();
      ttl = Math.min(ttl, cname.getTTL());
    }
    if (rcode == Rcode.NXDOMAIN) {
      return new DnsAnswer(Kind.NX_DOMAIN, List.of(), Math.min(ttl, negativeTtl(response)));
    }
    Name target = owner;
    List<Record> records = answer.stream()
        .filter(r -> r.getType() == type && r.getName().equals(target))
        .toList();
    if (records.isEmpty()) {
      return new DnsAnswer(Kind.NO_DATA, List.of(), Math.min(ttl, negativeTtl(response)));
    }
    for (Record r : records) {
      ttl = Math.min(ttl, r.getTTL());
    }
    return new DnsAnswer(Kind.DATA, records, ttl);
  }

  private static CNAMERecord cnameOf(List<Record> answer, Name owner) {
    for (Record r : answer) {
      if (r instanceof CNAMERecord cname && r.getName().equals(owner)) {
        return cname;
      }
    }
    return null;
  }

  /**
   * The negative-caching TTL: the smaller of the authority SOA's own TTL and its MINIMUM field
   * (RFC 2308 section 5), capped; 0 without an SOA, which RFC 2308 says not to cache.
   */
  private static long negativeTtl(Message response) {
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return Math.min(MAX_NEGATIVE_TTL, Math.min(soa.getTTL(), soa.getMinimum()));
      }
    }
    return 0;
  }
}
