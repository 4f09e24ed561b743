package io.vmta.mta;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.mta.config.ConfigLoader;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.auth.UsersFile;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Configurations for the command line, read on a short-lived Vert.x and waited for: {@code run}
 * and {@code check-config} check the same things in the same way before anything starts.
 */
final class ConfigFiles {

  /** The longest wait for a configuration and the files it names. */
  private static final long TIMEOUT_SECONDS = 60;

  /** A configuration that passed {@link #check}: its options and its users. */
  record Checked(MtaOptions options, UsersFile users) {
  }

  private ConfigFiles() {
  }

  /** The validated options of {@code file} ({@link ConfigLoader#load}); a {@link ConfigException} when bad. */
  static MtaOptions load(Path file) {
    return onVertx(vertx -> ConfigLoader.load(vertx, file));
  }

  /**
   * Everything start-up reads before it binds a port: the file (or the embedded defaults when
   * {@code file} is null), the users file ({@link ConfigLoader#loadUsers}), the configured TLS
   * certificate and key, each readable and together a usable pair, the DKIM keys and the CAs of
   * {@code relay.tls.caFile}. A {@link ConfigException}
   * naming the key when one of them is bad.
   */
  static Checked check(Path file) {
    return onVertx(vertx -> (file == null ? Future.succeededFuture(ConfigLoader.defaults()) : ConfigLoader.load(vertx, file))
        .compose(options -> ConfigLoader.checkTls(vertx, options.getServer())
            .compose(v -> ConfigLoader.checkDkim(vertx, options.getServer()))
            .compose(v -> ConfigLoader.checkRelayTls(vertx, options))
            .compose(v -> ConfigLoader.loadUsers(vertx, options))
            .map(users -> new Checked(options, users))
            // Named like the errors of ConfigLoader.load: "mta.yaml: users: ...".
            .recover(e -> Future.failedFuture(e instanceof ConfigException c && file != null
                ? c.prefixed(file.toString()) : e))));
  }

  /** Runs {@code work} on a Vert.x of its own and waits for it; failures are rethrown as they are. */
  private static <T> T onVertx(java.util.function.Function<Vertx, Future<T>> work) {
    Vertx vertx = Vertx.vertx();
    try {
      return work.apply(vertx).toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("reading the configuration took more than " + TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the configuration");
    } finally {
      vertx.close();
    }
  }
}
