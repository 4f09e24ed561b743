package io.vmta.it.docs;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The switch documented in {@code docs/deployment.md}: the fat jar started with
 * {@code -Dvmta.log.format=json} or {@code VMTA_LOG_FORMAT=json} writes one JSON object per line.
 */
class JsonLogFormatTest {

  private static final String STARTED = "vmta mx.example.test started:";

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void systemPropertySelectsJsonLines() throws Exception {
    assertJsonUntilStarted(List.of("-Dvmta.log.format=json"), Map.of());
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void environmentVariableSelectsJsonLines() throws Exception {
    assertJsonUntilStarted(List.of(), Map.of("VMTA_LOG_FORMAT", "json"));
  }

  /** Every output line up to the start-up line is a JSON log event; the start-up line says "started". */
  private void assertJsonUntilStarted(List<String> jvmOptions, Map<String, String> env)
      throws IOException, InterruptedException {
    Process process = start(jvmOptions, env);
    List<JsonObject> events = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        JsonObject event;
        try {
          event = new JsonObject(line);
        } catch (DecodeException e) {
          throw new AssertionError("not a JSON object after " + events.size() + " JSON line(s): " + line, e);
        }
        events.add(event);
        if (event.getString("formattedMessage", "").startsWith(STARTED)) {
          break;
        }
      }
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    assertThat(events).as("JSON lines up to the start-up line").isNotEmpty();
    JsonObject started = events.get(events.size() - 1);
    assertThat(started.getString("formattedMessage")).as("the last line read is the start-up line").startsWith(STARTED);
    assertThat(started.getString("message")).contains("started");
    assertThat(started.getString("level")).isEqualTo("INFO");
    assertThat(started.getString("loggerName")).isEqualTo("io.vmta.mta.MtaVerticle");
    assertThat(started.getLong("timestamp")).isPositive();
    for (JsonObject event : events) {
      assertThat(event.fieldNames()).contains("timestamp", "level", "loggerName", "message", "formattedMessage");
    }
  }

  private Process start(List<String> jvmOptions, Map<String, String> env) throws IOException {
    String jar = System.getProperty("vmta.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new AssertionError("system property vmta.jar must name the fat jar (run through Maven: "
          + "mvn verify -pl it-tests -am), got " + jar);
    }
    Path config = dir.resolve("mta.json");
    Files.writeString(config, new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dir.resolve("data").toString())
        .put("listeners", new JsonArray()
            .add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "mx")))
        .put("domains", new JsonArray().add("example.test"))
        .put("relay", new JsonObject().put("dnsServers", new JsonArray().add("127.0.0.1:9")))
        .put("management", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .encodePrettily());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar, "--config", config.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("VMTA_LOG_FORMAT");
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }
}
