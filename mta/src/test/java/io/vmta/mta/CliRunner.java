package io.vmta.mta;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs {@link Cli} in this JVM with its own standard streams and environment; keeps what it printed. */
final class CliRunner {

  /** What one command did. */
  record Result(int status, String out, String err) {
    /** Everything printed, for assertion messages. */
    String printed() {
      return "exit " + status + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
  }

  private CliRunner() {
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }

  static Result run(Map<String, String> env, String... args) {
    return withInput(env, "", args);
  }

  static Result withInput(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console = new Console(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
    int status = Cli.run(List.of(args), console);
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
