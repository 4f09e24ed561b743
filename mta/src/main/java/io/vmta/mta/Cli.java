package io.vmta.mta;

import io.vmta.smtp.server.RenegotiationGuard;
import java.util.List;

/**
 * The command line: {@code java -jar mta.jar [run|check-config|hash-password|dkim-keygen|queue] ...}, each
 * with {@code --help}. Exit status: {@value #OK} ok, {@value #FAILED} runtime failure,
 * {@value #BAD_USAGE} bad usage or configuration.
 */
public final class Cli {

  /** Exit status: done. */
  static final int OK = 0;
  /** Exit status: a failure at run time (start-up failed, endpoint unreachable, no such message). */
  static final int FAILED = 1;
  /**
   * Exit status: a bad command line or configuration, or a data directory another MTA holds;
   * running it again will not help.
   */
  static final int BAD_USAGE = 2;

  /**
   * How much longer than {@code limits.shutdownGrace} SIGTERM waits for Vert.x to close (the
   * queue's last writes, leaving the cluster) before the process exits anyway.
   */
  public static final long SHUTDOWN_SLACK_SECONDS = 10;

  /** The last paragraph of every usage text. */
  static final String EXIT_STATUS = "exit status: 0 ok, 1 runtime failure, 2 bad usage or configuration, or dataDir in use";

  static final String USAGE = String.join("\n",
      "usage: java -jar mta.jar [run] [--config FILE] [--cluster]",
      "       java -jar mta.jar check-config [--config FILE]",
      "       java -jar mta.jar hash-password",
      "       java -jar mta.jar dkim-keygen --domain DOMAIN --selector SELECTOR [--algorithm A] --out DIR",
      "       java -jar mta.jar queue list|show|retry|flush|delete ...",
      "       java -jar mta.jar [COMMAND] --help",
      "",
      "commands:",
      "  run            start the MTA (the default command); without --config, the embedded defaults",
      "  check-config   check a configuration as run would, print a summary, and exit",
      "  hash-password  read a password on standard input, print its hash for the users file",
      "  dkim-keygen    make a DKIM signing key, print its DNS TXT record",
      "  queue          list, show, retry, flush or delete queued messages, through the",
      "                 management endpoint of the running MTA",
      "",
      EXIT_STATUS);

  /** The environment variable that selects the log format: {@code json} for JSON lines. */
  static final String LOG_FORMAT_ENV = "VMTA_LOG_FORMAT";
  /** The system property that selects the log format; it wins over the environment variable. */
  static final String LOG_FORMAT_PROPERTY = "vmta.log.format";
  /** The logback configuration (a classpath resource) for JSON lines. */
  static final String JSON_LOG_CONFIG = "logback-json.xml";
  /** The logback configuration of the commands other than {@code run}: warnings only, on standard error. */
  static final String COMMAND_LOG_CONFIG = "logback-command.xml";

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

  /** Runs the command line and exits with its status, unless the MTA was started and keeps running. */
  public static void main(String[] args) {
    List<String> arguments = List.of(args);
    if (isRun(arguments)) {
      selectLogFormat(System.getenv(LOG_FORMAT_ENV));
      // Before any TLS handshake: the JDK reads this property once (see RenegotiationGuard).
      RenegotiationGuard.install();
    } else if (System.getProperty("logback.configurationFile") == null) {
      // A command's standard output is its answer (queue list --json | jq): no log lines in it.
      System.setProperty("logback.configurationFile", COMMAND_LOG_CONFIG);
    }
    int code = run(arguments, Console.system());
    if (code != OK || !isRun(arguments)) {
      System.exit(code);
    }
  }

  /** Whether the arguments start the MTA (rather than run a command or print help). */
  private static boolean isRun(List<String> args) {
    return (args.isEmpty() || args.get(0).equals("run") || args.get(0).startsWith("-")) && !CliArgs.wantsHelp(args);
  }

  /**
   * Runs a command line with {@code console}'s streams and environment and returns its exit
   * status; {@code run} returns once the MTA is up (it keeps running) or failed.
   */
  public static int run(List<String> args, Console console) {
    return run(args, console, ConfigFiles::load);
  }

  /** As {@link #run(List, Console)}, with the queue commands reading configurations through {@code configs}. */
  static int run(List<String> args, Console console, ManagementEndpoint.ConfigSource configs) {
    if (!args.isEmpty() && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
      return help(console, USAGE);
    }
    boolean implicitRun = args.isEmpty() || args.get(0).startsWith("-");
    String command = implicitRun ? "run" : args.get(0);
    List<String> rest = implicitRun ? args : args.subList(1, args.size());
    switch (command) {
      case "run":
        return RunCommand.run(rest, console);
      case "check-config":
        return CheckConfigCommand.run(rest, console);
      case "hash-password":
        if (CliArgs.wantsHelp(rest)) {
          return help(console, HashPasswordCommand.USAGE_TEXT);
        }
        if (!rest.isEmpty()) {
          return badUsage(console, "hash-password takes no arguments", HashPasswordCommand.USAGE_TEXT);
        }
        return HashPasswordCommand.run(console.in(), console.out(), console.err());
      case "dkim-keygen":
        return DkimKeygenCommand.run(rest, console);
      case "queue":
        return QueueCommand.run(rest, console, configs);
      default:
        return badUsage(console, "unknown command: " + command, USAGE);
    }
  }

  /** Prints {@code usage} to standard output: what {@code --help} does; exit status 0. */
  static int help(Console console, String usage) {
    console.out().println(usage);
    console.out().flush();
    return OK;
  }

  /** Prints the problem and {@code usage} to standard error; exit status {@value #BAD_USAGE}. */
  static int badUsage(Console console, String problem, String usage) {
    console.err().println("vmta: " + problem);
    console.err().println(usage);
    return BAD_USAGE;
  }
}
