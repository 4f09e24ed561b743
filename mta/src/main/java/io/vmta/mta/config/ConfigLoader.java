package io.vmta.mta.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.auth.UsersFile;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.relay.RelayTlsOptions;
import io.vmta.smtp.relay.client.PeerVerifier;
import io.vmta.smtp.server.SmtpServerOptions;
import io.vmta.mailauth.dkim.DkimOptions;
import io.vmta.mailauth.dkim.DkimSigner;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
   * <p>Relative {@code users}, {@code tls.certPath}, {@code tls.keyPath},
   * {@code dkim.keys[].keyPath}, {@code relay.tls.caFile} and {@code relay.dnssecTrustAnchors} are resolved against
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
    return vertx.fileSystem().readFile(absolute.toString())
        .recover(e -> Future.failedFuture(new ConfigException(name + ": "
            + (rootCause(e) instanceof NoSuchFileException ? "no such file"
                : "cannot read: " + describe(e, format)), e)))
        .compose(content -> parse(vertx, absolute, format, name, content.toString(UTF_8)))
        .compose(json -> {
          MtaOptions options = new MtaOptions(json);
          options.setUsers(options.resolveUsers(configDir).toString());
          SmtpServerOptions tls = options.getServer();
          boolean configured = tls.getCertPath() != null;
          if (configured) {
            tls.setTls(configDir.resolve(tls.getCertPath()).normalize().toString(),
                configDir.resolve(tls.getKeyPath()).normalize().toString());
          }
          DkimOptions dkim = tls.getDkim();
          tls.setDkim(new DkimOptions(dkim).setKeys(dkim.getKeys().stream()
              .map(k -> k.withKeyPath(configDir.resolve(k.keyPath()).normalize().toString())).toList()));
          RelayTlsOptions relayTls = options.getRelay().getTls();
          String caFile = relayTls.getCaFile();
          if (caFile != null) {
            options.getRelay().setTls(new RelayTlsOptions(relayTls)
                .setCaFile(configDir.resolve(caFile).normalize().toString()));
          }
          String anchors = options.getRelay().getDnssecTrustAnchors();
          if (anchors != null) {
            options.getRelay().setDnssecTrustAnchors(configDir.resolve(anchors).normalize().toString());
          }
          return requireFile(vertx, json.getValue("users") != null, "users", options.getUsers())
              .compose(v -> requireFile(vertx, caFile != null, "relay.tls.caFile", options.getRelay().getTls().getCaFile()))
              .compose(v -> requireFile(vertx, anchors != null, "relay.dnssecTrustAnchors",
                  options.getRelay().getDnssecTrustAnchors()))
              .compose(v -> requireFile(vertx, configured, "tls.certPath", tls.getCertPath()))
              .compose(v -> requireFile(vertx, configured, "tls.keyPath", tls.getKeyPath()))
              .map(options);
        })
        .recover(e -> Future.failedFuture(!(e instanceof ConfigException c)
            ? new ConfigException(name + ": " + e, e)
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

  /**
   * The configured PEM pair is readable and loads as the SMTP server will load it (on a worker:
   * it reads files); a {@link ConfigException} on {@code tls.*} otherwise. Nothing to check
   * without a configured pair.
   */
  public static Future<Void> checkTls(Vertx vertx, SmtpServerOptions tls) {
    if (tls.getCertPath() == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      readable("tls.certPath", tls.getCertPath());
      readable("tls.keyPath", tls.getKeyPath());
      try {
        new PemKeyCertOptions().setCertPath(tls.getCertPath()).setKeyPath(tls.getKeyPath())
            .getKeyManagerFactory(vertx);
      } catch (Exception e) {
        throw new ConfigException("tls", "cannot use the certificate and key (" + tls.getCertPath() + ", "
            + tls.getKeyPath() + "): " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      }
      return null;
    });
  }

  /**
   * The CAs of {@code relay.tls.caFile} load as the relay will load them (on a worker: it reads
   * files); a {@link ConfigException} on {@code relay.tls.caFile} otherwise.
   */
  public static Future<Void> checkRelayTls(Vertx vertx, MtaOptions options) {
    String caFile = options.getRelay().getTls().getCaFile();
    if (caFile == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      try {
        PeerVerifier.create(Path.of(caFile));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("relay.tls.caFile", e.getMessage());
      }
      return null;
    });
  }

  /**
   * Loads every configured DKIM key as the SMTP server will (on a worker: it reads files); a
   * {@link ConfigException} naming {@code dkim.keys[i].keyPath} when one does not load.
   */
  public static Future<Void> checkDkim(Vertx vertx, SmtpServerOptions server) {
    if (server.getDkim().getKeys().isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      DkimSigner.load(server.getDkim());
      return null;
    });
  }

  private static void readable(String key, String path) {
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      in.read();
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, "no such file: " + path);
    } catch (AccessDeniedException e) {
      throw new ConfigException(key, "permission denied: " + path);
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read " + path + ": " + e.getMessage());
    }
  }

  private static Future<JsonObject> parse(Vertx vertx, Path file, String format, String name,
      String content) {
    if (format.equals("yaml") && content.lines().allMatch(ConfigLoader::isYamlNothing)) {
      // vertx-config 5.0.7 fails with a NullPointerException on a YAML file of comments only.
      return Future.succeededFuture(new JsonObject());
    }
    if (content.isBlank()) {
      return Future.failedFuture(new ConfigException(
          name + ": empty file; write {} for the defaults"));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .setScanPeriod(0)
        .addStore(new ConfigStoreOptions()
            .setType("file")
            .setFormat(format)
            .setConfig(new JsonObject().put("path", file.toString()))));
    return retriever.getConfig()
        .recover(e -> Future.failedFuture(new ConfigException(
            name + ": not valid " + format.toUpperCase(Locale.ROOT) + ": " + describe(e, format),
            e)))
        .eventually(retriever::close);
  }

  private static boolean isYamlNothing(String line) {
    String t = line.strip();
    return t.isEmpty() || t.startsWith("#") || t.equals("---") || t.equals("...");
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

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A parse failure in one line: the parser's problem and position, without quoted snippets. */
  private static String describe(Throwable e, String format) {
    Throwable root = rootCause(e);
    String message = root.getMessage();
    // vertx-config casts the document to a Map (YAML) or reports a bare "Failed to decode" (JSON).
    if (root instanceof ClassCastException || root instanceof NullPointerException
        || "Failed to decode".equals(message)) {
      return "the top level must be " + (format.equals("yaml") ? "a mapping of keys" : "an object");
    }
    if (message == null) {
      return root.getClass().getSimpleName();
    }
    StringBuilder text = new StringBuilder();
    for (String line : message.split("\\R")) {
      // SnakeYAML quotes the offending source lines indented by four spaces, then a caret line.
      if (line.isBlank() || line.startsWith("    ") || line.strip().matches("\\^+")) {
        continue;
      }
      // Indented lines (" in 'string', line 3", " at [Source...") continue the line before.
      String separator = text.length() == 0 ? "" : line.startsWith(" ") ? " " : "; ";
      text.append(separator).append(line.strip());
    }
    String oneLine = text.toString()
        .replace(" in 'string', ", " at ").replace(" in 'reader', ", " at ")
        .replaceAll("\\[Source: [^;\\]]*; ", "[")
        .replaceAll(":(;|$)", "$1");
    return oneLine.length() > 240 ? oneLine.substring(0, 237) + "..." : oneLine;
  }
}
