package io.vmta.smtp.relay.dns;

import io.vmta.mailauth.dns.DnsQueries;
import io.vmta.mailauth.dns.DnsResolutionException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vmta.mailauth.testing.FakeDnsServer;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Helpers shared by the resolver tests: building one against a fake server, awaiting futures. */
final class DnsTesting {

  static final Duration TIMEOUT = Duration.ofMillis(500);

  private DnsTesting() {
  }

  static MxResolver resolver(Vertx vertx, FakeDnsServer dns, Random random, Clock clock,
      int cacheSize) {
    return new MxResolver(vertx, DnsQueries.resolver(List.of(dns.address()), TIMEOUT), random,
        clock, cacheSize);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the future did not succeed", e);
    }
  }

  static DnsResolutionException failure(Future<?> future) {
    try {
      Object value = future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return fail("expected a failure, got " + value);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(DnsResolutionException.class);
      return (DnsResolutionException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the future did not complete", e);
    }
  }
}
