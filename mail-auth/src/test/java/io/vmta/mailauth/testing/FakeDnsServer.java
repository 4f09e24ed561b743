package io.vmta.mailauth.testing;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process DNS responder for tests, authoritative for every name, answering over UDP and TCP
 * on 127.0.0.1 and one free port from a script set up per (name, type): records, NXDOMAIN, NODATA,
 * SERVFAIL or silence. A name with no script at all is NXDOMAIN; a scripted name without records
 * of the asked type is NODATA. Negative answers carry an SOA in the authority section (RFC 2308).
 * Runs on plain threads; {@link #close()} stops them.
 *
 * <pre>{@code
 * try (FakeDnsServer dns = FakeDnsServer.start()) {
 *   dns.mx("example.test", 10, "mx.example.test").a("mx.example.test", "192.0.2.1");
 *   MxResolver resolver = new MxResolver(vertx, List.of(dns.address()), Duration.ofSeconds(1));
 * }
 * }</pre>
 */
public final class FakeDnsServer implements AutoCloseable {

  /** What the server does for one (name, type). */
  private enum Behaviour { RECORDS, NODATA, SERVFAIL, SILENT }

  private record Key(Name name, int type) {
  }

  private record Script(Behaviour behaviour, List<Record> records) {
  }

  private final Map<Key, Script> scripts = new ConcurrentHashMap<>();
  private final Set<Name> nxdomains = ConcurrentHashMap.newKeySet();
  private final Map<Key, AtomicInteger> queries = new ConcurrentHashMap<>();
  private final Map<Name, List<Record>> zoneAuthority = new ConcurrentHashMap<>();
  private final FakeDnsTransport transport;
  private volatile long ttl = 3600;
  private volatile long negativeTtl = 300;
  private volatile boolean authenticData;

  private FakeDnsServer() throws IOException {
    transport = new FakeDnsTransport(this::answer);
  }

  /** Starts a server on 127.0.0.1 with a free port, UDP and TCP on the same number. */
  public static FakeDnsServer start() {
    try {
      return new FakeDnsServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where to send queries, for both UDP and TCP. */
  public InetSocketAddress address() {
    return transport.address();
  }

  /** The TTL of records scripted from now on (default 3600 seconds). */
  public FakeDnsServer ttl(long seconds) {
    ttl = seconds;
    return this;
  }

  /** The SOA TTL and MINIMUM of negative answers from now on (default 300 seconds). */
  public FakeDnsServer negativeTtl(long seconds) {
    negativeTtl = seconds;
    return this;
  }

  /** Adds an MX record; {@code "."} as the target makes a null MX (RFC 7505). */
  public FakeDnsServer mx(String name, int preference, String target) {
    return add(new MXRecord(name(name), DClass.IN, ttl, preference, name(target)));
  }

  /** Adds A records. */
  public FakeDnsServer a(String name, String... addresses) {
    for (String address : addresses) {
      add(new ARecord(name(name), DClass.IN, ttl, parse(address, Address.IPv4)));
    }
    return this;
  }

  /** Adds AAAA records. */
  public FakeDnsServer aaaa(String name, String... addresses) {
    for (String address : addresses) {
      add(new AAAARecord(name(name), DClass.IN, ttl, parse(address, Address.IPv6)));
    }
    return this;
  }

  /** Adds a TXT record of these character-strings (each at most 255 octets), e.g. a DKIM key record. */
  public FakeDnsServer txt(String name, String... strings) {
    return add(new TXTRecord(name(name), DClass.IN, ttl, List.of(strings)));
  }

  /** Makes {@code name} an alias: queries of any type answer the CNAME and the target's records. */
  public FakeDnsServer cname(String name, String target) {
    return add(new CNAMERecord(name(name), DClass.IN, ttl, name(target)));
  }

  /**
   * Sets the AD bit (RFC 4035 section 3.2.3) on every answer from now on, as a validating resolver
   * does for secure data, or as a forger on the path could: whether a client believes it is its
   * choice.
   */
  public FakeDnsServer authenticData(boolean ad) {
    authenticData = ad;
    return this;
  }

  /** Answers NXDOMAIN for every type of {@code name}. */
  public FakeDnsServer nxdomain(String name) {
    nxdomains.add(name(name));
    return this;
  }

  /** Answers NOERROR without records, an SOA in the authority section. */
  public FakeDnsServer nodata(String name, int type) {
    return script(name, type, Behaviour.NODATA);
  }

  /** Answers SERVFAIL. */
  public FakeDnsServer servfail(String name, int type) {
    return script(name, type, Behaviour.SERVFAIL);
  }

  /** Never answers, so that the client times out. */
  public FakeDnsServer silent(String name, int type) {
    return script(name, type, Behaviour.SILENT);
  }

  /** Truncates every UDP answer (TC set, no records) so that clients retry over TCP. */
  public FakeDnsServer truncateUdp(boolean truncate) {
    transport.truncateUdp(truncate);
    return this;
  }

  /** Keeps UDP answers back until {@link #release()}, to have several queries in flight at once. */
  public FakeDnsServer hold() {
    transport.hold();
    return this;
  }

  /** Sends the UDP answers kept back by {@link #hold()} and answers at once again. */
  public FakeDnsServer release() {
    transport.release();
    return this;
  }

  /** Queries received for {@code name} of any type, over UDP and TCP. */
  public int queries(String name) {
    Name n = name(name);
    return queries.entrySet().stream()
        .filter(e -> e.getKey().name().equals(n))
        .mapToInt(e -> e.getValue().get())
        .sum();
  }

  /** Queries received for {@code name} of {@code type} (e.g. {@link Type#MX}). */
  public int queries(String name, int type) {
    AtomicInteger count = queries.get(new Key(name(name), type));
    return count == null ? 0 : count.get();
  }

  /** Stops answering and closes the sockets. */
  @Override
  public void close() {
    transport.close();
  }

  /** Forgets what was scripted for {@code name} and {@code type} (records or behaviour), to change an answer. */
  public FakeDnsServer remove(String name, int type) {
    scripts.remove(new Key(name(name), type));
    return this;
  }

  /** Adds any record (PTR, SPF, TLSA, ...), with its own owner name, class and TTL. */
  public FakeDnsServer add(Record record) {
    Key key = new Key(record.getName(), record.getType());
    scripts.compute(key, (k, old) -> {
      List<Record> records = new ArrayList<>();
      if (old != null && old.behaviour() == Behaviour.RECORDS) {
        records.addAll(old.records());
      }
      records.add(record);
      return new Script(Behaviour.RECORDS, List.copyOf(records));
    });
    return this;
  }

  /**
   * The authority section of negative answers for names at or under {@code zone}, instead of the
   * usual SOA at the root: for a DNSSEC-signed test zone, its SOA, NSEC records and their RRSIGs,
   * so that a validator can prove the denial (RFC 4035 section 3.1.3). The longest zone wins.
   */
  public FakeDnsServer negativeAuthority(String zone, List<Record> records) {
    zoneAuthority.put(name(zone), List.copyOf(records));
    return this;
  }

  private FakeDnsServer script(String name, int type, Behaviour behaviour) {
    scripts.put(new Key(name(name), type), new Script(behaviour, List.of()));
    return this;
  }

  /** The response to one query, or null for no response at all. */
  private Message answer(Message query) {
    Record question = query.getQuestion();
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.AA);
    response.getHeader().setFlag(Flags.RA);
    if (authenticData) {
      response.getHeader().setFlag(Flags.AD);
    }
    if (question == null) {
      response.getHeader().setRcode(Rcode.FORMERR);
      return response;
    }
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.addRecord(question, Section.QUESTION);
    queries.computeIfAbsent(new Key(question.getName(), question.getType()),
        k -> new AtomicInteger()).incrementAndGet();
    return fill(response, question.getName(), question.getType(), 0);
  }

  /** Answers (name, type) into {@code response}, following CNAMEs like a recursive server. */
  private Message fill(Message response, Name name, int type, int depth) {
    if (nxdomains.contains(name)) {
      return negative(response, Rcode.NXDOMAIN);
    }
    Script script = scripts.get(new Key(name, type));
    Script alias = scripts.get(new Key(name, Type.CNAME));
    if (script == null && alias != null && depth < 8) {
      response.addRecord(alias.records().get(0), Section.ANSWER);
      return fill(response, ((CNAMERecord) alias.records().get(0)).getTarget(), type, depth + 1);
    }
    if (script == null) {
      boolean known = scripts.keySet().stream().anyMatch(k -> k.name().equals(name));
      return negative(response, known ? Rcode.NOERROR : Rcode.NXDOMAIN);
    }
    switch (script.behaviour()) {
      case RECORDS -> {
        script.records().forEach(r -> response.addRecord(r, Section.ANSWER));
        // Signatures added with add(RRSIGRecord) go with the records they cover (RFC 4035 3.1.1).
        Script sigs = type == Type.RRSIG ? null : scripts.get(new Key(name, Type.RRSIG));
        if (sigs != null) {
          sigs.records().stream().filter(r -> ((RRSIGRecord) r).getTypeCovered() == type)
              .forEach(r -> response.addRecord(r, Section.ANSWER));
        }
      }
      case NODATA -> negative(response, Rcode.NOERROR);
      case SERVFAIL -> response.getHeader().setRcode(Rcode.SERVFAIL);
      case SILENT -> {
        return null;
      }
    }
    return response;
  }

  private Message negative(Message response, int rcode) {
    response.getHeader().setRcode(rcode);
    Name asked = response.getQuestion().getName();
    Name zone = zoneAuthority.keySet().stream().filter(asked::subdomain)
        .max(java.util.Comparator.comparingInt(Name::labels)).orElse(null);
    if (zone != null) {
      zoneAuthority.get(zone).forEach(r -> response.addRecord(r, Section.AUTHORITY));
      return response;
    }
    long ttl = negativeTtl;
    response.addRecord(new SOARecord(Name.root, DClass.IN, ttl, name("ns.fake.test"),
        name("hostmaster.fake.test"), 1, 3600, 600, 86400, ttl), Section.AUTHORITY);
    return response;
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static InetAddress parse(String address, int family) {
    try {
      return Address.getByAddress(address, family);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address, e);
    }
  }
}
