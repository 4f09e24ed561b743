package io.vmta.smtp.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.relay.dane.DnssecMode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** relay.dnssec at start: the trust anchors are read once, and a bad file stops the start naming the key. */
class RelayVerticleDnssecTest {

  private final Vertx vertx = Vertx.vertx();
  @TempDir
  Path dir;

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Throwable deploy(RelayOptions options) throws Exception {
    try {
      vertx.deployVerticle(new RelayVerticle(options)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void startsWithTheBundledRootAnchors() throws Exception {
    assertThat(deploy(new RelayOptions().setDnsServers(List.of("127.0.0.1:53")).setDnssec(DnssecMode.VALIDATE))).isNull();
  }

  @Test
  void aMissingTrustAnchorFileStopsTheStart() throws Exception {
    Throwable failure = deploy(new RelayOptions().setDnsServers(List.of("127.0.0.1:53")).setDnssec(DnssecMode.VALIDATE)
        .setDnssecTrustAnchors(dir.resolve("missing.ds").toString()));
    assertThat(failure).isInstanceOf(ConfigException.class);
    assertThat(failure.getMessage()).startsWith("relay.dnssecTrustAnchors: cannot read the DNSSEC trust anchors of");
  }
}
