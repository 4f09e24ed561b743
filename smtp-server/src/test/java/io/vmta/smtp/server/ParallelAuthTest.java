package io.vmta.smtp.server;

import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vmta.smtp.auth.InvalidCredentialsException;
import io.vmta.smtp.server.testing.ServerFixture;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AUTH throttle against many connections from one address at once: an attempt counts when it
 * starts, so no more than {@code authRefuseAfter} passwords are ever checked per window, however
 * many arrive together.
 */
class ParallelAuthTest {

  private static final int CONNECTIONS = 40;
  private static final int REFUSE_AFTER = 10;

  private ServerFixture server;

  @AfterEach
  void stop() {
    server.close();
  }

  /** A fake provider: counts the checks, and fails each after a short while, as a hash would take. */
  private static final class CountingProvider implements AuthenticationProvider {
    final AtomicInteger checks = new AtomicInteger();
    private final io.vertx.core.Vertx vertx;

    CountingProvider(io.vertx.core.Vertx vertx) {
      this.vertx = vertx;
    }

    @Override
    public Future<User> authenticate(Credentials credentials) {
      checks.incrementAndGet();
      return vertx.timer(300).compose(v -> Future.failedFuture(new InvalidCredentialsException()));
    }
  }

  @Test
  void parallelAttemptsFromOneAddressCheckNoMorePasswordsThanTheLimit() throws Exception {
    CountingProvider[] provider = new CountingProvider[1];
    server = new ServerFixture(ServerFixture.defaults()
        .setListeners(List.of(new ListenerOptions("127.0.0.1", 0, ListenerMode.SMTPS)))
        .setAuthThresholds(REFUSE_AFTER, REFUSE_AFTER),
        vertx -> provider[0] = new CountingProvider(vertx));
    String guess = Base64.getEncoder().encodeToString("\0alice@example.test\0guess".getBytes(StandardCharsets.UTF_8));
    CyclicBarrier together = new CyclicBarrier(CONNECTIONS);
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    List<java.util.concurrent.Future<Integer>> replies = new ArrayList<>();
    try {
      for (int i = 0; i < CONNECTIONS; i++) {
        replies.add(pool.submit(() -> {
          try (TestSmtpClient c = TestSmtpClient.tls("127.0.0.1", server.port())) {
            c.read();
            c.command("EHLO client.example.org");
            together.await(30, TimeUnit.SECONDS);
            return c.command("AUTH PLAIN " + guess).code();
          }
        }));
      }
      List<Integer> codes = new ArrayList<>();
      for (java.util.concurrent.Future<Integer> reply : replies) {
        codes.add(reply.get(60, TimeUnit.SECONDS));
      }
      assertThat(provider[0].checks.get()).as("passwords checked").isLessThanOrEqualTo(REFUSE_AFTER);
      assertThat(codes).filteredOn(code -> code == 535).hasSize(provider[0].checks.get());
      assertThat(codes).filteredOn(code -> code == 454).hasSize(CONNECTIONS - provider[0].checks.get());
    } finally {
      pool.shutdownNow();
    }
  }
}
