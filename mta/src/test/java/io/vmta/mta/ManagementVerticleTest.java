package io.vmta.mta;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vmta.mta.config.ConfigException;
import io.vmta.mta.config.ManagementOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The management endpoint without a queue: its token check, start-up refusal and 503s. */
class ManagementVerticleTest {

  private Vertx vertx;
  private HttpClient http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private int status(int port, String uri, String authorization) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(uri);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return await(http.request(request).compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
  }

  @Test
  void offLoopbackEveryRequestNeedsTheToken() {
    ManagementVerticle management = new ManagementVerticle(
        new ManagementOptions().setHost("0.0.0.0").setPort(0).setToken("s3cret"));
    await(vertx.deployVerticle(management));
    int port = management.actualPort();
    assertThat(status(port, "/health", null)).isEqualTo(401);
    assertThat(status(port, "/health", "Bearer wrong")).isEqualTo(401);
    assertThat(status(port, "/queue", "Basic czNjcmV0")).isEqualTo(401);
    // No queue on this Vert.x: authorised, but unavailable.
    assertThat(status(port, "/health", "Bearer s3cret")).isEqualTo(503);
    assertThat(status(port, "/queue", "Bearer s3cret")).isEqualTo(503);
  }

  @Test
  void onLoopbackNoTokenIsNeeded() {
    ManagementVerticle management = new ManagementVerticle(new ManagementOptions().setPort(0));
    await(vertx.deployVerticle(management));
    assertThat(status(management.actualPort(), "/health", null)).isEqualTo(503);
    assertThat(status(management.actualPort(), "/nothing", null)).isEqualTo(404);
  }

  @Test
  void offLoopbackWithoutATokenStartUpFails() {
    Throwable e = catchThrowable(() -> vertx.deployVerticle(new ManagementVerticle(
        new ManagementOptions().setHost("0.0.0.0").setPort(0))).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS));
    assertThat(e).isInstanceOf(ExecutionException.class);
    assertThat(e.getCause()).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) e.getCause()).key()).isEqualTo("management.token");
  }

  @Test
  void loopbackAddresses() {
    assertThat(ManagementOptions.isLoopback("127.0.0.1")).isTrue();
    assertThat(ManagementOptions.isLoopback("127.1.2.3")).isTrue();
    assertThat(ManagementOptions.isLoopback("::1")).isTrue();
    assertThat(ManagementOptions.isLoopback("localhost")).isTrue();
    assertThat(ManagementOptions.isLoopback("0.0.0.0")).isFalse();
    assertThat(ManagementOptions.isLoopback("192.0.2.1")).isFalse();
    assertThat(ManagementOptions.isLoopback("127.0.0.256")).isFalse();
    assertThat(ManagementOptions.isLoopback("mgmt.example")).isFalse();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
