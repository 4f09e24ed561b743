package io.vmta.smtp.server.impl;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.test.fakecluster.FakeClusterManager;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards {@link VertxInternals}: each Vert.x 5.0.7 behaviour it works around still holds (the
 * test fails when an upgrade makes a workaround unnecessary), each workaround still works (it
 * fails when an upgrade breaks one), and no other class of smtp-server uses Vert.x internals.
 */
class VertxInternalsTest {

  private static final SelfSignedCertificate CERT = SelfSignedCertificate.create("localhost");

  private final List<Vertx> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : started) {
      await(v.close());
    }
    FakeClusterManager.reset();
  }

  @Test
  void vertxStillHasNoPublicApiForTheCluster() {
    // When this fails, read the node id, members and registrations through the new public API
    // and drop VertxInternals.nodeId, members and clusteredConsumers.
    List<Method> clusterMethods = Stream.of(Vertx.class, EventBus.class, Context.class)
        .flatMap(type -> Stream.of(type.getMethods()))
        .filter(m -> ClusterManager.class.isAssignableFrom(m.getReturnType())
            || m.getName().toLowerCase().contains("nodeid")
            || m.getName().toLowerCase().contains("registrations"))
        .toList();
    assertThat(clusterMethods).isEmpty();
  }

  @Test
  void readsTheClusterThroughTheClusterManager() throws Exception {
    FakeClusterManager managerA = new FakeClusterManager();
    Vertx a = clustered(managerA);
    FakeClusterManager managerB = new FakeClusterManager();
    Vertx b = clustered(managerB);
    assertThat(VertxInternals.nodeId(a)).contains(managerA.getNodeId());
    assertThat(VertxInternals.members(a)).containsExactlyInAnyOrder(managerA.getNodeId(), managerB.getNodeId());

    MessageConsumer<Object> open = b.eventBus().consumer("guard.address", m -> { });
    await(open.completion());
    MessageConsumer<Object> localOnly = a.eventBus().localConsumer("guard.address", m -> { });
    await(localOnly.completion());
    Context loop = a.getOrCreateContext();
    Promise<List<Object>> seen = Promise.promise();
    loop.runOnContext(v -> VertxInternals.clusteredConsumers(a, "guard.address")
        .onComplete(ar -> seen.complete(List.of(ar.result(), Vertx.currentContext() == loop))));
    assertThat(await(seen.future())).as("consumers open to the cluster, on the caller's context")
        .containsExactly(List.of(managerB.getNodeId()), true);
  }

  @Test
  void aVertxWithoutClusterHasNoClusterView() {
    Vertx plain = Vertx.vertx();
    started.add(plain);
    assertThat(VertxInternals.nodeId(plain)).isEmpty();
    assertThat(VertxInternals.members(plain)).isEmpty();
  }

  @Test
  void withoutTheWorkaroundAServerSharingAPortCannotUpgradeToTls() throws Exception {
    // When this fails, Vert.x gives sharing servers their own TLS context manager: remove
    // VertxInternals.shareTlsContextManager and its call in SmtpServerVerticle.
    assertThat(upgradesOnASharedPort(false)).contains(true, false);
  }

  @Test
  void withTheWorkaroundEveryServerSharingAPortUpgradesToTls() throws Exception {
    assertThat(upgradesOnASharedPort(true)).containsOnly(true).hasSize(4);
  }

  @Test
  void noOtherClassOfSmtpServerUsesVertxInternals() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      List<String> users = files.filter(f -> f.toString().endsWith(".java"))
          .filter(VertxInternalsTest::usesInternals)
          .map(f -> f.getFileName().toString())
          .toList();
      assertThat(users).containsExactly("VertxInternals.java");
    }
  }

  private static boolean usesInternals(Path source) {
    try {
      String text = Files.readString(source);
      return Stream.of("io.vertx.core.internal", "io.vertx.core.spi.cluster", "java.lang.reflect",
          "setAccessible", "getDeclared").anyMatch(text::contains);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Two servers share one port (a negative port: Vert.x binds a random one for both), each
   * upgrading every connection it is handed to TLS; four connections in turn, whether each
   * upgrade succeeded.
   */
  private List<Boolean> upgradesOnASharedPort(boolean workaround) throws Exception {
    Vertx vertx = Vertx.vertx();
    started.add(vertx);
    BlockingQueue<Boolean> upgraded = new LinkedBlockingQueue<>();
    List<NetServer> servers = new CopyOnWriteArrayList<>();
    await(vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(-1)
            .setKeyCertOptions(CERT.keyCertOptions()));
        server.connectHandler(socket -> Future.<Void>succeededFuture()
            .compose(v -> socket.upgradeToSsl(Buffer.buffer("220 go\r\n")))
            .onComplete(ar -> {
              upgraded.add(ar.succeeded());
              if (ar.failed()) {
                socket.close();
              }
            }));
        return server.listen().map(s -> {
          if (workaround) {
            assertThat(VertxInternals.shareTlsContextManager(s)).as("the workaround applied").isTrue();
          }
          return servers.add(s);
        });
      }
    }, new DeploymentOptions().setInstances(2)));
    assertThat(servers).hasSize(2);
    int port = servers.get(0).actualPort();
    assertThat(servers.get(1).actualPort()).as("one shared port").isEqualTo(port);
    List<Boolean> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      try (TestSmtpClient client = new TestSmtpClient("127.0.0.1", port)) {
        client.read();
        client.upgrade();
      } catch (IOException refused) {
        // the server closed the connection: its upgrade failed
      }
      results.add(upgraded.poll(10, TimeUnit.SECONDS));
    }
    return results;
  }

  private Vertx clustered(FakeClusterManager manager) throws Exception {
    Vertx vertx = await(Vertx.builder().withClusterManager(manager).buildClustered());
    started.add(vertx);
    return vertx;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
