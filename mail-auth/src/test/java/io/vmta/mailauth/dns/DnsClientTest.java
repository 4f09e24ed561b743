package io.vmta.mailauth.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vmta.mailauth.dns.DnsAnswer.Kind;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.mailauth.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The receiving path's DNS: answers by kind, TXT texts, caching by TTL, failures never kept. */
class DnsClientTest {

  private Vertx vertx;
  private FakeDnsServer dns;
  private final TestClock clock = new TestClock();
  private DnsClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    client = new DnsClient(vertx, DnsQueries.resolver(List.of(dns.address()), Duration.ofMillis(500)),
        clock, 100);
  }

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  @Test
  void txtStringsOfOneRecordAreJoinedWithoutSeparatorAndRecordsStayApart() {
    dns.txt("example.test", "v=spf1 ", "-all").txt("example.test", "other");

    DnsAnswer answer = await(client.lookup("example.test", Type.TXT));

    assertThat(answer.kind()).isEqualTo(Kind.DATA);
    assertThat(DnsClient.texts(answer)).containsExactlyInAnyOrder("v=spf1 -all", "other");
  }

  @Test
  void noSuchDomainAndNoDataAreAnswersNotFailures() {
    dns.nxdomain("gone.test").a("host.test", "192.0.2.1");

    assertThat(await(client.lookup("gone.test", Type.TXT)).kind()).isEqualTo(Kind.NX_DOMAIN);
    assertThat(await(client.lookup("host.test.", Type.TXT)).kind()).isEqualTo(Kind.NO_DATA);
  }

  @Test
  void anAnswerIsReusedWithinItsTtlAndAskedAgainAfterIt() {
    dns.ttl(60).txt("example.test", "hello");

    await(client.lookup("example.test", Type.TXT));
    clock.advance(Duration.ofSeconds(59));
    await(client.lookup("Example.TEST", Type.TXT));
    assertThat(dns.queries("example.test", Type.TXT)).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    await(client.lookup("example.test", Type.TXT));
    assertThat(dns.queries("example.test", Type.TXT)).isEqualTo(2);
    assertThat(client.cached()).isEqualTo(1);
  }

  @Test
  void servfailFailsAsTransientAndIsNotKept() {
    dns.servfail("broken.test", Type.TXT);

    Throwable first = failure(client.lookup("broken.test", Type.TXT));
    assertThat(first).isInstanceOf(DnsResolutionException.class);
    assertThat(((DnsResolutionException) first).isPermanent()).isFalse();
    int asked = dns.queries("broken.test", Type.TXT);

    failure(client.lookup("broken.test", Type.TXT));
    assertThat(dns.queries("broken.test", Type.TXT)).isGreaterThan(asked);
    assertThat(client.cached()).isZero();
  }

  @Test
  void aNameThatIsNoDomainNameFailsWithoutAQuery() {
    String tooLong = "a".repeat(64) + ".test";

    assertThat(failure(client.lookup(tooLong, Type.TXT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(tooLong);
  }

  @Test
  void theAnswerCompletesOnTheCallersContext() {
    dns.txt("example.test", "hello");
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Boolean> same = new CompletableFuture<>();

    context.runOnContext(v -> client.lookup("example.test", Type.TXT)
        .onComplete(r -> same.complete(Vertx.currentContext() == context)));

    assertThat(await(Future.fromCompletionStage(same))).isTrue();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the future did not succeed", e);
    }
  }

  private static Throwable failure(Future<?> future) {
    try {
      Object value = future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the future did not complete", e);
    }
  }
}
