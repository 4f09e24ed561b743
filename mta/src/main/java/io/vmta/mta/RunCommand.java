package io.vmta.mta;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vmta.mta.CliArgs.UsageException;
import io.vmta.mta.config.ClusterOptions;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.Durations;
import io.vmta.mta.config.MtaOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code run [--config FILE] [--cluster]}: checks the configuration ({@link ConfigFiles#check}),
 * starts the MTA and returns once it is up; SIGTERM or SIGINT stop it with exit status 0.
 */
final class RunCommand {

  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  /** The usage of this command. */
  static final String USAGE = String.join("\n",
      "usage: java -jar mta.jar [run] [--config FILE] [--cluster]",
      "",
      "  Starts the MTA (run is the default command). Without --config: the embedded defaults.",
      "  --config FILE  the configuration, JSON or YAML (.yaml/.yml)",
      "  --cluster      join the cluster as with cluster.enabled: true",
      "  SIGTERM or SIGINT stop it (exit status 0): sessions may finish their message within",
      "  limits.shutdownGrace (20 s by default); the process exits at most " + Cli.SHUTDOWN_SLACK_SECONDS + " s after that.",
      "",
      Cli.EXIT_STATUS);


  private RunCommand() {
  }

  /** Runs {@code run ARGS}; for a start, returns once the MTA is up (it keeps running) or failed. */
  static int run(List<String> args, Console console) {
    if (CliArgs.wantsHelp(args)) {
      return Cli.help(console, USAGE);
    }
    CliArgs parsed;
    try {
      parsed = CliArgs.parse(args, Set.of("--config"), Set.of("--cluster"), 0);
    } catch (UsageException e) {
      return Cli.badUsage(console, e.getMessage(), USAGE);
    }
    String config = parsed.value("--config");
    return start(config == null ? null : Path.of(config), parsed.flag("--cluster"), console.err());
  }

  /**
   * The MTA's Vert.x options: Vert.x's own metrics (vertx-micrometer-metrics) on, into a Prometheus
   * registry that {@link MtaMetrics} shares, so {@code GET /metrics} shows both.
   */
  static VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setEnabled(true));
  }

  private static int start(Path config, boolean clusterFlag, PrintStream err) {
    // Read and checked on a plain Vert.x first: it says whether to start clustered, and a bad
    // configuration is refused (exit 2) before any port or cluster is touched.
    MtaOptions loaded;
    try {
      loaded = ConfigFiles.check(config).options();
    } catch (ConfigException e) {
      err.println("vmta: " + e.getMessage());
      return Cli.BAD_USAGE;
    } catch (RuntimeException e) {
      err.println("vmta: start-up failed: " + e.getMessage());
      return Cli.FAILED;
    }
    loaded.getWarnings().forEach(w -> log.warn("configuration: {}", w));
    boolean clustered = clusterFlag || loaded.getCluster().isEnabled();
    if (clustered) {
      loaded.setCluster(new ClusterOptions(loaded.getCluster()).setEnabled(true));
    }
    Vertx vertx;
    try {
      vertx = clustered
          ? ClusterStart.vertx(loaded.getCluster(), vertxOptions()).toCompletionStage().toCompletableFuture().get()
          : Vertx.vertx(vertxOptions());
    } catch (ExecutionException e) {
      err.println("vmta: could not join the cluster: " + e.getCause());
      return Cli.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Cli.FAILED;
    }
    CountDownLatch started = new CountDownLatch(1);
    int[] code = {Cli.OK};
    vertx.deployVerticle(new MtaVerticle(loaded))
        .onComplete(ar -> {
          if (ar.failed()) {
            code[0] = startFailure(ar.cause(), err);
          }
          started.countDown();
        });
    try {
      started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code[0] = Cli.FAILED;
    }
    if (code[0] != Cli.OK) {
      vertx.close();
      return code[0];
    }
    stopOnSignals(vertx, Durations.ceilSeconds(loaded.getServer().getShutdownGrace()) + Cli.SHUTDOWN_SLACK_SECONDS, err);
    return Cli.OK;
  }

  /**
   * Prints why the MTA did not start, in one line, and returns the exit status: 2 for what only
   * the operator can fix (a bad configuration, a data directory another MTA holds), 1 otherwise.
   * A busy port is 1: it frees itself when the process holding it exits (an old instance still
   * stopping), so a supervisor may try again, within its start limit.
   */
  private static int startFailure(Throwable e, PrintStream err) {
    if (e instanceof ConfigException || e instanceof DataDirInUseException) {
      err.println("vmta: " + e.getMessage());
      return Cli.BAD_USAGE;
    }
    err.println("vmta: " + (e instanceof BindException ? e.getMessage() : "start-up failed: " + e));
    return Cli.FAILED;
  }

  /**
   * SIGTERM and SIGINT are an orderly stop: close Vert.x (waiting at most {@code shutdownSeconds}),
   * then exit with status 0 (not 143).
   */
  private static void stopOnSignals(Vertx vertx, long shutdownSeconds, PrintStream err) {
    Runnable shutdown = () -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(shutdownSeconds, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Exiting anyway: everything acknowledged is in the spool already.
        err.println("vmta: shutdown did not finish within " + shutdownSeconds + " s: " + e);
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "vmta-shutdown"));
    // Close Vert.x (sessions may finish their message), then exit; the hook above then finds it closed.
    for (String name : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> new Thread(() -> {
          shutdown.run();
          System.exit(0);
        }, "vmta-sig" + name.toLowerCase(Locale.ROOT)).start());
      } catch (IllegalArgumentException unsupported) {
        // Not on this platform: the shutdown hook still closes Vert.x.
      }
    }
  }
}
