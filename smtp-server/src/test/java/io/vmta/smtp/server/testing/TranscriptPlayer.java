package io.vmta.smtp.server.testing;

import io.vmta.smtp.auth.PasswordHashes;
import io.vmta.smtp.core.config.Durations;
import io.vmta.smtp.auth.UsersAuthenticationProvider;
import io.vmta.smtp.auth.UsersFile;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.server.ListenerMode;
import io.vmta.smtp.server.ListenerOptions;
import io.vmta.smtp.server.SmtpServerOptions;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays a {@link Transcript} against a fresh {@link ServerFixture} over a real socket. A failed
 * check throws AssertionError naming the file and line; at the end, every message the in-memory
 * queue received must have been checked by a {@code queued} line.
 */
public final class TranscriptPlayer {

  /** PBKDF2 is slow on purpose: one hash per password for the whole run. */
  private static final Map<String, String> HASHES = new ConcurrentHashMap<>();
  private static final Pattern QUEUED_AS = Pattern.compile("queued as (\\S+)");

  private final Transcript transcript;
  private final ServerFixture server;
  private final Deque<String> announcedIds = new ArrayDeque<>();
  private TestSmtpClient client;
  private QueuedMessage lastQueued;

  private TranscriptPlayer(Transcript transcript, ServerFixture server) {
    this.transcript = transcript;
    this.server = server;
  }

  /** Starts the server the header asks for, plays every step, and stops the server. */
  public static void play(Transcript transcript) throws Exception {
    Transcript.Header header = transcript.header();
    try (ServerFixture server = start(header)) {
      if (header.queueFails()) {
        server.failQueue();
      }
      new TranscriptPlayer(transcript, server).run();
    }
  }

  private static ServerFixture start(Transcript.Header header) {
    SmtpServerOptions options = ServerFixture.defaults();
    List<ListenerOptions> listeners = header.listeners().stream()
        .map(mode -> new ListenerOptions("127.0.0.1", 0, mode)).toList();
    options.setListeners(listeners);
    if (header.trusted()) {
      options.setTrustedNetworks(List.of("127.0.0.0/8", "::1/128"));
    }
    Map<String, List<String>> aliases = new LinkedHashMap<>(options.getAliases());
    aliases.putAll(header.aliases());
    options.setAliases(aliases);
    header.settings().forEach((name, value) -> set(options, name, value));
    if (header.users().isEmpty()) {
      return new ServerFixture(options);
    }
    options.setLocalUsers(List.copyOf(header.users().keySet()));
    StringBuilder file = new StringBuilder();
    header.users().forEach((login, password) ->
        file.append(login).append(':').append(HASHES.computeIfAbsent(password, PasswordHashes::hash)).append('\n'));
    UsersFile users = UsersFile.parse(file.toString(), "transcript users");
    return new ServerFixture(options, vertx -> new UsersAuthenticationProvider(vertx, users));
  }

  /**
   * {@code @set name=value}: calls the option's setter, converting the value to its parameter
   * type; a setter of two parameters takes them comma-separated ({@code authThresholds=2,2}).
   */
  private static void set(SmtpServerOptions options, String name, String value) {
    String setter = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    Method method = Arrays.stream(SmtpServerOptions.class.getMethods())
        .filter(m -> m.getName().equals(setter)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("@set: SmtpServerOptions has no " + setter));
    Class<?>[] types = method.getParameterTypes();
    String[] values = types.length == 1 ? new String[] {value} : value.split(",", types.length);
    Object[] converted = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      Class<?> type = types[i];
      String v = values[i];
      converted[i] = type == int.class ? Integer.parseInt(v)
          : type == long.class ? Long.parseLong(v)
          : type == boolean.class ? Boolean.parseBoolean(v)
          : type == Duration.class ? Durations.parse(v)
          : type == List.class ? List.of(v.split(","))
          : v;
    }
    try {
      method.invoke(options, converted);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("@set " + name + ": " + e, e);
    }
  }

  private void run() throws Exception {
    client = open(transcript.header().listeners().get(0), 0);
    try {
      for (Transcript.Step step : transcript.steps()) {
        try {
          play(step);
        } catch (IOException e) {
          throw failure(step, e.toString());
        }
      }
      if (!server.queued.isEmpty()) {
        throw new AssertionError(transcript.name() + ": the queue received a message no 'queued' line checks: "
            + server.queued.peek().envelope());
      }
    } finally {
      client.close();
    }
  }

  private void play(Transcript.Step step) throws Exception {
    if (step instanceof Transcript.Send send) {
      client.sendBytes(send.bytes());
    } else if (step instanceof Transcript.ExpectLine expect) {
      String got = line(step);
      boolean ok = expect.prefix() ? got.startsWith(expect.text()) : got.equals(expect.text());
      if (!ok) {
        throw failure(step, "expected " + (expect.prefix() ? "a line starting with " : "") + "'" + expect.text()
            + "', got '" + got + "'");
      }
    } else if (step instanceof Transcript.ExpectReply expect) {
      String got = line(step);
      while (got.length() > 3 && got.charAt(3) == '-') {
        got = line(step);
      }
      if (!got.startsWith(expect.prefix())) {
        throw failure(step, "expected a reply ending in a line starting with '" + expect.prefix() + "', got '" + got + "'");
      }
    } else if (step instanceof Transcript.Closed) {
      if (!client.closedByServer()) {
        throw failure(step, "expected the server to close the connection; it is still open");
      }
    } else if (step instanceof Transcript.Tls) {
      client.upgrade();
    } else if (step instanceof Transcript.Connect connect) {
      client.close();
      List<ListenerMode> modes = transcript.header().listeners();
      ListenerMode mode = connect.mode() == null ? modes.get(0) : connect.mode();
      if (!modes.contains(mode)) {
        throw failure(step, "no listener of mode " + mode.jsonName() + " in @listeners");
      }
      client = open(mode, modes.indexOf(mode));
    } else if (step instanceof Transcript.Queued queued) {
      checkQueued(queued);
    } else if (step instanceof Transcript.Content content) {
      checkContent(content);
    }
  }

  private TestSmtpClient open(ListenerMode mode, int index) throws IOException {
    int port = server.port(index);
    return mode == ListenerMode.SMTPS ? TestSmtpClient.tls("127.0.0.1", port) : new TestSmtpClient("127.0.0.1", port);
  }

  /** The next reply line; notes the queue id a "queued as" reply announces. */
  private String line(Transcript.Step step) throws IOException {
    String got = client.readLine();
    if (got == null) {
      throw failure(step, "the server closed the connection");
    }
    Matcher id = QUEUED_AS.matcher(got);
    if (got.startsWith("250") && id.find()) {
      announcedIds.add(id.group(1));
    }
    return got;
  }

  private void checkQueued(Transcript.Queued step) throws InterruptedException {
    QueuedMessage m = server.nextQueued();
    if (m == null) {
      throw failure(step, "the queue received no message");
    }
    lastQueued = m;
    Envelope e = m.envelope();
    String announced = announcedIds.poll();
    if (announced != null && !announced.equals(e.id())) {
      throw failure(step, "the server said 'queued as " + announced + "' but queued " + e.id());
    }
    List<String> problems = new ArrayList<>();
    step.fields().forEach((name, want) -> {
      String got = switch (name) {
        case "from" -> "<" + e.sender() + ">";
        case "to" -> String.join(",", e.recipients().stream().map(r -> "<" + r + ">").toList());
        case "auth" -> e.authUser() == null ? "-" : e.authUser();
        case "body" -> e.body();
        case "smtputf8" -> Boolean.toString(e.smtputf8());
        case "helo" -> e.heloName();
        case "requiretls" -> Boolean.toString(e.requireTls());
        default -> throw failure(step, "unknown envelope field '" + name + "'");
      };
      if (!got.equals(want)) {
        problems.add(name + "=" + got + " (expected " + want + ")");
      }
    });
    if (!problems.isEmpty()) {
      throw failure(step, "queued " + String.join(", ", problems));
    }
  }

  private void checkContent(Transcript.Content step) {
    if (lastQueued == null) {
      throw failure(step, "no 'queued' line before");
    }
    String content = lastQueued.content().toString(StandardCharsets.UTF_8);
    if (!step.body()) {
      if (!content.contains(step.text())) {
        throw failure(step, "the queued message does not contain '" + step.text() + "':\n" + content);
      }
      return;
    }
    if (!content.startsWith("Received: ")) {
      throw failure(step, "the queued message does not start with a Received header:\n" + content);
    }
    String body = afterReceived(content);
    if (!body.equals(step.text())) {
      throw failure(step, "the queued message after its Received header is\n'" + body + "'\nnot\n'" + step.text() + "'");
    }
  }

  /** The content behind the prepended Received header (its continuation lines start with SP or TAB). */
  private static String afterReceived(String content) {
    int end = content.indexOf("\r\n");
    while (end >= 0 && end + 2 < content.length() && (content.charAt(end + 2) == '\t' || content.charAt(end + 2) == ' ')) {
      end = content.indexOf("\r\n", end + 2);
    }
    return end < 0 ? "" : content.substring(end + 2);
  }

  private AssertionError failure(Transcript.Step step, String what) {
    return new AssertionError(transcript.name() + ":" + step.line() + ": " + what);
  }
}
