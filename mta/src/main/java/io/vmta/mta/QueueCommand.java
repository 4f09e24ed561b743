package io.vmta.mta;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.CliArgs.UsageException;
import io.vmta.smtp.core.config.ConfigException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code queue list|show|retry|flush|delete}: this node's queue through the management endpoint
 * ({@link ManagementEndpoint} says which one). Human output in the spirit of Postfix's
 * {@code mailq} ({@link QueueFormat}); {@code --json} prints the endpoint's JSON as it came.
 */
final class QueueCommand {

  /** The connection options every subcommand takes. */
  static final String CONNECTION_USAGE = String.join("\n",
      "connection (the management endpoint of a running MTA):",
      "  --url URL          e.g. http://127.0.0.1:8025; wins over --config",
      "  --config FILE      the endpoint of that configuration; its bound port is read from",
      "                     <dataDir>/listeners.json when the MTA wrote one (needed for port 0)",
      "  --token-file FILE  the bearer token, first line of FILE; else $" + ManagementEndpoint.TOKEN_ENV + ",",
      "                     else management.token of --config (needed off loopback)",
      "  without --url and --config: " + ManagementEndpoint.DEFAULT_URL);

  private static final Set<String> CONNECTION_OPTIONS = Set.of("--url", "--config", "--token-file");

  /** A subcommand: its word, what it takes, and its usage. */
  private enum Sub {
    LIST("list", false, "[--offset N] [--limit N] [--json]", Set.of("--offset", "--limit"), Set.of("--json"),
        "the queued messages by id: 100 from offset 0 unless told (--limit at most 1000)"),
    SHOW("show", true, "ID [--json]", Set.of(), Set.of("--json"),
        "one message: sender, pending recipients, attempts, last error, next attempt"),
    RETRY("retry", true, "ID [--json]", Set.of(), Set.of("--json"),
        "an attempt now for that message"),
    FLUSH("flush", false, "[--json]", Set.of(), Set.of("--json"),
        "an attempt now for every queued message"),
    DELETE("delete", true, "ID [--discard] [--json]", Set.of(), Set.of("--discard", "--json"),
        "remove it, bouncing its pending recipients to the sender",
        "--discard: remove it without a bounce");

    final String word;
    final boolean takesId;
    final String synopsis;
    final Set<String> valueOptions;
    final Set<String> flags;
    final List<String> description;

    Sub(String word, boolean takesId, String arguments, Set<String> valueOptions, Set<String> flags,
        String... description) {
      this.word = word;
      this.takesId = takesId;
      this.synopsis = "queue " + word + " " + arguments;
      HashSet<String> withValue = new HashSet<>(valueOptions);
      withValue.addAll(CONNECTION_OPTIONS);
      this.valueOptions = Set.copyOf(withValue);
      this.flags = flags;
      this.description = List.of(description);
    }

    static Sub of(String word) {
      for (Sub s : values()) {
        if (s.word.equals(word)) {
          return s;
        }
      }
      return null;
    }
  }

  /** One parsed command line. */
  private record Request(Sub sub, String id, Integer offset, Integer limit, boolean json, boolean discard) {
  }

  private QueueCommand() {
  }

  /** The usage of every subcommand. */
  static String usage() {
    StringBuilder text = new StringBuilder("usage: java -jar mta.jar queue SUBCOMMAND [OPTIONS] [CONNECTION]\n\n");
    for (Sub s : Sub.values()) {
      text.append(String.format("  %-45s %s%n", s.synopsis, String.join("\n" + " ".repeat(48), s.description)));
    }
    return text.append('\n').append(CONNECTION_USAGE).append("\n\n").append(Cli.EXIT_STATUS).toString();
  }

  /** The usage of one subcommand. */
  private static String usage(Sub sub) {
    return "usage: java -jar mta.jar " + sub.synopsis + " [CONNECTION]\n\n  " + String.join("\n  ", sub.description) + "\n\n"
        + CONNECTION_USAGE + "\n\n" + Cli.EXIT_STATUS;
  }

  /** Runs {@code queue ARGS}; returns the exit status. */
  static int run(List<String> args, Console console, ManagementEndpoint.ConfigSource configs) {
    if (args.isEmpty()) {
      return Cli.badUsage(console, "queue needs a subcommand: list, show, retry, flush or delete", usage());
    }
    if (CliArgs.wantsHelp(args.subList(0, 1))) {
      return Cli.help(console, usage());
    }
    Sub sub = Sub.of(args.get(0));
    if (sub == null) {
      return Cli.badUsage(console, "unknown queue subcommand: " + args.get(0), usage());
    }
    List<String> rest = args.subList(1, args.size());
    if (CliArgs.wantsHelp(rest)) {
      return Cli.help(console, usage(sub));
    }
    try {
      CliArgs parsed = CliArgs.parse(rest, sub.valueOptions, sub.flags, sub.takesId ? 1 : 0);
      if (sub.takesId && parsed.positional().isEmpty()) {
        throw new UsageException("queue " + sub.word + " needs a message id");
      }
      Request request = new Request(sub, sub.takesId ? parsed.positional().get(0) : null,
          parsed.value("--offset") == null ? null : parsed.nonNegative("--offset", 0),
          parsed.value("--limit") == null ? null : parsed.nonNegative("--limit", 0),
          parsed.flag("--json"), parsed.flag("--discard"));
      ManagementEndpoint endpoint = ManagementEndpoint.resolve(parsed, console, configs);
      return execute(request, new ManagementClient(endpoint.url(), endpoint.token()), console);
    } catch (UsageException e) {
      return Cli.badUsage(console, e.getMessage(), usage(sub));
    } catch (ConfigException e) {
      console.err().println("vmta: " + e.getMessage());
      return Cli.BAD_USAGE;
    } catch (ManagementClient.Failure e) {
      console.err().println("vmta: " + e.getMessage());
      return Cli.FAILED;
    }
  }

  private static int execute(Request r, ManagementClient client, Console console) {
    String path = r.id() == null ? null : "/queue/" + encode(r.id());
    ManagementClient.Response response = switch (r.sub()) {
      case LIST -> client.send("GET", "/queue" + listQuery(r));
      case SHOW -> client.send("GET", path);
      case RETRY -> client.send("POST", path + "/retry");
      case FLUSH -> client.send("POST", "/queue/flush");
      case DELETE -> client.send("DELETE", path + "?discard=" + r.discard());
    };
    JsonObject body = answer(response, r.id(), client);
    if (r.json()) {
      console.out().println(response.body());
    } else {
      console.out().print(switch (r.sub()) {
        case LIST -> QueueFormat.list(body, r.offset() == null ? 0 : r.offset());
        case SHOW -> QueueFormat.message(body);
        case RETRY -> r.id() + ": an attempt is scheduled now\n";
        case FLUSH -> "an attempt is scheduled now for " + QueueFormat.count(body.getInteger("scheduled", 0)) + "\n";
        case DELETE -> r.id() + (body.getBoolean("bounced", false)
            ? ": deleted; its pending recipients are bounced to the sender\n"
            : ": deleted without a bounce\n");
      });
    }
    console.out().flush();
    return Cli.OK;
  }

  private static String listQuery(Request r) {
    String offset = r.offset() == null ? null : "offset=" + r.offset();
    String limit = r.limit() == null ? null : "limit=" + r.limit();
    String query = offset == null ? limit : limit == null ? offset : offset + "&" + limit;
    return query == null ? "" : "?" + query;
  }

  /** The JSON of a 200 answer; any other answer becomes a {@link ManagementClient.Failure} of one line. */
  private static JsonObject answer(ManagementClient.Response response, String id, ManagementClient client) {
    JsonObject body;
    try {
      body = response.body() == null || response.body().isBlank() ? null : new JsonObject(response.body());
    } catch (DecodeException e) {
      body = null;
    }
    int status = response.status();
    if (status == 200 && body != null) {
      return body;
    }
    // The endpoint's own words, kept to one line: they end up in a terminal or a log.
    String error = body != null && body.getValue("error") instanceof String e ? e.replaceAll("\\s+", " ") : null;
    String detail = status + (error == null ? "" : ": " + error);
    throw new ManagementClient.Failure(switch (status) {
      case 200 -> "unexpected answer from " + client.base() + ": not a JSON object";
      case 401 -> client.hasToken()
          ? "the management endpoint at " + client.base() + " refused the token (401)"
          : "the management endpoint at " + client.base() + " needs a token (401): give it with"
              + " --token-file FILE or " + ManagementEndpoint.TOKEN_ENV;
      case 404 -> id != null && "no such message".equals(error) ? "no such message: " + id
          : "nothing at " + client.base() + " (404): is it a vmta management endpoint?";
      case 409 -> id + ": an attempt is under way; try again in a moment (409)";
      case 503 -> "the queue is unavailable at " + client.base() + " (" + detail + ")";
      default -> "the management endpoint at " + client.base() + " answered " + detail;
    });
  }

  /** Percent-encodes a path segment (URLEncoder's '+' for a space is for forms, not paths). */
  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
