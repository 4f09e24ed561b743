package io.vmta.mta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one command: options that take a value ({@code --config FILE}), flags
 * ({@code --json}) and positional words, in any order. Anything else is a {@link UsageException}.
 */
final class CliArgs {

  private final Map<String, String> values = new HashMap<>();
  private final Set<String> flagsGiven = new HashSet<>();
  private final List<String> positional = new ArrayList<>();

  private CliArgs() {
  }

  /** Whether {@code args} asks for help ({@code --help} or {@code -h} anywhere). */
  static boolean wantsHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  /**
   * Parses {@code args}: {@code withValue} options take the next word (also {@code --opt=value}),
   * {@code flags} take none; at most {@code maxPositional} other words, none starting with "-".
   */
  static CliArgs parse(List<String> args, Set<String> withValue, Set<String> flags, int maxPositional) {
    CliArgs parsed = new CliArgs();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      if (withValue.contains(name)) {
        String value;
        if (eq > 0 && arg.startsWith("--")) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw new UsageException(name + " needs a value");
        }
        if (parsed.values.put(name, value) != null) {
          throw new UsageException(name + " given twice");
        }
      } else if (flags.contains(arg)) {
        parsed.flagsGiven.add(arg);
      } else if (arg.startsWith("-") && !arg.equals("-")) {
        throw new UsageException("unknown option: " + arg);
      } else if (parsed.positional.size() < maxPositional) {
        parsed.positional.add(arg);
      } else {
        throw new UsageException("unexpected argument: " + arg);
      }
    }
    return parsed;
  }

  /** The value of option {@code name}, or null when it was not given. */
  String value(String name) {
    return values.get(name);
  }

  /** Whether flag {@code name} was given. */
  boolean flag(String name) {
    return flagsGiven.contains(name);
  }

  /** The positional words, in order. */
  List<String> positional() {
    return List.copyOf(positional);
  }

  /** The value of {@code name} as a non-negative integer, or {@code defaultValue} when absent. */
  int nonNegative(String name, int defaultValue) {
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageException(name + " must be a non-negative integer, got \"" + v + "\"");
  }

  /** A bad command line: the message says what is wrong, the caller prints the usage. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }
}
