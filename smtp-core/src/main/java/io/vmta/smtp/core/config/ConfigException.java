package io.vmta.smtp.core.config;

/**
 * A bad configuration: the message is one line naming the key path and the problem, e.g.
 * {@code limits.maxMessageSize: must be a positive integer, got "big"}.
 */
public class ConfigException extends RuntimeException {

  private final String key;

  /** A problem with one key, given by its full path ({@code listeners[1].mode}). */
  public ConfigException(String key, String problem) {
    super(oneLine(key.isEmpty() ? problem : key + ": " + problem));
    this.key = key;
  }

  /** A problem not tied to one key, e.g. a missing file. */
  public ConfigException(String message) {
    this(message, (Throwable) null);
  }

  /** A problem not tied to one key, with its cause, e.g. a parse error. */
  public ConfigException(String message, Throwable cause) {
    super(oneLine(message), cause);
    this.key = null;
  }

  private ConfigException(String message, String key, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /** The full path of the key at fault, or null when the problem is not about one key. */
  public String key() {
    return key;
  }

  /** This error with a prefix such as the file name: {@code mta.yaml: limits.x: ...}. */
  public ConfigException prefixed(String prefix) {
    return new ConfigException(oneLine(prefix + ": " + getMessage()), key, this);
  }

  private static String oneLine(String message) {
    return message.replaceAll("[\\r\\n]+\\s*", " ").strip();
  }
}
