package io.vmta.it;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up of the real process as users run it. */
class StartupTest {

  @TempDir
  Path dir;

  @Test
  void startsOnPortZeroWithOneServerPerCore() throws Exception {
    // Two processors at least, whatever the machine has: one server instance per processor.
    try (MtaProcess mta = MtaProcess.start(dir, new JsonObject(), List.of("-XX:ActiveProcessorCount=2"))) {
      try (TestSmtpClient client = mta.connect()) {
        assertThat(client.command("EHLO client.example.org").code()).isEqualTo(250);
      }
    }
  }

  @Test
  void theFirstStartTlsAfterStartUpCompletes() throws Exception {
    // swaks sends its ClientHello the moment it reads the 220; a Java client is too slow to lose it.
    String swaks = Commands.require("swaks");
    try (MtaProcess mta = MtaProcess.start(dir)) {
      Commands.Result result = Commands.run(dir, Duration.ofSeconds(60), List.of(swaks,
          "--server", "127.0.0.1:" + mta.port(), "--helo", "client.example.org", "-tls",
          "--quit-after", "tls", "--timeout", "30"));
      assertThat(result.exitCode()).as(result.output() + "\nserver:\n" + mta.log()).isZero();
      assertThat(result.output()).contains("=== TLS started with cipher");
    }
  }

  @Test
  void aKeyUnderItsOldNameStartsTheJarWithAWarning() throws Exception {
    JsonObject limits = new JsonObject().put("limits", new JsonObject().put("commandTimeout", "2m"));
    try (MtaProcess mta = MtaProcess.start(dir, limits, MtaProcess.DEFAULT_JVM_OPTIONS)) {
      assertThat(mta.awaitLog(Duration.ofSeconds(5), "WARN", "limits.commandTimeout", "limits.queueTimeout"))
          .as("the start-up warning names the old key and the new one").isNotNull();
      try (TestSmtpClient client = mta.connect()) {
        assertThat(client.command("EHLO client.example.org").code()).isEqualTo(250);
      }
    }
  }

  @Test
  void sigtermStopsTheProcessAndARestartBindsAgain() throws Exception {
    try (MtaProcess mta = MtaProcess.start(dir)) {
      int first = mta.port();
      mta.stop();
      mta.restart();
      assertThat(mta.port()).isPositive();
      try (TestSmtpClient client = mta.connect()) {
        assertThat(client.command("EHLO client.example.org").lines()).first().asString()
            .isEqualTo("250-" + MtaProcess.HOSTNAME);
      }
      assertThat(first).isPositive();
    }
  }
}
