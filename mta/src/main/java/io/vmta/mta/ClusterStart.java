package io.vmta.mta;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vmta.mta.config.ClusterOptions;

/**
 * Starts a clustered Vert.x for the MTA: Hazelcast with TCP/IP join on {@code cluster.members},
 * multicast off, cluster name {@value #CLUSTER_NAME}, member and event bus bound to
 * {@code cluster.host}.
 */
public final class ClusterStart {

  /** The Hazelcast cluster name every vmta node uses. */
  public static final String CLUSTER_NAME = "vmta";

  private ClusterStart() {
  }

  /** A clustered Vert.x joined (or forming) the cluster described by {@code cluster}. */
  public static Future<Vertx> vertx(ClusterOptions cluster) {
    return vertx(cluster, new VertxOptions());
  }

  /** As {@link #vertx(ClusterOptions)}, starting from {@code base} options. */
  public static Future<Vertx> vertx(ClusterOptions cluster, VertxOptions base) {
    VertxOptions options = new VertxOptions(base);
    options.getEventBusOptions().setHost(cluster.getHost());
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig(cluster)))
        .buildClustered();
  }

  /**
   * The Hazelcast configuration: vertx-hazelcast's defaults (its maps for subscriptions and node
   * information, or a {@code cluster.xml} on the class path) with the network replaced. Port 0
   * lets the system choose an ephemeral port (then other members cannot name it in advance).
   */
  public static Config hazelcastConfig(ClusterOptions cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(CLUSTER_NAME);
    // Hazelcast logs through SLF4J like the rest of the MTA.
    config.setProperty("hazelcast.logging.type", "slf4j");
    // No phone-home from a mail server.
    config.setProperty("hazelcast.phone.home.enabled", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.getPort()).setPortAutoIncrement(false);
    // Bind and advertise cluster.host only (not every interface).
    config.setProperty("hazelcast.local.localAddress", cluster.getHost());
    config.setProperty("hazelcast.socket.bind.any", "false");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.getMembers());
    return config;
  }
}
