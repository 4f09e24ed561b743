package io.vmta.mta;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.CliArgs.UsageException;
import io.vmta.mta.config.ManagementOptions;
import io.vmta.mta.config.MtaOptions;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the queue commands connect and with which token. The address: {@code --url} wins; else
 * the {@code management} host and port of {@code --config}, the port as bound from
 * {@code <dataDir>/listeners.json} when that file names one (it must with port 0); else
 * {@value #DEFAULT_URL}. The token: {@code --token-file}, else {@value #TOKEN_ENV}, else
 * {@code management.token} of {@code --config}; never from the command line itself.
 */
record ManagementEndpoint(URI url, String token) {

  /** Where to connect without {@code --url} or {@code --config}. */
  static final String DEFAULT_URL = "http://" + ManagementOptions.DEFAULT_HOST + ":" + ManagementOptions.DEFAULT_PORT;
  /** The environment variable holding the bearer token. */
  static final String TOKEN_ENV = "VMTA_MANAGEMENT_TOKEN";

  /** Never shows the token. */
  @Override
  public String toString() {
    return url + (token == null ? "" : " (with a token)");
  }

  /**
   * Resolves the endpoint from the parsed options {@code --url}, {@code --config} and
   * {@code --token-file}; {@code config} loads a configuration file (only called when needed).
   */
  static ManagementEndpoint resolve(CliArgs args, Console console, ConfigSource config) {
    String url = args.value("--url");
    String tokenFile = args.value("--token-file");
    String token = tokenFile != null ? readToken(Path.of(tokenFile)) : console.getenv(TOKEN_ENV);
    String configFile = args.value("--config");
    MtaOptions options = configFile != null && (url == null || token == null)
        ? config.load(Path.of(configFile)) : null;
    if (token == null && options != null) {
      token = options.getManagement().getToken();
    }
    URI base = url != null ? parseUrl(url) : options != null ? fromConfig(options) : URI.create(DEFAULT_URL);
    return new ManagementEndpoint(base, token);
  }

  /** Loads a configuration file (a {@link io.vmta.smtp.core.config.ConfigException} when it is bad). */
  @FunctionalInterface
  interface ConfigSource {
    /** The validated options of {@code file}. */
    MtaOptions load(Path file);
  }

  private static String readToken(Path file) {
    String token;
    try {
      token = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
    } catch (IOException e) {
      String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
      throw new UsageException("--token-file: cannot read " + file + ": " + why);
    }
    if (token.isEmpty()) {
      throw new UsageException("--token-file: " + file + " holds no token on its first line");
    }
    return token;
  }

  private static URI parseUrl(String url) {
    try {
      URI uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // below
    }
    throw new UsageException("--url must look like http://host:port, got \"" + url + "\"");
  }

  /** The configured endpoint, with the port as bound when {@code listeners.json} names it. */
  private static URI fromConfig(MtaOptions options) {
    ManagementOptions management = options.getManagement();
    String host = management.getHost();
    int port = management.getPort();
    Path listeners = Path.of(options.getDataDir()).toAbsolutePath().resolve("listeners.json");
    JsonObject bound = boundManagement(listeners);
    if (bound != null) {
      host = bound.getString("host", host);
      port = bound.getInteger("port");
    } else if (port == 0) {
      throw new ManagementClient.Failure("management.port is 0 and " + listeners
          + " names no bound port: is the MTA running with this configuration?");
    }
    return URI.create("http://" + connectable(host) + ":" + port);
  }

  /** The {@code management} object of {@code listeners.json} if it holds a port, else null. */
  private static JsonObject boundManagement(Path listeners) {
    try {
      JsonObject json = new JsonObject(Files.readString(listeners, StandardCharsets.UTF_8));
      JsonObject management = json.getJsonObject("management");
      return management != null && management.getValue("port") instanceof Integer p && p > 0 ? management : null;
    } catch (IOException | DecodeException | ClassCastException e) {
      // Not written yet (the MTA is not up on this data directory) or unreadable: the configured
      // port is all there is.
      return null;
    }
  }

  /** A host to connect to: a wildcard bind address means this machine; IPv6 in brackets. */
  static String connectable(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equals("0.0.0.0")) {
      return "127.0.0.1";
    }
    if (h.equals("::") || h.equals("0:0:0:0:0:0:0:0")) {
      return "[::1]";
    }
    return h.contains(":") ? "[" + h + "]" : h;
  }
}
