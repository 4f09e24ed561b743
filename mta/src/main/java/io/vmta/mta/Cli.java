package io.vmta.mta;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vmta.mta.config.ClusterOptions;
import io.vmta.mta.config.ConfigException;
import io.vmta.mta.config.ConfigLoader;
import io.vmta.mta.config.MtaOptions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The command line: {@code java -jar mta.jar [run] [--config FILE] [--cluster]} and
 * {@code java -jar mta.jar hash-password}. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or
 * configuration.
 */
public final class Cli {

  static final String USAGE = String.join("\n",
      "usage: java -jar mta.jar [run] [--config FILE] [--cluster]",
      "                                                 start the MTA (defaults without --config;",
      "                                                 --cluster: join the cluster as cluster.enabled)",
      "       java -jar mta.jar hash-password           read a password on standard input, print its hash",
      "       java -jar mta.jar --help                  this text");

  /**
   * How much longer than {@code limits.shutdownGrace} SIGTERM waits for Vert.x to close (the
   * queue's last writes, leaving the cluster) before the process exits anyway.
   */
  public static final long SHUTDOWN_SLACK_SECONDS = 10;

  /** The environment variable that selects the log format: {@code json} for JSON lines. */
  static final String LOG_FORMAT_ENV = "VMTA_LOG_FORMAT";
  /** The system property that selects the log format; it wins over the environment variable. */
  static final String LOG_FORMAT_PROPERTY = "vmta.log.format";
  /** The logback configuration (a classpath resource) for JSON lines. */
  static final String JSON_LOG_CONFIG = "logback-json.xml";

  private Cli() {
  }

  /**
   * Points logback at {@value #JSON_LOG_CONFIG} when JSON lines are asked for, unless the user
   * named a configuration of their own with {@code -Dlogback.configurationFile}. Must run before
   * the first logger is created: logback reads the property once, when it initialises.
   */
  static void selectLogFormat(String fromEnvironment) {
    String format = System.getProperty(LOG_FORMAT_PROPERTY, fromEnvironment == null ? "" : fromEnvironment);
    if (format.trim().equalsIgnoreCase("json") && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", JSON_LOG_CONFIG);
    }
  }

  public static void main(String[] args) {
    selectLogFormat(System.getenv(LOG_FORMAT_ENV));
    int code = run(List.of(args), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs a command; for {@code run}, returns once the MTA is up (it keeps running) or failed. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.println(USAGE);
      return 0;
    }
    String command = args.isEmpty() || args.get(0).startsWith("-") ? "run" : args.get(0);
    List<String> rest = args.isEmpty() || args.get(0).startsWith("-") ? args : args.subList(1, args.size());
    switch (command) {
      case "hash-password":
        if (!rest.isEmpty()) {
          return usage(err, "hash-password takes no arguments");
        }
        return HashPasswordCommand.run(System.in, out, err);
      case "run":
        Path config = null;
        boolean cluster = false;
        for (int i = 0; i < rest.size(); i++) {
          if (rest.get(i).equals("--config") && i + 1 < rest.size()) {
            config = Path.of(rest.get(++i));
          } else if (rest.get(i).equals("--cluster")) {
            cluster = true;
          } else {
            return usage(err, "unknown argument: " + rest.get(i));
          }
        }
        return start(config, cluster, err);
      default:
        return usage(err, "unknown command: " + command);
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println("vmta: " + problem);
    err.println(USAGE);
    return 2;
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
    // The configuration is read with a plain Vert.x first: it says whether to start clustered.
    Vertx loader = Vertx.vertx();
    MtaOptions loaded;
    try {
      loaded = (config == null ? Future.succeededFuture(ConfigLoader.defaults()) : ConfigLoader.load(loader, config))
          .toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      boolean bad = cause instanceof ConfigException;
      err.println("vmta: " + (bad ? cause.getMessage() : "start-up failed: " + cause));
      return bad ? 2 : 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      loader.close();
    }
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
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    Future<MtaOptions> options = Future.succeededFuture(loaded);
    CountDownLatch started = new CountDownLatch(1);
    int[] code = {0};
    options.compose(o -> vertx.deployVerticle(new MtaVerticle(o)))
        .onComplete(ar -> {
          if (ar.failed()) {
            Throwable e = ar.cause();
            code[0] = e instanceof ConfigException ? 2 : 1;
            err.println("vmta: " + (e instanceof ConfigException ? e.getMessage() : "start-up failed: " + e));
          }
          started.countDown();
        });
    try {
      started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code[0] = 1;
    }
    if (code[0] != 0) {
      vertx.close();
      return code[0];
    }
    long shutdownSeconds = (loaded.getLimits().getShutdownGrace().toMillis() + 999) / 1000 + SHUTDOWN_SLACK_SECONDS;
    Runnable shutdown = () -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(shutdownSeconds, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Exiting anyway: everything acknowledged is in the spool already.
        err.println("vmta: shutdown did not finish within " + shutdownSeconds + " s: " + e);
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "vmta-shutdown"));
    // SIGTERM and SIGINT are an orderly stop, so the exit status is 0 (not 143): close Vert.x
    // (sessions may finish their message), then exit; the hook above then finds it closed.
    for (String name : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> new Thread(() -> {
          shutdown.run();
          System.exit(0);
        }, "vmta-sig" + name.toLowerCase(java.util.Locale.ROOT)).start());
      } catch (IllegalArgumentException unsupported) {
        // Not on this platform: the shutdown hook still closes Vert.x.
      }
    }
    return 0;
  }
}
