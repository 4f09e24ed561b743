package io.vmta.smtp.server;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.Checks;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.Durations;
import io.vmta.smtp.core.config.JsonOptions;
import java.time.Duration;

/**
 * The {@code limits} object of {@link SmtpServerOptions} (DESIGN.md "Bounded everything"): sizes,
 * counts and timeouts, each declared, read, checked and written here once.
 */
abstract class ServerLimits<T extends ServerLimits<T>> extends JsonOptions {

  /** Default largest message in octets: 25 MiB. */
  public static final long DEFAULT_MAX_MESSAGE_SIZE = 26_214_400L;
  /** Default most recipients per message. */
  public static final int DEFAULT_MAX_RECIPIENTS = 1000;
  /** Default most simultaneous connections from one IP address. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 50;
  /** Default most simultaneous connections in all. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  /** Default time a session may send nothing (RFC 5321 4.5.3.2.7: at least 5 minutes). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /** Default wait for the queue's answer to an accepted message before 451. */
  public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofMinutes(5);
  /** Default time one message transfer (DATA or the BDAT chunks) may take. */
  public static final Duration DEFAULT_DATA_TIMEOUT = Duration.ofMinutes(10);
  /** Default absolute lifetime of one connection, after which 421 and close. */
  public static final Duration DEFAULT_MAX_CONNECTION_TIME = Duration.ofHours(1);
  /** Default commands without progress since the last accepted message before 421 and close. */
  public static final int DEFAULT_MAX_JUNK_COMMANDS = 100;
  /** Default errors before the server closes a session. */
  public static final int DEFAULT_MAX_ERRORS = 10;
  /** Default longest text line in octets with CRLF (RFC 5321 4.5.3.1.6). */
  public static final int DEFAULT_MAX_LINE_LENGTH = 1000;
  /** Default longest command line in octets with CRLF (RFC 5321 4.5.3.1.4). */
  public static final int DEFAULT_MAX_COMMAND_LINE = 512;
  /** Default time a stopping server lets sessions finish the message they are sending. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
  /** Default AUTH failures of one IP (in {@code authWindow}) after which each attempt is delayed. */
  public static final int DEFAULT_AUTH_SLOW_AFTER = 5;
  /** Default AUTH failures of one IP (in {@code authWindow}) after which AUTH is refused (454). */
  public static final int DEFAULT_AUTH_REFUSE_AFTER = 20;
  /** Default time over which the AUTH failures of one IP are counted. */
  public static final Duration DEFAULT_AUTH_WINDOW = Duration.ofMinutes(10);

  private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  private int maxRecipients = DEFAULT_MAX_RECIPIENTS;
  private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  private Duration queueTimeout = DEFAULT_QUEUE_TIMEOUT;
  private Duration dataTimeout = DEFAULT_DATA_TIMEOUT;
  private Duration maxConnectionTime = DEFAULT_MAX_CONNECTION_TIME;
  private int maxJunkCommands = DEFAULT_MAX_JUNK_COMMANDS;
  private int maxErrors = DEFAULT_MAX_ERRORS;
  private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
  private int maxCommandLine = DEFAULT_MAX_COMMAND_LINE;
  private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
  private int authSlowAfter = DEFAULT_AUTH_SLOW_AFTER;
  private int authRefuseAfter = DEFAULT_AUTH_REFUSE_AFTER;
  private Duration authWindow = DEFAULT_AUTH_WINDOW;

  ServerLimits() {
  }

  /** Reads the {@code limits} object; {@code commandTimeout} is the old name of {@code queueTimeout}. */
  ServerLimits(ConfigReader r) {
    maxMessageSize = r.positiveLong("maxMessageSize", DEFAULT_MAX_MESSAGE_SIZE);
    maxRecipients = r.positiveInt("maxRecipients", DEFAULT_MAX_RECIPIENTS);
    maxConnectionsPerIp = r.positiveInt("maxConnectionsPerIp", DEFAULT_MAX_CONNECTIONS_PER_IP);
    maxConnections = r.positiveInt("maxConnections", DEFAULT_MAX_CONNECTIONS);
    idleTimeout = r.duration("idleTimeout", DEFAULT_IDLE_TIMEOUT);
    queueTimeout = r.duration(r.renamed("commandTimeout", "queueTimeout"), DEFAULT_QUEUE_TIMEOUT);
    dataTimeout = r.duration("dataTimeout", DEFAULT_DATA_TIMEOUT);
    maxConnectionTime = r.duration("maxConnectionTime", DEFAULT_MAX_CONNECTION_TIME);
    maxJunkCommands = r.positiveInt("maxJunkCommands", DEFAULT_MAX_JUNK_COMMANDS);
    maxErrors = r.positiveInt("maxErrors", DEFAULT_MAX_ERRORS);
    maxLineLength = r.positiveInt("maxLineLength", DEFAULT_MAX_LINE_LENGTH);
    maxCommandLine = r.positiveInt("maxCommandLine", DEFAULT_MAX_COMMAND_LINE);
    shutdownGrace = r.duration("shutdownGrace", DEFAULT_SHUTDOWN_GRACE);
    authWindow = r.duration("authWindow", DEFAULT_AUTH_WINDOW);
    int slow = r.positiveInt("authSlowAfter", DEFAULT_AUTH_SLOW_AFTER);
    int refuse = r.positiveInt("authRefuseAfter", DEFAULT_AUTH_REFUSE_AFTER);
    thresholds(slow, refuse, r.key(""));
  }

  /** The {@code limits} object, durations as strings like "5m". */
  JsonObject limitsJson() {
    return new JsonObject()
        .put("maxMessageSize", maxMessageSize)
        .put("maxRecipients", maxRecipients)
        .put("maxConnectionsPerIp", maxConnectionsPerIp)
        .put("maxConnections", maxConnections)
        .put("idleTimeout", Durations.format(idleTimeout))
        .put("queueTimeout", Durations.format(queueTimeout))
        .put("dataTimeout", Durations.format(dataTimeout))
        .put("maxConnectionTime", Durations.format(maxConnectionTime))
        .put("maxJunkCommands", maxJunkCommands)
        .put("maxErrors", maxErrors)
        .put("maxLineLength", maxLineLength)
        .put("maxCommandLine", maxCommandLine)
        .put("shutdownGrace", Durations.format(shutdownGrace))
        .put("authSlowAfter", authSlowAfter)
        .put("authRefuseAfter", authRefuseAfter)
        .put("authWindow", Durations.format(authWindow));
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  /** The largest message accepted, in octets (advertised with SIZE; more is 552). */
  public long getMaxMessageSize() { return maxMessageSize; }
  /** Sets the largest message accepted, in octets. */
  public T setMaxMessageSize(long v) { maxMessageSize = Checks.positive("limits.maxMessageSize", v); return self(); }
  /** The most recipients per message; more get 452. */
  public int getMaxRecipients() { return maxRecipients; }
  /** Sets the most recipients per message. */
  public T setMaxRecipients(int v) { maxRecipients = positive("limits.maxRecipients", v); return self(); }
  /** The most simultaneous connections from one IP address. */
  public int getMaxConnectionsPerIp() { return maxConnectionsPerIp; }
  /** Sets the most simultaneous connections from one IP address. */
  public T setMaxConnectionsPerIp(int v) { maxConnectionsPerIp = positive("limits.maxConnectionsPerIp", v); return self(); }
  /** The most simultaneous connections in all. */
  public int getMaxConnections() { return maxConnections; }
  /** Sets the most simultaneous connections in all. */
  public T setMaxConnections(int v) { maxConnections = positive("limits.maxConnections", v); return self(); }
  /** How long a session may send nothing before 421 and close. */
  public Duration getIdleTimeout() { return idleTimeout; }
  /** Sets how long a session may send nothing (millisecond precision). */
  public T setIdleTimeout(Duration v) { idleTimeout = Checks.positive("limits.idleTimeout", v); return self(); }
  /** How long to wait for the queue to store an accepted message before answering 451. */
  public Duration getQueueTimeout() { return queueTimeout; }
  /** Sets how long to wait for the queue's answer (millisecond precision). */
  public T setQueueTimeout(Duration v) { queueTimeout = Checks.positive("limits.queueTimeout", v); return self(); }
  /** How long one message transfer (DATA, or BDAT up to LAST) may take. */
  public Duration getDataTimeout() { return dataTimeout; }
  /** Sets how long one message transfer may take (millisecond precision). */
  public T setDataTimeout(Duration v) { dataTimeout = Checks.positive("limits.dataTimeout", v); return self(); }
  /** The absolute lifetime of one connection, after which the server says 421 and closes it. */
  public Duration getMaxConnectionTime() { return maxConnectionTime; }
  /** Sets the absolute lifetime of one connection (millisecond precision). */
  public T setMaxConnectionTime(Duration v) { maxConnectionTime = Checks.positive("limits.maxConnectionTime", v); return self(); }
  /**
   * Commands that make no progress (NOOP, RSET, VRFY, EXPN, HELP, an empty non-LAST BDAT) accepted
   * since the session's last accepted message, after which 421 and close (Postfix's
   * {@code smtpd_junk_command_limit}).
   */
  public int getMaxJunkCommands() { return maxJunkCommands; }
  /** Sets {@link #getMaxJunkCommands()}. */
  public T setMaxJunkCommands(int v) { maxJunkCommands = positive("limits.maxJunkCommands", v); return self(); }
  /** Errors before the server closes a session. */
  public int getMaxErrors() { return maxErrors; }
  /** Sets the errors before the server closes a session. */
  public T setMaxErrors(int v) { maxErrors = positive("limits.maxErrors", v); return self(); }
  /** The longest text line in octets, CRLF included. */
  public int getMaxLineLength() { return maxLineLength; }
  /** Sets the longest text line in octets, CRLF included. */
  public T setMaxLineLength(int v) { maxLineLength = positive("limits.maxLineLength", v); return self(); }
  /** The longest command line in octets, CRLF included. */
  public int getMaxCommandLine() { return maxCommandLine; }
  /** Sets the longest command line in octets, CRLF included. */
  public T setMaxCommandLine(int v) { maxCommandLine = positive("limits.maxCommandLine", v); return self(); }
  /** How long a stopping server lets sessions finish the message they are sending (then 421). */
  public Duration getShutdownGrace() { return shutdownGrace; }
  /** Sets the shutdown grace (millisecond precision). */
  public T setShutdownGrace(Duration v) { shutdownGrace = Checks.positive("limits.shutdownGrace", v); return self(); }
  /** AUTH failures of one IP within {@link #getAuthWindow()} after which each attempt is delayed. */
  public int getAuthSlowAfter() { return authSlowAfter; }
  /** AUTH failures of one IP within {@link #getAuthWindow()} after which AUTH is refused (454 4.7.0). */
  public int getAuthRefuseAfter() { return authRefuseAfter; }
  /** Sets both AUTH failure thresholds; {@code refuseAfter} must be at least {@code slowAfter}. */
  public T setAuthThresholds(int slowAfter, int refuseAfter) { thresholds(slowAfter, refuseAfter, "limits."); return self(); }
  /** The time over which the AUTH failures of one IP are counted. */
  public Duration getAuthWindow() { return authWindow; }
  /** Sets the time over which AUTH failures are counted (millisecond precision). */
  public T setAuthWindow(Duration v) { authWindow = Checks.positive("limits.authWindow", v); return self(); }

  private void thresholds(int slow, int refuse, String prefix) {
    positive(prefix + "authSlowAfter", slow);
    positive(prefix + "authRefuseAfter", refuse);
    if (refuse < slow) {
      throw new ConfigException(prefix + "authRefuseAfter", "must be at least " + prefix
          + "authSlowAfter (" + slow + "), got " + refuse);
    }
    authSlowAfter = slow;
    authRefuseAfter = refuse;
  }

  private static int positive(String key, int v) {
    return (int) Checks.positive(key, v);
  }
}
