package io.vmta.mta;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command may touch of the outside world: standard input, output and error, and the
 * environment. Tests pass their own.
 */
public record Console(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {

  /** The process's own streams and environment. */
  public static Console system() {
    return new Console(System.in, System.out, System.err, System.getenv());
  }

  /** The environment variable {@code name}, or null when it is unset or empty. */
  public String getenv(String name) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? null : value;
  }
}
