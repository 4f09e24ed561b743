package io.vmta.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One command of the real jar as an operator types it, {@code java -jar mta.jar ARGS}, in a child
 * process that must finish: its exit status, standard output and standard error apart.
 */
final class MtaCommand {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** What the command did. */
  record Result(int status, String out, String err) {
    /** Everything, for assertion messages. */
    String printed() {
      return "exit " + status + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
  }

  private MtaCommand() {
  }

  /** Runs {@code java -jar mta.jar args} in {@code dir} with {@code env} added to this process's environment. */
  static Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
    return run(dir, TIMEOUT, env, args);
  }

  /** As {@link #run(Path, Map, String...)}, failing when the command has not finished within {@code timeout}. */
  static Result run(Path dir, Duration timeout, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    String jar = System.getProperty("vmta.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new AssertionError("system property vmta.jar must name the fat jar (mvn verify -pl it-tests -am), got " + jar);
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "command-", ".out");
    Path err = Files.createTempFile(dir, "command-", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("VMTA_MANAGEMENT_TOKEN");
    builder.environment().putAll(env);
    Process p = builder.start();
    p.getOutputStream().close();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not finish within " + timeout + ":\n" + Files.readString(out)
          + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
