package io.vmta.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.testing.FakeDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Random records built from SPF's own pieces (fixed seeds, so every run is the same): parsing
 * either succeeds or is a syntax error, and every check ends in an outcome, never an exception.
 */
class SpfGarbageTest {

  private static final String[] PIECES = {
      "v=spf1", " ", "  ", "+", "-", "~", "?", "all", "a", "mx", "ptr", "ip4:", "ip6:", "include:",
      "exists:", "redirect=", "exp=", "x=", ":", "/", "//", "0", "24", "33", "129", "99999999999",
      "192.0.2.10", "::1", "2001:db8::", "g.test", "loop.test", "gone.test", ".", "..", "%{d}",
      "%{i}", "%{ir}", "%{l2r-}", "%{p}", "%{h}", "%{c}", "%{d0}", "%{s99999999999}", "%", "%%",
      "%_", "%-", "{", "}", "=", "\u0000", "\r", "\u00ff", "\u2603"};

  @Test
  void randomRecordsParseOrAreSyntaxErrors() {
    Random random = new Random(7208);
    int parsed = 0;
    for (int i = 0; i < 20_000; i++) {
      String text = record(random);
      try {
        SpfRecord.parse(text);
        parsed++;
      } catch (SpfSyntaxException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
    // The generator makes both kinds, or the test proves nothing.
    assertThat(parsed).isBetween(100, 19_900);
  }

  @Test
  void randomRecordsServedByDnsAllEndInAnOutcome() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FakeDnsServer dns = FakeDnsServer.start()) {
      SpfVerifier verifier = new SpfVerifier(
          new DnsClient(vertx, List.of(dns.address()), Duration.ofMillis(500)), SpfLimits.DEFAULTS);
      dns.txt("loop.test", "v=spf1 include:loop.test").txt("g.test", "v=spf1 a mx ptr -all")
          .a("g.test", "192.0.2.10").mx("g.test", 0, "g.test").nxdomain("gone.test");
      Random random = new Random(4408);
      List<Future<SpfOutcome>> outcomes = new ArrayList<>();
      InetAddress client = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 10});
      for (int i = 0; i < 300; i++) {
        String record = record(random);
        List<String> strings = new ArrayList<>();
        for (int at = 0; at < record.length(); at += 255) {
          strings.add(record.substring(at, Math.min(record.length(), at + 255)));
        }
        String domain = "r" + i + ".test";
        if (strings.stream().allMatch(s -> s.chars().allMatch(c -> c < 0x100))) {
          dns.txt(domain, strings.stream().map(SpfGarbageTest::quoted).toArray(String[]::new));
        }
        Promise<SpfOutcome> promise = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v ->
            verifier.check(client, "user@" + domain, "g.test", null).onComplete(promise));
        outcomes.add(promise.future());
      }
      Future.join(outcomes).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(outcomes).allSatisfy(f -> assertThat(f.result().result()).isNotNull());
      assertThat(outcomes.stream().map(f -> f.result().result()).distinct())
          .contains(SpfResult.PERMERROR, SpfResult.NEUTRAL, SpfResult.NONE);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static String record(Random random) {
    StringBuilder text = new StringBuilder(random.nextInt(10) == 0 ? "" : "v=spf1 ");
    int pieces = random.nextInt(40);
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  /** A zone-file string for dnsjava's TXT constructor: quotes and backslashes escaped. */
  private static String quoted(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\%03d", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
