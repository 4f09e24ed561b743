package io.vmta.smtp.server.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The only class of smtp-server that uses Vert.x internals or reflection, each use a workaround
 * for a behaviour of Vert.x 5.0.7 (check both on every upgrade of the BOM; VertxInternalsTest
 * fails when one is no longer needed or no longer works):
 * <ul>
 *   <li>Vert.x 5.0.7 has no public API for the cluster: this node's id, the members and the
 *   nodes that consume an address are only on the cluster manager SPI, reached through
 *   {@code VertxInternal.clusterManager()} (as the clustered event bus itself does), and the SPI
 *   may complete on a thread of its own (Hazelcast's), so {@code ContextInternal.promise()}
 *   brings its answer back to the caller's context. {@link QueueNodes} is built on this.</li>
 *   <li>Vert.x 5.0.7 gives only the first of the {@code NetServer}s that share a port (the one
 *   that binds) a TLS context manager; a connection handed to another fails
 *   {@code upgradeToSsl} with a NullPointerException, so STARTTLS failed on every instance but
 *   one. {@link #shareTlsContextManager} copies the binding server's manager by reflection.</li>
 * </ul>
 */
public final class VertxInternals {

  private static final Logger log = LoggerFactory.getLogger(VertxInternals.class);

  private VertxInternals() {
  }

  /** This node's id in {@code vertx}'s cluster; empty when {@code vertx} is not clustered. */
  static Optional<String> nodeId(Vertx vertx) {
    return clusterManager(vertx).map(ClusterManager::getNodeId);
  }

  /**
   * The ids of the nodes in the cluster now, as this node's cluster manager knows them (a local
   * read, no network); empty when {@code vertx} is not clustered.
   */
  static Set<String> members(Vertx vertx) {
    return clusterManager(vertx).map(c -> Set.copyOf(c.getNodes())).orElse(Set.of());
  }

  /**
   * The ids of the nodes with a consumer of {@code address} open to the cluster (local-only
   * consumers left out), as registered, possibly repeated; completes on the caller's context.
   */
  static Future<List<String>> clusteredConsumers(Vertx vertx, String address) {
    Optional<ClusterManager> cluster = clusterManager(vertx);
    if (cluster.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    ContextInternal context = (ContextInternal) Vertx.currentContext();
    Promise<List<RegistrationInfo>> registrations = context == null ? Promise.promise() : context.promise();
    cluster.get().getRegistrations(address, registrations);
    return registrations.future().map(found -> found == null
        // What a cluster manager may answer for an address nobody has ever consumed.
        ? List.of()
        : found.stream().filter(r -> !r.localOnly()).map(RegistrationInfo::nodeId).toList());
  }

  private static Optional<ClusterManager> clusterManager(Vertx vertx) {
    if (!vertx.isClustered() || !(vertx instanceof VertxInternal internal)) {
      return Optional.empty();
    }
    return Optional.ofNullable(internal.clusterManager());
  }

  /**
   * Gives {@code server}, once listening, the TLS context manager of the server it shares its
   * port with (nothing to do for the binding server itself); false when that could not be done.
   */
  public static boolean shareTlsContextManager(NetServer server) {
    try {
      Field manager = field(server.getClass(), "sslContextManager");
      Field actual = field(server.getClass(), "actualServer");
      Object actualServer = actual.get(server);
      if (manager.get(server) == null && actualServer != null && actualServer != server) {
        manager.set(server, manager.get(actualServer));
      }
      return manager.get(server) != null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("cannot share the TLS context of a shared listener ({}); STARTTLS may fail on some connections",
          e.toString());
      return false;
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
