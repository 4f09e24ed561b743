package io.vmta.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.server.testing.TestSmtpClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The product as users run it: {@code java -jar mta.jar --config FILE} in a child process on a
 * data directory of its own, listening on a free loopback port. The config is the one of
 * DESIGN.md with test values: local domain example.test, users alice and bob (password
 * "secret"), postmaster an alias of alice, retries one second after a failure.
 */
final class MtaProcess implements AutoCloseable {

  static final String HOSTNAME = "mx.example.test";
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /** JVM options of the child by default: none, as users run it. */
  static final List<String> DEFAULT_JVM_OPTIONS = List.of();

  private final Path dataDir;
  private final Path config;
  private final List<String> jvmOptions;
  /** Whether the config gives the node SMTP listeners (not so for a cluster node without the server role). */
  private final boolean listens;
  private Process process;
  private ProcessOutput output;
  private Map<String, Integer> ports = Map.of();
  private int managementPort = -1;
  /** Whether the current run has been sent SIGSTOP. */
  private boolean suspended;

  private MtaProcess(Path dataDir, Path config, List<String> jvmOptions, boolean listens) {
    this.dataDir = dataDir;
    this.config = config;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.listens = listens;
  }

  /**
   * Writes the config into {@code dir} and starts the MTA; {@code overrides} replace top-level
   * keys, {@code jvmOptions} go before {@code -jar}.
   */
  static MtaProcess start(Path dir, JsonObject overrides, List<String> jvmOptions)
      throws IOException, InterruptedException {
    Path users = dir.resolve("users.txt");
    String hash = PasswordHashes.hash("secret");
    Files.writeString(users, "alice@example.test:" + hash + "\nbob@example.test:" + hash + "\n");
    Path dataDir = dir.resolve("data");
    JsonObject json = new JsonObject()
        .put("hostname", HOSTNAME)
        .put("dataDir", dataDir.toString())
        .put("management", new JsonObject().put("port", 0))
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("users", users.toString())
        .put("aliases", new JsonObject().put("postmaster@example.test", new JsonArray().add("alice@example.test")))
        // No DNS query may leave this machine: a loopback port where nothing answers, so remote
        // destinations defer (4.4.3) instead of asking the system's resolvers.
        .put("relay", new JsonObject().put("dnsServers", new JsonArray().add("127.0.0.1:9"))
            .put("retry", new JsonObject().put("initialDelay", "1s")))
        // The checks of incoming mail would ask that silent port and wait out their budget:
        // off, but for the tests of the checks, which serve their DNS and turn them on.
        .put("authentication", new JsonObject().put("spf", false).put("dkim", false).put("dmarc", false))
        .put("management", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .mergeIn(overrides);
    Path config = dir.resolve("mta.json");
    Files.writeString(config, json.encodePrettily());
    MtaProcess mta = new MtaProcess(dataDir, config, jvmOptions, listens(json));
    mta.launch();
    return mta;
  }

  /** False for a cluster node whose {@code cluster.roles} lack {@code server}: it binds no SMTP listener. */
  private static boolean listens(JsonObject config) {
    JsonObject cluster = config.getJsonObject("cluster", new JsonObject());
    JsonArray roles = cluster.getJsonArray("roles");
    return !cluster.getBoolean("enabled", false) || roles == null || roles.contains("server");
  }

  /** A {@code listeners} override: mx, submission and smtps, each on a free loopback port. */
  static JsonObject allListeners() {
    JsonArray listeners = new JsonArray();
    for (String mode : List.of("mx", "submission", "smtps")) {
      listeners.add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", mode));
    }
    return new JsonObject().put("listeners", listeners);
  }

  static MtaProcess start(Path dir) throws IOException, InterruptedException {
    return start(dir, new JsonObject(), DEFAULT_JVM_OPTIONS);
  }

  private void launch() throws IOException, InterruptedException {
    String jar = System.getProperty("vmta.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new AssertionError("system property vmta.jar must name the fat jar (run through Maven: "
          + "mvn verify -pl it-tests -am), got " + jar);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar, "--config", config.toString()));
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .start();
    process.getOutputStream().close();
    suspended = false;
    output = new ProcessOutput(process.getInputStream(), "mta-" + process.pid());
    output.await(l -> l.contains("vmta " + HOSTNAME + " started:"), "start-up line", START_TIMEOUT);
    ports = boundPorts();
  }

  /** The bound ports by mode from {@code <dataDir>/listeners.json}, written once the listeners are bound. */
  private Map<String, Integer> boundPorts() throws IOException {
    JsonObject json = new JsonObject(Files.readString(dataDir.resolve("listeners.json"), StandardCharsets.UTF_8));
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Object l : json.getJsonArray("listeners")) {
      JsonObject listener = (JsonObject) l;
      int p = listener.getInteger("port");
      if (p <= 0) {
        throw new AssertionError("listeners.json holds no bound port: " + json);
      }
      ports.putIfAbsent(listener.getString("mode"), p);
    }
    JsonObject management = json.getJsonObject("management");
    if (management == null || management.getInteger("port", 0) <= 0) {
      throw new AssertionError("listeners.json holds no management port: " + json);
    }
    managementPort = management.getInteger("port");
    if (listens && !ports.containsKey("mx")) {
      throw new AssertionError("no mx listener in listeners.json: " + json);
    }
    return ports;
  }

  /** The mx port. */
  int port() {
    return port("mx");
  }

  /** The port of the first listener of {@code mode} ({@code mx}, {@code submission}, {@code smtps}). */
  int port(String mode) {
    Integer p = ports.get(mode);
    if (p == null) {
      throw new AssertionError("no " + mode + " listener in listeners.json: " + ports);
    }
    return p;
  }

  /** The management endpoint's port, from {@code listeners.json}. */
  int managementPort() {
    return managementPort;
  }

  Path dataDir() {
    return dataDir;
  }

  /** The pid of the current run. */
  long pid() {
    return process.pid();
  }

  /** The configuration file the process runs with. */
  Path config() {
    return config;
  }

  /** A connected client on the mx port that has read the greeting. */
  TestSmtpClient connect() throws IOException {
    return connect("mx");
  }

  /** A client connected to the listener of {@code mode} (over TLS for smtps) that has read the greeting. */
  TestSmtpClient connect(String mode) throws IOException {
    TestSmtpClient client = "smtps".equals(mode)
        ? TestSmtpClient.tls("127.0.0.1", port(mode))
        : new TestSmtpClient("127.0.0.1", port(mode));
    TestSmtpClient.Reply greeting = client.read();
    if (greeting.code() != 220) {
      client.close();
      throw new AssertionError(mode + " greeting: " + greeting.text());
    }
    return client;
  }

  /** The first output line of the current run containing every one of {@code parts}. */
  String awaitLog(Duration timeout, String... parts) throws InterruptedException {
    return output.await(l -> List.of(parts).stream().allMatch(l::contains),
        "line containing " + List.of(parts), timeout);
  }

  /** The first {@code count} output lines of the current run containing every one of {@code parts}. */
  List<String> awaitLogs(int count, Duration timeout, String... parts) throws InterruptedException {
    return output.awaitAll(l -> List.of(parts).stream().allMatch(l::contains), count,
        "line(s) containing " + List.of(parts), timeout);
  }

  /** The output lines of the current run so far. */
  List<String> logLines() {
    return output.lines();
  }

  /** The output of the current run so far. */
  String log() {
    return output.text();
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("the process survived SIGKILL");
    }
  }

  /**
   * SIGSTOP: the process stays with its sockets open and does nothing, as if frozen, until it is
   * killed; {@link #stopped()} tells when the kernel has stopped it. {@link #close()} then kills it
   * (a stopped process would not act on SIGTERM).
   */
  void suspend() throws IOException, InterruptedException {
    Process signal = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).start();
    if (signal.waitFor() != 0) {
      throw new AssertionError("kill -STOP " + process.pid() + " failed with " + signal.exitValue());
    }
    suspended = true;
  }

  /** Whether every thread of the process is stopped by a signal (Linux: state T in {@code /proc/<pid>/task/<tid>/stat}). */
  boolean stopped() throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
      for (Path task : tasks.toList()) {
        // "tid (comm) state ...": comm may hold spaces and parentheses, the state follows the last ')'.
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (NoSuchFileException exited) {
          continue;
        }
        if (stat.charAt(stat.lastIndexOf(')') + 2) != 'T') {
          return false;
        }
      }
    }
    return true;
  }

  /** SIGTERM, then waits for the process to exit. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the process did not exit within " + STOP_TIMEOUT + " of SIGTERM:\n" + log());
    }
  }

  /** The exit status of the last run (after {@link #stop()} or {@link #kill()}). */
  int exitValue() {
    return process.exitValue();
  }

  /** Starts again on the same config and data directory (stopping first if still running); the port changes. */
  void restart() throws IOException, InterruptedException {
    if (process.isAlive()) {
      stop();
    }
    launch();
  }

  /** Waits until {@code user}'s Maildir holds at least {@code count} messages; returns their files. */
  List<Path> awaitDelivery(String user, int count) throws IOException, InterruptedException {
    return Maildirs.await(Maildirs.newDir(dataDir, user), count, Maildirs.DELIVERY_TIMEOUT);
  }

  /** The messages in {@code user}'s Maildir, as stored. */
  List<byte[]> mail(String user) {
    return Maildirs.contents(Maildirs.newDir(dataDir, user));
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      if (suspended) {
        kill();
      } else {
        stop();
      }
    }
  }
}
