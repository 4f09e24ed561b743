package io.vmta.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.testing.FakeDnsServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;

/**
 * Our evaluator against an independent one: random but well-formed policies (fixed seed), served
 * by one {@link FakeDnsServer}, checked by {@link SpfVerifier} and by pyspf (Debian python3-spf,
 * the implementation behind the RFC 7208 suite) asking the same server. Results must agree, and
 * so must explanations where we give one.
 */
class PyspfDifferentialTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final int CASES = 400;
  private static final int BATCH = 25;
  private static final String[] CLIENTS = {"192.0.2.10", "192.0.2.77", "2001:db8::10"};
  private static final String[] ADDRESSES = {"192.0.2.10", "192.0.2.20", "198.51.100.1"};

  private record Case(int id, String client, String mailFrom, String helo, String record) {
  }

  @Test
  void randomPoliciesGiveTheResultsPyspfGives(@TempDir Path dir) throws Exception {
    if (!Files.isExecutable(PYTHON)) {
      fail("/usr/bin/python3 with python3-spf is needed: apt-get install -y python3-spf");
    }
    Vertx vertx = Vertx.vertx();
    try (FakeDnsServer dns = FakeDnsServer.start()) {
      List<Case> cases = zone(dns, new Random(7208));
      SpfVerifier verifier = new SpfVerifier(
          new DnsClient(vertx, List.of(dns.address()), Duration.ofSeconds(1)), SpfLimits.DEFAULTS);
      // In batches, so that the single-threaded fake server is never flooded into timeouts.
      List<Future<SpfOutcome>> ours = new ArrayList<>();
      for (int from = 0; from < cases.size(); from += BATCH) {
        List<Future<SpfOutcome>> batch = new ArrayList<>();
        for (Case c : cases.subList(from, Math.min(cases.size(), from + BATCH))) {
          Promise<SpfOutcome> promise = Promise.promise();
          InetAddress client = Address.getByAddress(c.client());
          vertx.getOrCreateContext().runOnContext(v ->
              verifier.check(client, c.mailFrom(), c.helo(), null).onComplete(promise));
          batch.add(promise.future());
        }
        Future.join(batch).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        ours.addAll(batch);
      }
      Map<Integer, String[]> theirs = pyspf(dir, dns, cases);

      List<String> differences = new ArrayList<>();
      for (Case c : cases) {
        SpfOutcome outcome = ours.get(c.id()).result();
        String[] py = theirs.get(c.id());
        boolean sameResult = py != null && py[0].equals(outcome.result().token());
        boolean sameExplanation = py == null || outcome.explanation().isEmpty()
            || outcome.explanation().equals(py[1]);
        if (!sameResult || !sameExplanation) {
          differences.add(c + "\n    ours: " + outcome.result().token() + " '"
              + outcome.explanation() + "' (" + outcome.reason() + ")\n    pyspf: "
              + (py == null ? "nothing" : py[0] + " '" + py[1] + "'"));
        }
      }
      assertThat(differences).as("cases where pyspf and we differ").isEmpty();
      assertThat(ours.stream().map(f -> f.result().result()).distinct())
          .as("the generator reaches most results")
          .contains(SpfResult.PASS, SpfResult.FAIL, SpfResult.SOFTFAIL, SpfResult.NEUTRAL,
              SpfResult.PERMERROR);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Runs the driver script over all cases in one process; id to {result, explanation}. */
  private static Map<Integer, String[]> pyspf(Path dir, FakeDnsServer dns, List<Case> cases)
      throws Exception {
    Path driver = dir.resolve("pyspf-driver.py");
    try (InputStream in = PyspfDifferentialTest.class.getResourceAsStream("/spf/pyspf-driver.py")) {
      Files.copy(in, driver);
    }
    Process process = new ProcessBuilder(PYTHON.toString(), driver.toString(),
        dns.address().getAddress().getHostAddress() + ":" + dns.address().getPort())
        .redirectError(dir.resolve("pyspf.err").toFile())
        .start();
    try (OutputStream out = process.getOutputStream()) {
      StringBuilder input = new StringBuilder();
      for (Case c : cases) {
        input.append(c.id()).append('\t').append(c.client()).append('\t').append(c.mailFrom())
            .append('\t').append(c.helo()).append('\n');
      }
      out.write(input.toString().getBytes(StandardCharsets.UTF_8));
    }
    Map<Integer, String[]> results = new HashMap<>();
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        String[] fields = line.split("\t", -1);
        results.put(Integer.parseInt(fields[0]), new String[] {fields[1], fields[2]});
      }
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("pyspf finished").isTrue();
    assertThat(process.exitValue()).as("pyspf's exit status; see %s",
        Files.readString(dir.resolve("pyspf.err"))).isZero();
    return results;
  }

  /** Scripts a zone of {@link #CASES} sender domains, each with a random policy; the cases. */
  private static List<Case> zone(FakeDnsServer dns, Random random) throws Exception {
    // The clients' PTR names: 192.0.2.10 confirms as mail.ptr.test, 2001:db8::10 does not.
    dns.add(new PTRRecord(Name.fromString("10.2.0.192.in-addr.arpa."), DClass.IN, 300,
        Name.fromString("mail.ptr.test.")));
    dns.add(new PTRRecord(Name.fromString(
        "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."), DClass.IN, 300,
        Name.fromString("six.ptr.test.")));
    dns.a("mail.ptr.test", "192.0.2.10").aaaa("six.ptr.test", "2001:db8::99");
    List<Case> cases = new ArrayList<>();
    for (int id = 0; id < CASES; id++) {
      String domain = "c" + id + ".test";
      for (int h = 0; h < 3; h++) {
        if (random.nextInt(4) > 0) {
          dns.a("h" + h + "." + domain, pick(random, ADDRESSES));
        }
        if (random.nextInt(3) == 0) {
          dns.aaaa("h" + h + "." + domain, random.nextBoolean() ? "2001:db8::10" : "2001:db8::20");
        }
      }
      dns.mx(domain, 10, "h" + random.nextInt(3) + "." + domain);
      dns.a(domain, pick(random, ADDRESSES));
      dns.txt("inc." + domain, "v=spf1 " + term(random, "inc." + domain, false) + " "
          + pick(random, "-all", "?all", "~all", "+all", ""));
      dns.txt("red." + domain, "v=spf1 " + term(random, domain, false) + " -all");
      dns.txt("why." + domain, pick(random, "%{l} may not use %{d} from %{c}",
          "%{o} says no to %{s}", "Not %{h}"));
      dns.a("10.2.0.192.x." + domain, "127.0.0.2");
      StringBuilder record = new StringBuilder("v=spf1");
      int terms = 1 + random.nextInt(5);
      for (int t = 0; t < terms; t++) {
        record.append(' ').append(term(random, domain, true));
      }
      record.append(' ').append(pick(random, "-all", "~all", "?all", "", "",
          "redirect=red." + domain));
      if (random.nextInt(3) == 0) {
        record.append(" exp=why.").append(domain);
      }
      dns.txt(domain, record.toString());
      cases.add(new Case(id, pick(random, CLIENTS), pick(random, "user", "first-last", "a.b")
          + "@" + domain, pick(random, "mail.ptr.test", "h0." + domain), record.toString()));
    }
    return cases;
  }

  private static String term(Random random, String domain, boolean include) {
    String qualifier = pick(random, "", "", "-", "~", "?", "+");
    String h = "h" + random.nextInt(4) + "." + domain;
    String mechanism = switch (random.nextInt(include ? 12 : 10)) {
      case 0 -> "ip4:" + pick(random, ADDRESSES) + pick(random, "", "/24", "/16", "/32");
      case 1 -> "ip6:2001:db8::" + pick(random, "10", "20") + pick(random, "", "/64", "/128");
      case 2 -> "a" + pick(random, "", "/24", "//64", "/32//128");
      case 3 -> "a:" + h + pick(random, "", "/24", "//64");
      case 4 -> "mx" + pick(random, "", "/24", "//64");
      case 5 -> "mx:" + domain;
      case 6 -> "ptr" + pick(random, "", ":ptr.test", ":" + domain);
      case 7 -> "exists:" + pick(random, "%{ir}.x.%{d}", "%{i}.x.%{d}", "%{l}.%{d}");
      case 8 -> "a:%{d}";
      case 9 -> pick(random, "ip4:192.0.2.0/33", "a:", "mx:-", "foo=%{z}", "unknown=x");
      default -> "include:inc." + domain;
    };
    return qualifier + mechanism;
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
