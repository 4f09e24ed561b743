package io.vmta.mta;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.config.ClusterRole;
import io.vmta.mta.config.ConfigLoader;
import io.vmta.mta.config.MtaOptions;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vmta.smtp.auth.UsersAuthenticationProvider;
import io.vmta.smtp.auth.UsersFile;
import io.vmta.smtp.relay.QueueOptions;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.RelayVerticle;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.transport.EventBusTransport;
import io.vmta.smtp.relay.QueueVerticle;
import io.vmta.smtp.server.ListenerOptions;
import io.vmta.smtp.server.SelfSignedPair;
import io.vmta.smtp.server.SmtpServerOptions;
import io.vmta.smtp.server.SmtpServerStats;
import io.vmta.smtp.server.SmtpServerVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The whole MTA in one Vert.x: the relay, then the queue (so nothing is accepted that cannot be
 * stored), then one SMTP server instance per core on the configured listeners. Writes the bound ports to
 * {@code <dataDir>/listeners.json} once it is up. In a cluster, {@code cluster.roles} picks the
 * parts: without {@code relay} no queue or relay (submissions go to a queue on another node over
 * the event bus), without {@code server} no listeners ({@code listeners.json} then names only the
 * management endpoint). The management endpoint (health, metrics, the queue if here) is on every
 * node, deployed last. The data directory is locked ({@link DataDirLock}) from start to stop: a
 * second MTA on it, in this JVM or another process, fails to start with {@link DataDirInUseException}.
 */
public class MtaVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MtaVerticle.class);
  /** How much longer than the shutdown grace the queue waits for the servers to stop. */
  private static final long QUEUE_STOP_SLACK_MILLIS = 5000;
  /** Where the relay keeps the MTA-STS policies it fetched, under the data directory. */
  private static final String MTA_STS_DIR = "mta-sts";

  private final MtaOptions options;
  private final int serverInstances;
  private final Set<ClusterRole> roles;
  private List<ListenerOptions> bound = List.of();
  private ManagementVerticle management;
  private MtaMetrics metrics;
  /** The server instances, for the health check; written while deploying, read by the endpoint. */
  private final List<SmtpServerVerticle> servers = new CopyOnWriteArrayList<>();
  /** Completed when every SMTP server instance has stopped: the queue stops only after them. */
  private final Promise<Void> serversStopped = Promise.promise();
  private final AtomicInteger serversRunning = new AtomicInteger();
  /** The data directory's lock, from start to stop; null before start. */
  private DataDirLock lock;
  /** The deployment ids of the parts, in order: a failed start undeploys them before releasing the lock. */
  private final List<String> parts = new ArrayList<>();

  /** The MTA with {@code options} and one server instance per available processor. */
  public MtaVerticle(MtaOptions options) {
    this(options, Runtime.getRuntime().availableProcessors());
  }

  /** The MTA with {@code options} and {@code serverInstances} SMTP server instances. */
  public MtaVerticle(MtaOptions options, int serverInstances) {
    this.options = new MtaOptions(options);
    this.serverInstances = Math.max(1, serverInstances);
    this.roles = this.options.getCluster().getRoles();
  }

  @Override
  public Future<?> start() {
    Path dataDir = Path.of(options.getDataDir()).toAbsolutePath();
    metrics = new MtaMetrics(MtaMetrics.defaultRegistry());
    // A bad certificate or key is a configuration error (tls.*), not a failure to bind later.
    Future<Void> tlsChecked = roles.contains(ClusterRole.SERVER)
        ? ConfigLoader.checkTls(vertx, options.getServer()) : Future.succeededFuture();
    return tlsChecked.compose(c -> vertx.executeBlocking(() -> DataDirLock.acquire(Path.of(options.getDataDir()))))
        .compose(locked -> {
          lock = locked;
          return vertx.executeBlocking(() -> prepare(dataDir))
              .compose(tls -> ConfigLoader.loadUsers(vertx, options).compose(users ->
                  deployRelay(dataDir, users)
                      .compose(q -> roles.contains(ClusterRole.SERVER)
                          ? deployServers(serverOptions(tls, users), new UsersAuthenticationProvider(vertx, users))
                          : Future.succeededFuture())))
              .compose(v -> deployManagement())
              .compose(v -> vertx.fileSystem().writeFile(dataDir.resolve("listeners.json").toString(),
                  listenersJson().toBuffer()))
              .recover(e -> undeployParts().eventually(this::unlock).transform(v -> Future.<Void>failedFuture(e)));
        })
        .onSuccess(v -> log.info("vmta {} started: {} for {}", options.getHostname(), bound, options.getDomains()));
  }

  /** Vert.x has undeployed the parts (children) when this runs: the data directory is free again. */
  @Override
  public Future<?> stop() {
    return unlock();
  }

  /**
   * After a failed start, the parts deployed so far, last first. Vert.x would undeploy them too,
   * but only after the start has failed, that is after {@link #unlock}: a new MTA could then take
   * the data directory while this queue is still writing to it.
   */
  private Future<Void> undeployParts() {
    Future<Void> all = Future.succeededFuture();
    for (int i = parts.size() - 1; i >= 0; i--) {
      String id = parts.get(i);
      all = all.eventually(() -> vertx.undeploy(id));
    }
    return all;
  }

  /** Releases the data directory's lock, if held. */
  private Future<Void> unlock() {
    DataDirLock held = lock;
    lock = null;
    return held == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      held.close();
      return null;
    });
  }

  /** The queue and the relay, when this node has the relay role (else the queue is elsewhere in the cluster). */
  private Future<?> deployRelay(Path dataDir, UsersFile users) {
    if (!roles.contains(ClusterRole.RELAY)) {
      if (!vertx.isClustered()) {
        log.warn("cluster.roles lacks relay but Vert.x is not clustered: no queue will take mail");
      }
      return Future.succeededFuture();
    }
    QueueVerticle queue = new QueueVerticle(queueOptions(dataDir, users), new EventBusTransport(vertx));
    // The metrics follow the queue's events from before the queue starts (its recovery included).
    return metrics.followQueue(vertx, queue::size)
        .compose(m -> vertx.deployVerticle(new RelayVerticle(relayOptions(), dataDir.resolve(MTA_STS_DIR))).onSuccess(parts::add))
        .compose(r -> vertx.deployVerticle(queue
            .stopAfter(this::serversStopped, options.getServer().getShutdownGrace().toMillis() + QUEUE_STOP_SLACK_MILLIS))
            .onSuccess(parts::add));
  }

  /** The management endpoint, on every node: /health checks the parts this node's roles give it. */
  private Future<?> deployManagement() {
    BooleanSupplier listeners = roles.contains(ClusterRole.SERVER)
        ? () -> !servers.isEmpty() && servers.stream().allMatch(SmtpServerVerticle::isListening)
        : null;
    management = new ManagementVerticle(options.getManagement(), metrics,
        new ManagementVerticle.NodeParts(listeners, roles.contains(ClusterRole.RELAY)), options.getRelay(),
        Path.of(options.getDataDir()).toAbsolutePath().resolve(MTA_STS_DIR));
    return vertx.deployVerticle(management).onSuccess(parts::add);
  }

  /** The management endpoint's bound port; -1 before start. */
  public int managementPort() {
    return management == null ? -1 : management.actualPort();
  }

  /** The MTA's metrics (queue meters with the relay role, SMTP meters with the server role); null before start. */
  public MtaMetrics metrics() {
    return metrics;
  }

  /** The listeners as bound (port 0 replaced by the actual port). */
  public List<ListenerOptions> boundListeners() {
    return bound;
  }

  private Future<Void> deployServers(SmtpServerOptions serverOptions, AuthenticationProvider auth) {
    return vertx.executeBlocking(() -> choosePorts(serverOptions.getListeners())).compose(listeners -> {
      bound = listeners;
      SmtpServerOptions shared = new SmtpServerOptions(serverOptions).setListeners(listeners);
      return vertx.deployVerticle(() -> {
        SmtpServerVerticle server = trackedServer(shared, auth);
        servers.add(server);
        return server;
      }, new DeploymentOptions().setInstances(serverInstances))
          .onSuccess(id -> {
            parts.add(id);
            metrics.followServers(SmtpServerStats.of(vertx), listeners.stream().map(ListenerOptions::getMode).toList());
          })
          // Vert.x has stopped or closed every instance when the deployment fails, but it calls
          // no stop() on one whose start failed (a busy port): the queue must not wait for those.
          .onFailure(e -> serversStopped.tryComplete())
          .mapEmpty();
    });
  }

  /**
   * A server instance that reports its stop. Vert.x undeploys the children of this verticle all
   * at once; the queue waits for the servers so that sessions finishing a message in their
   * shutdown grace still reach it.
   */
  private SmtpServerVerticle trackedServer(SmtpServerOptions shared, AuthenticationProvider auth) {
    serversRunning.incrementAndGet();
    return new SmtpServerVerticle(shared, auth) {
      @Override
      public Future<?> stop() {
        return super.stop().andThen(ar -> {
          if (serversRunning.decrementAndGet() == 0) {
            serversStopped.tryComplete();
          }
        });
      }
    };
  }

  private Future<?> serversStopped() {
    return serversRunning.get() == 0 ? Future.succeededFuture() : serversStopped.future();
  }

  /**
   * Port 0 means "any free port". Vert.x shares one port among the server instances only when
   * they all ask for the same number, so a free port is chosen here, once, for all of them.
   */
  private static List<ListenerOptions> choosePorts(List<ListenerOptions> listeners) throws IOException {
    List<ListenerOptions> out = new ArrayList<>();
    for (ListenerOptions l : listeners) {
      if (l.getPort() != 0) {
        out.add(l);
        continue;
      }
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress(l.getHost(), 0));
        out.add(new ListenerOptions(l).setPort(probe.getLocalPort()));
      }
    }
    return List.copyOf(out);
  }

  /** The server's part of the configuration, with the users file's mailboxes and the TLS pair in use. */
  private SmtpServerOptions serverOptions(String[] tls, UsersFile users) {
    return new SmtpServerOptions(options.getServer())
        .setLocalUsers(new ArrayList<>(users.addresses()))
        .setTls(tls[0], tls[1]);
  }

  /** The relay's part, with what the MTA derives: its EHLO name and, for the mail loop check, its names and ports. */
  private RelayOptions relayOptions() {
    return new RelayOptions(options.getRelay())
        .setClient(new ClientOptions(options.getRelay().getClient()).setHeloName(options.getHostname()))
        .setLocalNames(List.of(options.getHostname()))
        .setLocalPorts(options.getServer().getListeners().stream().map(ListenerOptions::getPort)
            .filter(p -> p > 0).distinct().toList());
  }

  /** The queue's part, with the users file's mailboxes and an absolute data directory. */
  private QueueOptions queueOptions(Path dataDir, UsersFile users) {
    return new QueueOptions(options.getQueue())
        .setDataDir(dataDir.toString())
        .setLocalUsers(new ArrayList<>(users.addresses()));
  }

  /**
   * Creates the data directory and returns the TLS pair to use: the configured one, or a
   * self-signed one generated into {@code <dataDir>/tls} on the first start and kept, made anew
   * at a start when it nears expiry or names another host ({@link SelfSignedPair}); null on a
   * node without the server role.
   */
  private String[] prepare(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    if (!roles.contains(ClusterRole.SERVER)) {
      return null;  // no listeners here, so no certificate to present
    }
    if (options.getServer().getCertPath() != null) {
      return new String[] {options.getServer().getCertPath(), options.getServer().getKeyPath()};
    }
    Path dir = dataDir.resolve("tls");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    String hostname = options.getHostname();
    boolean present = Files.exists(cert) && Files.exists(key);
    if (!present || SelfSignedPair.needsRenewal(Files.readString(cert), hostname, Instant.now())) {
      Files.createDirectories(dir);
      SelfSignedPair generated = SelfSignedPair.create(hostname, Instant.now());
      // The key is restricted before it is moved in place, so it is never readable by others.
      Path tmp = Files.writeString(dir.resolve("key.pem.tmp"), "");
      restrict(tmp);
      Files.writeString(tmp, generated.privateKeyPem());
      Files.move(tmp, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(cert, generated.certificatePem());
      log.info("{} a self-signed certificate for {} in {}, valid for {} days", present ? "renewed" : "generated",
          hostname, dir, SelfSignedPair.VALIDITY.toDays());
    }
    return new String[] {cert.toString(), key.toString()};
  }

  private static void restrict(Path key) {
    try {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      log.warn("could not restrict the permissions of {}: {}", key, e.toString());
    }
  }

  private JsonObject listenersJson() {
    JsonArray array = new JsonArray();
    bound.forEach(l -> array.add(l.toJson()));
    JsonObject json = new JsonObject().put("listeners", array);
    if (management != null) {
      json.put("management", new JsonObject().put("host", options.getManagement().getHost())
          .put("port", management.actualPort()));
    }
    return json;
  }
}
