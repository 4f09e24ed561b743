package io.vmta.mta;

import io.vmta.mta.CliArgs.UsageException;
import io.vmta.mta.config.ClusterOptions;
import io.vmta.mta.config.ClusterRole;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.mta.config.ManagementOptions;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.server.ListenerOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code check-config [--config FILE]}: reads and checks a configuration as {@code run} does
 * before it starts anything ({@link ConfigFiles#check}), prints {@code configuration OK: FILE}
 * and a summary, and exits; a bad one is the same one line as at start-up, and exit status 2.
 */
final class CheckConfigCommand {

  /** The usage of this command. */
  static final String USAGE = String.join("\n",
      "usage: java -jar mta.jar check-config [--config FILE]",
      "",
      "  Reads and checks the configuration as run does before it starts: every key, the users",
      "  file, the TLS certificate and key, the management token rule. Prints \"configuration OK\"",
      "  and a summary, or the one line naming the key at fault. Without --config: the embedded",
      "  defaults (and users.txt in the working directory, if there is one).",
      "",
      Cli.EXIT_STATUS);

  private CheckConfigCommand() {
  }

  /** Runs {@code check-config ARGS}; returns the exit status. */
  static int run(List<String> args, Console console) {
    if (CliArgs.wantsHelp(args)) {
      return Cli.help(console, USAGE);
    }
    Path file;
    try {
      String config = CliArgs.parse(args, Set.of("--config"), Set.of(), 0).value("--config");
      file = config == null ? null : Path.of(config);
    } catch (UsageException e) {
      return Cli.badUsage(console, e.getMessage(), USAGE);
    }
    ConfigFiles.Checked checked;
    try {
      checked = ConfigFiles.check(file);
    } catch (ConfigException e) {
      console.err().println("vmta: " + e.getMessage());
      return Cli.BAD_USAGE;
    } catch (RuntimeException e) {
      console.err().println("vmta: cannot check the configuration: " + e.getMessage());
      return Cli.FAILED;
    }
    console.out().println("configuration OK: " + (file == null ? "(embedded defaults)" : file));
    checked.options().getWarnings().forEach(w -> console.out().println("warning: " + w));
    console.out().print(summary(checked));
    console.out().flush();
    return Cli.OK;
  }

  /** What the configuration says, in a few indented lines; never a secret. */
  static String summary(ConfigFiles.Checked checked) {
    MtaOptions o = checked.options();
    ClusterOptions cluster = o.getCluster();
    ManagementOptions management = o.getManagement();
    StringBuilder text = new StringBuilder();
    line(text, "hostname", o.getHostname());
    line(text, "dataDir", absolute(o.getDataDir()));
    line(text, "listeners", cluster.getRoles().contains(ClusterRole.SERVER)
        ? o.getServer().getListeners().stream().map(CheckConfigCommand::listener).collect(Collectors.joining(", "))
        : "none (no server role)");
    line(text, "domains", String.join(", ", o.getDomains()));
    String users = absolute(o.getUsers());
    line(text, "users", java.nio.file.Files.exists(Path.of(users))
        ? checked.users().size() + " in " + users : "none (no file " + users + ")");
    line(text, "tls", o.getServer().getCertPath() != null
        ? o.getServer().getCertPath() + ", " + o.getServer().getKeyPath()
        : "self-signed, generated into " + absolute(o.getDataDir()) + "/tls on the first start");
    line(text, "roles", Stream.of(ClusterRole.values()).filter(cluster.getRoles()::contains)
        .map(ClusterRole::jsonName).collect(Collectors.joining(", "))
        + (cluster.isEnabled() ? "; clustered on " + cluster.getHost() + ":" + cluster.getPort() : "; not clustered"));
    line(text, "management", management.getHost() + ":" + management.getPort()
        + (management.getToken() == null ? "" : " (token set)"));
    return text.toString();
  }

  private static String listener(ListenerOptions l) {
    String host = l.getHost();
    return l.getMode().jsonName() + " " + (host.contains(":") ? "[" + host + "]" : host) + ":" + l.getPort();
  }

  /** As the MTA will resolve it: against the working directory. */
  private static String absolute(String path) {
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  private static void line(StringBuilder text, String key, String value) {
    text.append(String.format("  %-11s %s%n", key, value));
  }
}
