package io.vmta.it;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real SMTP clients run as child processes; a missing tool skips the test rather than failing it. */
final class Commands {

  /** Exit code and merged output of a finished command. */
  record Result(int exitCode, String output) {
  }

  private Commands() {
  }

  /** Skips the calling test unless {@code program} (a name on PATH or an absolute path) is installed. */
  static String require(String program) {
    Path found = null;
    if (program.startsWith("/")) {
      found = Path.of(program);
    } else {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
          found = Path.of(dir, program);
          break;
        }
      }
    }
    Assumptions.assumeTrue(found != null && Files.isExecutable(found), program + " is not installed");
    return found.toString();
  }

  /** Runs {@code command} with its output in a file under {@code dir}; fails if it runs past {@code timeout}. */
  static Result run(Path dir, Duration timeout, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "command-", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not finish within " + timeout + ":\n"
          + new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
    }
    return new Result(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
  }
}
