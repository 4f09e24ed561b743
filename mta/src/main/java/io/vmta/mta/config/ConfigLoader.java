package io.vmta.mta.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.auth.UsersFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads the configuration file (JSON, or YAML by its {@code .yaml}/{@code .yml} extension) through
 * vertx-config, validates it into {@link MtaOptions}, and resolves the files it names.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /** The configuration of a server started without a file. */
  public static MtaOptions defaults() {
    return new MtaOptions();
  }

  /**
   * Loads and validates a configuration file.
   *
   * <p>Relative {@code users}, {@code tls.certPath} and {@code tls.keyPath} are resolved against
   * the file's directory, so the options returned hold absolute paths. A users file or TLS file
   * that is named in the file but missing is an error; the default users file may be missing.
   * Every failure is a {@link ConfigException} with one line starting with the file name.
   */
  public static Future<MtaOptions> load(Vertx vertx, Path file) {
    String name = file.toString();
    String format = formatOf(file);
    if (format == null) {
      return Future.failedFuture(new ConfigException(
          name + ": the file name must end in .json, .yaml or .yml"));
    }
    Path absolute = file.toAbsolutePath().normalize();
    Path configDir = absolute.getParent();
    return vertx.fileSystem().exists(absolute.toString())
        .recover(e -> Future.succeededFuture(false))
        .compose(exists -> exists
            ? read(vertx, absolute, format, name)
            : Future.failedFuture(new ConfigException(name + ": no such file")))
        .compose(json -> {
          MtaOptions options = new MtaOptions(json);
          options.setUsers(options.resolveUsers(configDir).toString());
          TlsOptions tls = options.getTls();
          if (tls.isConfigured()) {
            tls.setPaths(configDir.resolve(tls.getCertPath()).normalize().toString(),
                configDir.resolve(tls.getKeyPath()).normalize().toString());
          }
          return requireFile(vertx, json.getValue("users") != null, "users", options.getUsers())
              .compose(v -> requireFile(vertx, tls.isConfigured(), "tls.certPath",
                  tls.getCertPath()))
              .compose(v -> requireFile(vertx, tls.isConfigured(), "tls.keyPath",
                  tls.getKeyPath()))
              .map(options);
        })
        .recover(e -> Future.failedFuture(!(e instanceof ConfigException c)
            ? new ConfigException(name + ": " + describe(e), e)
            : c.key() != null ? c.prefixed(name) : c));
  }

  /**
   * Reads the users file named by the options on a worker: no users when the file is missing
   * (a missing configured file was refused by {@link #load}); a bad line fails the future with a
   * {@link ConfigException} on key {@code users}.
   */
  public static Future<UsersFile> loadUsers(Vertx vertx, MtaOptions options) {
    Path path = Path.of(options.getUsers()).toAbsolutePath();
    return vertx.executeBlocking(() -> {
      if (!Files.exists(path)) {
        return UsersFile.empty();
      }
      try {
        return UsersFile.load(path);
      } catch (RuntimeException e) {
        throw new ConfigException("users", e.getMessage());
      }
    });
  }

  private static Future<JsonObject> read(Vertx vertx, Path file, String format, String name) {
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .setScanPeriod(0)
        .addStore(new ConfigStoreOptions()
            .setType("file")
            .setFormat(format)
            .setConfig(new JsonObject().put("path", file.toString()))));
    return retriever.getConfig()
        .recover(e -> Future.failedFuture(new ConfigException(
            name + ": not valid " + format.toUpperCase(Locale.ROOT) + ": " + describe(e), e)))
        .eventually(retriever::close);
  }

  private static Future<Void> requireFile(Vertx vertx, boolean required, String key, String path) {
    if (!required) {
      return Future.succeededFuture();
    }
    return vertx.fileSystem().exists(path).compose(exists -> exists
        ? Future.succeededFuture()
        : Future.failedFuture(new ConfigException(key, "no such file: " + path)));
  }

  private static String formatOf(Path file) {
    Path fileName = file.getFileName();
    String lower = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".json")) {
      return "json";
    }
    return lower.endsWith(".yaml") || lower.endsWith(".yml") ? "yaml" : null;
  }

  /** The most specific message of a parse failure, its first two lines joined (YAML puts the line there). */
  private static String describe(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    String[] lines = message.strip().split("\\R");
    String text = lines.length > 1 ? lines[0].strip() + " " + lines[1].strip() : lines[0].strip();
    return text.length() > 200 ? text.substring(0, 197) + "..." : text;
  }
}
