package io.vmta.mta;

import io.vmta.smtp.auth.PasswordHashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
      "-h                                      | java -jar mta.jar check-config [--config FILE]",
      "run --help                              | --cluster      join the cluster",
      "--config x.json --help                  | usage: java -jar mta.jar [run]",
      "run --config x.json -h                  | Starts the MTA",
      "check-config --help                     | usage: java -jar mta.jar check-config [--config FILE]",
      "check-config --config nowhere.json -h   | the one line naming the key at fault",
      "hash-password --help                    | usage: java -jar mta.jar hash-password",
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
  })
  void badUsageIsStatusTwoWithTheProblemAndTheUsageOnStandardError(String line, String expected) {
    CliRunner.Result r = run(line.strip());
    assertThat(r.status()).as(r.printed()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().findFirst().orElse("")).startsWith(expected.strip());
    assertThat(r.err()).contains("usage: java -jar mta.jar");
  }

  @Test
  void hashPasswordReadsTheConsolesStandardInput() {
    CliRunner.Result r = CliRunner.withInput(Map.of(), "pässword\n", "hash-password");
    assertThat(r.status()).as(r.printed()).isZero();
    assertThat(PasswordHashes.verify(r.out().strip(), "pässword")).isTrue();
    assertThat(CliRunner.withInput(Map.of(), "", "hash-password").status()).isEqualTo(2);
  }
}
