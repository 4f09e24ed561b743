package io.vmta.smtp.relay.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.test.fakecluster.FakeClusterManager;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards {@link VertxInternals}: Vert.x still has no public way to this node's id (the test
 * fails when an upgrade adds one), the internal way still works, and no other class of
 * smtp-relay uses Vert.x internals.
 */
class VertxInternalsTest {

  @Test
  void vertxStillHasNoPublicApiForTheNodeId() {
    // When this fails, read the node id through the new public API and drop VertxInternals.
    List<Method> clusterMethods = Stream.of(Vertx.class, EventBus.class, Context.class)
        .flatMap(type -> Stream.of(type.getMethods()))
        .filter(m -> ClusterManager.class.isAssignableFrom(m.getReturnType())
            || m.getName().toLowerCase().contains("nodeid"))
        .toList();
    assertThat(clusterMethods).isEmpty();
  }

  @Test
  void readsTheNodeIdOfAClusteredVertx() throws Exception {
    FakeClusterManager manager = new FakeClusterManager();
    Vertx vertx = await(Vertx.builder().withClusterManager(manager).buildClustered());
    try {
      assertThat(VertxInternals.nodeId(vertx)).contains(manager.getNodeId());
    } finally {
      await(vertx.close());
      FakeClusterManager.reset();
    }
  }

  @Test
  void aVertxWithoutClusterHasNoNodeId() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(VertxInternals.nodeId(vertx)).isEmpty();
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void noOtherClassOfSmtpRelayUsesVertxInternals() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      List<String> users = files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> Stream.of("io.vertx.core.internal", "io.vertx.core.spi.cluster", "java.lang.reflect",
              "setAccessible", "getDeclared").anyMatch(read(f)::contains))
          .map(f -> f.getFileName().toString())
          .toList();
      assertThat(users).containsExactly("VertxInternals.java");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
