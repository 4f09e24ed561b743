package io.vmta.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The real jar refusing to start, at once and in one line: a data directory in use, a busy port. */
class StartRefusalTest {

  /**
   * Long enough for a JVM start on a loaded machine; short of the 25 s (shutdown grace + 5 s) a
   * busy port used to take, while the queue waited for servers that had never started.
   */
  private static final Duration AT_ONCE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void aSecondProcessOnTheSameDataDirExitsWith2NamingTheFirst() throws Exception {
    try (MtaProcess first = MtaProcess.start(dir)) {
      Path dataDir = first.dataDir();
      String listeners = Files.readString(dataDir.resolve("listeners.json"));

      MtaCommand.Result second = MtaCommand.run(dir, AT_ONCE, Map.of(), "--config", first.config().toString());

      assertThat(second.status()).as(second.printed()).isEqualTo(2);
      assertThat(problems(second)).as(second.printed()).containsExactly("vmta: data directory " + dataDir
          + " is in use by process " + first.pid() + " (" + dataDir.resolve("lock") + ")");
      assertThat(Files.readString(dataDir.resolve("listeners.json"))).as("the first's listeners.json").isEqualTo(listeners);
      try (TestSmtpClient client = first.connect()) {
        assertThat(client.command("EHLO client.example.org").code()).isEqualTo(250);
      }
    }
  }

  @Test
  void aLockLeftByAKilledProcessDoesNotBlockTheNextStart() throws Exception {
    try (MtaProcess mta = MtaProcess.start(dir)) {
      Path lock = mta.dataDir().resolve("lock");
      assertThat(Files.readString(lock).trim()).isEqualTo(Long.toString(mta.pid()));
      mta.kill();
      assertThat(lock).as("left behind by SIGKILL").exists();

      mta.restart();

      assertThat(Files.readString(lock).trim()).isEqualTo(Long.toString(mta.pid()));
      try (TestSmtpClient client = mta.connect()) {
        assertThat(client.command("EHLO client.example.org").code()).isEqualTo(250);
      }
    }
  }

  @Test
  void aBusyPortEndsTheStartAtOnceWithTheListenerNamed() throws Exception {
    try (ServerSocket held = new ServerSocket()) {
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = held.getLocalPort();
      Path config = dir.resolve("mta.json");
      Files.writeString(config, new JsonObject()
          .put("hostname", MtaProcess.HOSTNAME)
          .put("dataDir", dir.resolve("data").toString())
          .put("listeners", new JsonArray()
              .add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "submission"))
              .add(new JsonObject().put("host", "127.0.0.1").put("port", port).put("mode", "mx")))
          .put("domains", new JsonArray().add("example.test"))
          .put("management", new JsonObject().put("host", "127.0.0.1").put("port", 0))
          .put("relay", new JsonObject().put("dnsServers", new JsonArray().add("127.0.0.1:9")))
          .encodePrettily());

      MtaCommand.Result run = MtaCommand.run(dir, AT_ONCE, Map.of(), "--config", config.toString());

      assertThat(run.status()).as(run.printed()).isEqualTo(1);
      assertThat(problems(run)).as(run.printed())
          .containsExactly("vmta: cannot listen on 127.0.0.1:" + port + " (mx): address already in use");
      assertThat(Files.readString(dir.resolve("data").resolve("lock"))).as("released at exit").isEmpty();
    }
  }

  /** The lines of standard error that are the jar's own (not the JVM's). */
  private static List<String> problems(MtaCommand.Result result) {
    return result.err().lines().filter(l -> l.startsWith("vmta: ")).toList();
  }
}
