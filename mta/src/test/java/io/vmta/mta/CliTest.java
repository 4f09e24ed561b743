package io.vmta.mta;

import io.vmta.smtp.auth.PasswordHashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's parsing, help texts and exit statuses, without starting anything. */
class CliTest {

  private static CliRunner.Result run(String line) {
    return CliRunner.run(line.isEmpty() ? new String[0] : line.split(" "));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--help                                  | usage: java -jar mta.jar [run] [--config FILE] [--cluster]",
      "-h                                      | java -jar mta.jar queue list|show|retry|flush|delete",
      "run --help                              | --cluster      join the cluster",
      "--config x.json --help                  | usage: java -jar mta.jar [run]",
      "run --config x.json -h                  | Starts the MTA",
      "check-config --help                     | usage: java -jar mta.jar check-config [--config FILE]",
      "check-config --config nowhere.json -h   | the one line naming the key at fault",
      "hash-password --help                    | usage: java -jar mta.jar hash-password",
      "queue --help                            | queue delete ID [--discard] [--json]",
      "queue -h                                | --token-file FILE",
      "queue list --help                       | usage: java -jar mta.jar queue list [--offset N] [--limit N] [--json] [CONNECTION]",
      "queue show --help                       | usage: java -jar mta.jar queue show ID [--json] [CONNECTION]",
      "queue show SOMEID -h                    | usage: java -jar mta.jar queue show ID",
      "queue retry --help                      | usage: java -jar mta.jar queue retry ID [--json] [CONNECTION]",
      "queue flush --help                      | usage: java -jar mta.jar queue flush [--json] [CONNECTION]",
      "queue delete --help                     | --discard: remove it without a bounce",
      "queue list --limit nonsense --help      | usage: java -jar mta.jar queue list",
  })
  void helpGoesToStandardOutputWithStatusZero(String line, String expected) {
    CliRunner.Result r = run(line.strip());
    assertThat(r.status()).as(r.printed()).isZero();
    assertThat(r.out()).startsWith("usage: java -jar mta.jar").contains(expected.strip())
        .contains("exit status: 0 ok, 1 runtime failure, 2 bad usage or configuration");
    assertThat(r.err()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "bogus                                   | vmta: unknown command: bogus",
      "run --bogus                             | vmta: unknown option: --bogus",
      "run extra                               | vmta: unexpected argument: extra",
      "--config                                | vmta: --config needs a value",
      "run --config a.json --config b.json     | vmta: --config given twice",
      "check-config --cluster                  | vmta: unknown option: --cluster",
      "check-config file.json                  | vmta: unexpected argument: file.json",
      "hash-password secret                    | vmta: hash-password takes no arguments",
      "queue                                   | vmta: queue needs a subcommand: list, show, retry, flush or delete",
      "queue bogus                             | vmta: unknown queue subcommand: bogus",
      "queue show                              | vmta: queue show needs a message id",
      "queue retry                             | vmta: queue retry needs a message id",
      "queue delete --discard                  | vmta: queue delete needs a message id",
      "queue show A B                          | vmta: unexpected argument: B",
      "queue flush ID                          | vmta: unexpected argument: ID",
      "queue list --limit many                 | vmta: --limit must be a non-negative integer, got \"many\"",
      "queue list --offset -1                  | vmta: --offset must be a non-negative integer, got \"-1\"",
      "queue list --discard                    | vmta: unknown option: --discard",
      "queue list --url                        | vmta: --url needs a value",
      "queue list --url ftp://host:21          | vmta: --url must look like http://host:port",
      "queue list --url http://h:1/x?y=1       | vmta: --url must look like http://host:port",
      "queue list --token secret               | vmta: unknown option: --token",
      "queue list --token-file /nonexistent/t  | vmta: --token-file: cannot read /nonexistent/t",
  })
  void badUsageIsStatusTwoWithTheProblemAndTheUsageOnStandardError(String line, String expected) {
    CliRunner.Result r = run(line.strip());
    assertThat(r.status()).as(r.printed()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().findFirst().orElse("")).startsWith(expected.strip());
    assertThat(r.err()).contains("usage: java -jar mta.jar");
  }

  @Test
  void theTokenNeverAppearsInTheUsageError() {
    CliRunner.Result r = run("queue list --token s3cr3t-value");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("unknown option: --token").doesNotContain("s3cr3t-value");
  }

  @Test
  void hashPasswordReadsTheConsolesStandardInput() {
    CliRunner.Result r = CliRunner.withInput(Map.of(), "pässword\n", "hash-password");
    assertThat(r.status()).as(r.printed()).isZero();
    assertThat(PasswordHashes.verify(r.out().strip(), "pässword")).isTrue();
    assertThat(CliRunner.withInput(Map.of(), "", "hash-password").status()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "::", "[::]", "127.0.0.1", "::1", "mgmt.example", "192.0.2.7"})
  void aWildcardManagementHostIsReachedOnLoopback(String host) {
    String expected = switch (host) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "[::]" -> "[::1]";
      case "::1" -> "[::1]";
      default -> host;
    };
    assertThat(ManagementEndpoint.connectable(host)).isEqualTo(expected);
  }
}
