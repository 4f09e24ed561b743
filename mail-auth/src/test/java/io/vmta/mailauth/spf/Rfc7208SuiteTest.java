package io.vmta.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.testing.FakeDnsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The openspf.org RFC 7208 conformance suite (release 2014.04) as Debian's python3-spf ships it,
 * run against {@link SpfVerifier}: each scenario's zone data served by a {@link FakeDnsServer} over
 * a real socket, all cases checked concurrently, then one dynamic test per case. The suite file is
 * required: without it the test fails ({@code apt-get install python3-spf}).
 */
class Rfc7208SuiteTest {

  static final Path SUITE = Path.of("/usr/share/doc/python3-spf/rfc7208-tests.yml.gz");

  /**
   * Cases we knowingly answer otherwise than the suite, with why (docs/mail-auth-spf.md). Each is
   * asserted to still deviate, so that a fix updates this list and a new failure fails the build.
   */
  static final Map<String, String> DEVIATIONS = Map.of(
      "v-macro-ip6", "%{i} of an IPv6 client gives lower-case nibbles, as RFC 7208 7.4's example"
          + " does; the suite expects pyspf's upper case in the explanation text");

  /** Each attempt at a silent (TIMEOUT) name; the resolver gives up after two attempts. */
  private static final Duration DNS_TIMEOUT = Duration.ofMillis(500);

  private static Vertx vertx;
  private static final List<FakeDnsServer> servers = new ArrayList<>();

  /** One case of the suite. */
  record Case(String scenario, String name, String spec, String host, String mailFrom, String helo,
      List<String> results, String explanation) {
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    servers.forEach(FakeDnsServer::close);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @TestFactory
  Stream<DynamicNode> rfc7208Suite() throws Exception {
    if (!Files.isRegularFile(SUITE)) {
      fail("the RFC 7208 suite " + SUITE + " is missing: apt-get install -y python3-spf");
    }
    List<DynamicNode> scenarios = new ArrayList<>();
    List<Case> all = new ArrayList<>();
    Map<Case, Future<SpfOutcome>> outcomes = new LinkedHashMap<>();
    for (Object document : new Yaml(new LoaderOptions()).loadAll(read(SUITE))) {
      Map<?, ?> scenario = (Map<?, ?>) document;
      String title = String.valueOf(scenario.get("description"));
      FakeDnsServer dns = zone((Map<?, ?>) scenario.get("zonedata"));
      servers.add(dns);
      SpfVerifier verifier = new SpfVerifier(
          new DnsClient(vertx, List.of(dns.address()), DNS_TIMEOUT), SpfLimits.DEFAULTS);
      List<Case> cases = cases(title, (Map<?, ?>) scenario.get("tests"));
      for (Case c : cases) {
        outcomes.put(c, check(verifier, c));
      }
      all.addAll(cases);
    }
    Future.join(new ArrayList<>(outcomes.values())).toCompletionStage().toCompletableFuture()
        .exceptionally(e -> null).get(60, TimeUnit.SECONDS);

    Map<String, List<DynamicNode>> byScenario = new LinkedHashMap<>();
    int passed = 0;
    List<String> unexpected = new ArrayList<>();
    for (Case c : all) {
      SpfOutcome outcome = outcomes.get(c).result();
      String problem = problem(c, outcome);
      if (problem == null) {
        passed++;
      }
      if (problem != null && !DEVIATIONS.containsKey(c.name())) {
        unexpected.add(c.name());
      }
      byScenario.computeIfAbsent(c.scenario(), k -> new ArrayList<>())
          .add(DynamicTest.dynamicTest(c.name(), () -> {
            if (DEVIATIONS.containsKey(c.name())) {
              assertThat(problem).as("%s is listed as a deviation (%s) but now passes: remove it",
                  c.name(), DEVIATIONS.get(c.name())).isNotNull();
            } else {
              assertThat(problem).as("%s (RFC 7208 %s)", c.name(), c.spec()).isNull();
            }
          }));
    }
    byScenario.forEach((title, tests) -> scenarios.add(DynamicContainer.dynamicContainer(title, tests)));
    int total = all.size();
    int passes = passed;
    scenarios.add(DynamicTest.dynamicTest("pass count", () -> {
      assertThat(total).as("cases in the suite").isEqualTo(203);
      assertThat(passes).as("cases passing; unexpected failures: %s", unexpected)
          .isEqualTo(total - DEVIATIONS.size());
    }));
    return scenarios.stream();
  }

  /** Null when the outcome is what the suite asks, else what differs. */
  static String problem(Case c, SpfOutcome outcome) {
    if (outcome == null) {
      return "no outcome";
    }
    String result = outcome.result().token();
    if (!c.results().contains(result)) {
      return "result " + result + " (" + outcome.reason() + "), expected " + c.results();
    }
    if (c.explanation() != null) {
      // The suite's driver sets "DEFAULT" as the default explanation, used when there is none.
      String explanation = outcome.explanation().isEmpty() ? "DEFAULT" : outcome.explanation();
      if (!explanation.equals(c.explanation())) {
        return "explanation '" + explanation + "', expected '" + c.explanation() + "'";
      }
    }
    return null;
  }

  private static Future<SpfOutcome> check(SpfVerifier verifier, Case c) {
    InetAddress client;
    try {
      client = Address.getByAddress(c.host());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(c.name() + ": host " + c.host(), e);
    }
    Context context = vertx.getOrCreateContext();
    Promise<SpfOutcome> promise = Promise.promise();
    context.runOnContext(v -> verifier.check(client, c.mailFrom(), c.helo(), null)
        .onComplete(promise));
    return promise.future();
  }

  private static List<Case> cases(String scenario, Map<?, ?> tests) {
    List<Case> cases = new ArrayList<>();
    tests.forEach((name, value) -> {
      Map<?, ?> t = (Map<?, ?>) value;
      Object result = t.get("result");
      List<String> results = result instanceof List<?> list
          ? list.stream().map(String::valueOf).toList()
          : List.of(String.valueOf(result));
      Object explanation = t.get("explanation");
      cases.add(new Case(scenario, String.valueOf(name), String.valueOf(t.get("spec")),
          String.valueOf(t.get("host")), String.valueOf(t.get("mailfrom")),
          String.valueOf(t.get("helo")), results,
          explanation == null ? null : String.valueOf(explanation)));
    });
    return cases;
  }

  /**
   * A DNS server holding a scenario's zone data the way the suite's own driver (testspf.py,
   * {@code getrdata} and {@code DNSLookup}) reads it: SPF records are also TXT records, appended
   * after the name's other entries, unless the name lists TXT of its own; {@code NONE} adds nothing;
   * a {@code TIMEOUT} entry makes every type not listed before it silent, and a {@code TIMEOUT}
   * value makes its own type silent.
   */
  static FakeDnsServer zone(Map<?, ?> zonedata) {
    FakeDnsServer dns = FakeDnsServer.start();
    zonedata.forEach((key, value) -> {
      Name name;
      try {
        name = Name.fromString(String.valueOf(key), Name.root);
      } catch (TextParseException e) {
        return; // A name DNS cannot carry (e.g. a 64-octet label): nobody can ask for it.
      }
      List<Map.Entry<String, Object>> entries = new ArrayList<>();
      List<Map.Entry<String, Object>> generated = new ArrayList<>();
      boolean hasTxt = ((List<?>) value).stream()
          .anyMatch(e -> e instanceof Map<?, ?> m && m.containsKey("TXT"));
      for (Object entry : (List<?>) value) {
        if ("TIMEOUT".equals(entry)) {
          entries.add(Map.entry("TIMEOUT", "TIMEOUT"));
          continue;
        }
        ((Map<?, ?>) entry).forEach((type, data) -> {
          if ("NONE".equals(data)) {
            return;
          }
          entries.add(Map.entry(String.valueOf(type), data));
          if ("SPF".equals(type) && !hasTxt) {
            generated.add(Map.entry("TXT", data));
          }
        });
      }
      entries.addAll(generated);
      for (String type : List.of("TXT", "SPF", "A", "AAAA", "MX", "PTR", "CNAME")) {
        boolean seen = false;
        for (Map.Entry<String, Object> e : entries) {
          if (e.getKey().equals("TIMEOUT")) {
            if (!seen) {
              dns.silent(name.toString(), Type.value(type));
            }
            break;
          }
          if (e.getKey().equals(type)) {
            seen = true;
            if ("TIMEOUT".equals(e.getValue())) {
              dns.silent(name.toString(), Type.value(type));
              break;
            }
            add(dns, name, type, e.getValue());
          }
        }
      }
    });
    return dns;
  }

  private static void add(FakeDnsServer dns, Name name, String type, Object data) {
    long ttl = 300;
    try {
      switch (type) {
        case "SPF", "TXT" -> {
          List<String> strings = data instanceof List<?> list
              ? list.stream().map(String::valueOf).toList()
              : List.of(String.valueOf(data));
          byte[] rdata = characterStrings(strings);
          dns.add(Record.newRecord(name, Type.value(type), DClass.IN, ttl, rdata));
        }
        case "A" -> dns.a(name.toString(), String.valueOf(data));
        case "AAAA" -> dns.aaaa(name.toString(), String.valueOf(data));
        case "MX" -> {
          List<?> mx = (List<?>) data;
          dns.add(new MXRecord(name, DClass.IN, ttl, ((Number) mx.get(0)).intValue(),
              target(mx.get(1))));
        }
        case "PTR" -> dns.add(new PTRRecord(name, DClass.IN, ttl,
            target(data)));
        case "CNAME" -> dns.add(new CNAMERecord(name, DClass.IN, ttl,
            target(data)));
        default -> throw new IllegalArgumentException("record type " + type + " at " + name);
      }
    } catch (TextParseException e) {
      throw new IllegalArgumentException(type + " " + data + " at " + name, e);
    }
  }

  /** A target name; the empty name is the root (a null MX). */
  private static Name target(Object text) throws TextParseException {
    String s = String.valueOf(text);
    return s.isEmpty() ? Name.root : Name.fromString(s, Name.root);
  }

  /** TXT RDATA: each string as UTF-8 (as the suite's driver encodes), 255 octets a piece. */
  private static byte[] characterStrings(List<String> strings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String s : strings) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      int offset = 0;
      do {
        int length = Math.min(255, bytes.length - offset);
        out.write(length);
        out.write(bytes, offset, length);
        offset += length;
      } while (offset < bytes.length);
    }
    return out.toByteArray();
  }

  private static String read(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
