package io.vmta.it;

import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private Postfix instance, made by {@code scripts/lib/private-postfix.sh} as for the scripts
 * and the benchmark: its own main.cf, master.cf, queue and maillog under one directory, smtpd on
 * a free loopback port, never the system's Postfix. It has no local domain: it relays whatever it
 * accepts. Running it needs root and the postfix package; {@link #assumeInstalled()} skips the
 * calling test otherwise. {@link #close()} stops it and waits until all its processes are gone.
 */
final class PrivatePostfix implements AutoCloseable {

  /** How long one postfix, postconf or postmap command may take. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  /** How long the master and its children may take to exit after {@code postfix stop}. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final Pattern QUEUED = Pattern.compile("queued as (\\S+)");
  /** Postfix's verbose SMTP client logs the AUTH payload (base64 of the password): never shown. */
  private static final Pattern AUTH_PAYLOAD = Pattern.compile("(: AUTH \\S+) \\S+$");
  /** ... and the password it found for a host (smtp_sasl_passwd_lookup). */
  private static final Pattern PASSWORD = Pattern.compile(" pass `[^']*'");

  private final Path dir;
  private final Path etc;
  private final int port;
  private boolean started;

  private PrivatePostfix(Path dir, int port) {
    this.dir = dir;
    this.etc = dir.resolve("etc");
    this.port = port;
  }

  /** Skips the calling test unless a private Postfix instance can run here. */
  static void assumeInstalled() throws IOException {
    for (String tool : List.of("/usr/sbin/postfix", "/usr/sbin/postconf")) {
      Commands.require(tool);
    }
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "a private Postfix instance needs root");
    Assumptions.assumeTrue(Files.isRegularFile(Path.of("/etc/postfix/master.cf")), "no /etc/postfix/master.cf");
    Assumptions.assumeTrue(hasEntry(Path.of("/etc/passwd"), "postfix") && hasEntry(Path.of("/etc/group"), "postdrop"),
        "no postfix user or postdrop group");
  }

  /**
   * Prepares an instance in {@code dir}, applies {@code settings} ("name = value") to its main.cf
   * with {@code postconf -e} and starts it. {@code dir} is made world-searchable: Postfix's
   * processes run as the postfix user and must reach their queue inside it.
   */
  static PrivatePostfix start(Path dir, String myhostname, List<String> settings)
      throws IOException, InterruptedException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    PrivatePostfix postfix = new PrivatePostfix(dir, freePort());
    boolean running = false;
    try {
      postfix.prepare(myhostname, settings);
      postfix.started = true;
      // postfix start checks the configuration first and returns once the master is ready (master -w).
      postfix.postfix("start");
      running = true;
      return postfix;
    } finally {
      if (!running) {
        postfix.close();
      }
    }
  }

  private void prepare(String myhostname, List<String> settings) throws IOException, InterruptedException {
    Path script = Path.of(System.getProperty("vmta.scripts", "../scripts"), "lib", "private-postfix.sh");
    if (!Files.isRegularFile(script)) {
      throw new AssertionError("no " + script + " (system property vmta.scripts names the scripts directory)");
    }
    // pf_prepare DIR PORT MYHOSTNAME DOMAIN BANNER; .invalid: no mail is ever delivered to its domain.
    run(List.of("bash", "-c", "source \"$1\" && pf_prepare \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"", "pf_prepare",
        script.toString(), dir.toString(), String.valueOf(port), myhostname, "postfix.invalid",
        "Postfix (private test instance)"));
    // No Maildirs of its own (so no map to postmap). One postconf for all settings: after each
    // edit of main.cf, the next Postfix command waits about two seconds for the file to settle.
    List<String> postconf = new ArrayList<>(List.of("/usr/sbin/postconf", "-c", etc.toString(), "-e",
        "virtual_mailbox_domains =", "virtual_mailbox_maps ="));
    postconf.addAll(settings);
    run(postconf);
  }

  /** The port of its smtpd on 127.0.0.1. */
  int port() {
    return port;
  }

  /** Hands a message to its smtpd; returns Postfix's queue id. {@code message} lines end in CRLF. */
  String send(String from, String to, String message) throws IOException {
    try (TestSmtpClient client = new TestSmtpClient("127.0.0.1", port)) {
      expect(client.read(), 220, "greeting");
      expect(client.command("EHLO client.example.org"), 250, "EHLO");
      expect(client.command("MAIL FROM:<" + from + ">"), 250, "MAIL");
      expect(client.command("RCPT TO:<" + to + ">"), 250, "RCPT");
      expect(client.command("DATA"), 354, "DATA");
      TestSmtpClient.Reply queued = expect(client.command(message + "."), 250, "end of data");
      client.command("QUIT");
      Matcher id = QUEUED.matcher(queued.last());
      if (!id.find()) {
        throw new AssertionError("Postfix named no queue id: " + queued.text());
      }
      return id.group(1);
    }
  }

  private static TestSmtpClient.Reply expect(TestSmtpClient.Reply reply, int code, String what) {
    if (reply.code() != code) {
      throw new AssertionError("Postfix's smtpd answered " + what + " with " + reply.text());
    }
    return reply;
  }

  /** The lines of its maillog so far, passwords and AUTH payloads redacted. */
  List<String> log() throws IOException {
    Path maillog = dir.resolve("maillog");
    if (!Files.exists(maillog)) {
      return List.of();
    }
    try (Stream<String> lines = Files.lines(maillog, StandardCharsets.UTF_8)) {
      return lines.map(l -> AUTH_PAYLOAD.matcher(l).replaceFirst("$1 <redacted>"))
          .map(l -> PASSWORD.matcher(l).replaceFirst(" pass <redacted>"))
          .toList();
    }
  }

  /** The first maillog line matching {@code wanted}, waiting (on file events, bounded) for Postfix to write it. */
  String awaitLog(Predicate<String> wanted, String what, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      while (true) {
        List<String> lines = log();
        Optional<String> found = lines.stream().filter(wanted).findFirst();
        if (found.isPresent()) {
          return found.get();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + what + " in Postfix's maillog within " + timeout + ":\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
        }
        WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }

  /** {@code postfix stop}, then waits for the master and every process it had started to exit. */
  @Override
  public void close() throws IOException, InterruptedException {
    if (!started) {
      return;
    }
    started = false;
    List<ProcessHandle> processes = new ArrayList<>();
    master().ifPresent(m -> {
      processes.add(m);
      m.descendants().forEach(processes::add);
    });
    Commands.run(dir, COMMAND_TIMEOUT, List.of("/usr/sbin/postfix", "-c", etc.toString(), "stop"));
    if (!exited(processes, STOP_TIMEOUT)) {
      processes.forEach(ProcessHandle::destroyForcibly);
      if (!exited(processes, STOP_TIMEOUT)) {
        throw new AssertionError("Postfix processes survived SIGKILL: " + processes);
      }
      throw new AssertionError("Postfix did not stop within " + STOP_TIMEOUT + "; its processes were killed");
    }
  }

  /** The running master from {@code queue/pid/master.pid}, if any. */
  private Optional<ProcessHandle> master() throws IOException {
    Path pid = dir.resolve("queue").resolve("pid").resolve("master.pid");
    if (!Files.exists(pid)) {
      return Optional.empty();
    }
    String text = Files.readString(pid, StandardCharsets.US_ASCII).trim();
    // A stale file of an instance that never ran could name an unrelated process by now.
    return text.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(text))
        .filter(p -> p.info().command().map(c -> c.endsWith("/master")).orElse(false));
  }

  private static boolean exited(List<ProcessHandle> processes, Duration timeout) throws InterruptedException {
    try {
      CompletableFuture.allOf(processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  private void postfix(String command) throws IOException, InterruptedException {
    run(List.of("/usr/sbin/postfix", "-c", etc.toString(), command));
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    Commands.Result result = Commands.run(dir, COMMAND_TIMEOUT, command);
    if (result.exitCode() != 0) {
      throw new AssertionError(command + " exited with " + result.exitCode() + ":\n" + result.output());
    }
  }

  /** A port that was free a moment ago: Postfix needs a number in master.cf, not port 0. */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean hasEntry(Path file, String name) throws IOException {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.anyMatch(l -> l.startsWith(name + ":"));
    }
  }
}
