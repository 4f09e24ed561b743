package io.vmta.mta.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** Limits of the SMTP server: sizes, counts and timeouts (DESIGN.md "Bounded everything"). */
public class LimitsOptions extends JsonOptions {

  /** Default largest message in octets: 25 MiB. */
  public static final long DEFAULT_MAX_MESSAGE_SIZE = 26_214_400L;
  /** Default most recipients per message. */
  public static final int DEFAULT_MAX_RECIPIENTS = 1000;
  /** Default most simultaneous connections from one IP address. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 50;
  /** Default most simultaneous connections in all. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  /** Default time a session may stay silent between commands. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /** Default time to wait for the rest of a command line. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(5);
  /** Default time the DATA phase may take. */
  public static final Duration DEFAULT_DATA_TIMEOUT = Duration.ofMinutes(10);
  /** Default errors before the server closes a session. */
  public static final int DEFAULT_MAX_ERRORS = 10;
  /** Default longest text line in octets with CRLF (RFC 5321 4.5.3.1.6). */
  public static final int DEFAULT_MAX_LINE_LENGTH = 1000;
  /** Default longest command line in octets with CRLF (RFC 5321 4.5.3.1.4, 512). */
  public static final int DEFAULT_MAX_COMMAND_LINE = 512;
  /** Default time a stopping server lets sessions finish the message they are sending. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
  /** Default AUTH failures from one IP (in {@code authWindow}) after which each attempt is delayed. */
  public static final int DEFAULT_AUTH_SLOW_AFTER = 5;
  /** Default AUTH failures from one IP (in {@code authWindow}) after which AUTH is refused (454). */
  public static final int DEFAULT_AUTH_REFUSE_AFTER = 20;
  /** Default time over which AUTH failures of one IP are counted. */
  public static final Duration DEFAULT_AUTH_WINDOW = Duration.ofMinutes(10);

  private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  private int maxRecipients = DEFAULT_MAX_RECIPIENTS;
  private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
  private Duration dataTimeout = DEFAULT_DATA_TIMEOUT;
  private int maxErrors = DEFAULT_MAX_ERRORS;
  private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
  private int maxCommandLine = DEFAULT_MAX_COMMAND_LINE;
  private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
  private int authSlowAfter = DEFAULT_AUTH_SLOW_AFTER;
  private int authRefuseAfter = DEFAULT_AUTH_REFUSE_AFTER;
  private Duration authWindow = DEFAULT_AUTH_WINDOW;

  /** The defaults. */
  public LimitsOptions() {
  }

  /** A copy. */
  public LimitsOptions(LimitsOptions other) {
    this(other.toJson());
  }

  /** Reads and validates JSON; errors name keys as {@code limits.maxRecipients}. */
  public LimitsOptions(JsonObject json) {
    this(json, "limits");
  }

  LimitsOptions(JsonObject json, String path) {
    ConfigReader r = new ConfigReader(json, path, "maxMessageSize", "maxRecipients",
        "maxConnectionsPerIp", "maxConnections", "idleTimeout", "commandTimeout", "dataTimeout",
        "maxErrors", "maxLineLength", "maxCommandLine", "shutdownGrace", "authSlowAfter",
        "authRefuseAfter", "authWindow");
    maxMessageSize = r.positiveLong("maxMessageSize", DEFAULT_MAX_MESSAGE_SIZE);
    maxRecipients = r.positiveInt("maxRecipients", DEFAULT_MAX_RECIPIENTS);
    maxConnectionsPerIp = r.positiveInt("maxConnectionsPerIp", DEFAULT_MAX_CONNECTIONS_PER_IP);
    maxConnections = r.positiveInt("maxConnections", DEFAULT_MAX_CONNECTIONS);
    idleTimeout = r.duration("idleTimeout", DEFAULT_IDLE_TIMEOUT);
    commandTimeout = r.duration("commandTimeout", DEFAULT_COMMAND_TIMEOUT);
    dataTimeout = r.duration("dataTimeout", DEFAULT_DATA_TIMEOUT);
    maxErrors = r.positiveInt("maxErrors", DEFAULT_MAX_ERRORS);
    maxLineLength = r.positiveInt("maxLineLength", DEFAULT_MAX_LINE_LENGTH);
    maxCommandLine = r.positiveInt("maxCommandLine", DEFAULT_MAX_COMMAND_LINE);
    shutdownGrace = r.duration("shutdownGrace", DEFAULT_SHUTDOWN_GRACE);
    authSlowAfter = r.positiveInt("authSlowAfter", DEFAULT_AUTH_SLOW_AFTER);
    authRefuseAfter = r.positiveInt("authRefuseAfter", DEFAULT_AUTH_REFUSE_AFTER);
    authWindow = r.duration("authWindow", DEFAULT_AUTH_WINDOW);
    if (authRefuseAfter < authSlowAfter) {
      throw new ConfigException(r.key("authRefuseAfter"), "must be at least " + r.key("authSlowAfter")
          + " (" + authSlowAfter + "), got " + authRefuseAfter);
    }
  }

  /** These limits as configuration JSON, durations as strings like "5m". */
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("maxMessageSize", maxMessageSize)
        .put("maxRecipients", maxRecipients)
        .put("maxConnectionsPerIp", maxConnectionsPerIp)
        .put("maxConnections", maxConnections)
        .put("idleTimeout", Durations.format(idleTimeout))
        .put("commandTimeout", Durations.format(commandTimeout))
        .put("dataTimeout", Durations.format(dataTimeout))
        .put("maxErrors", maxErrors)
        .put("maxLineLength", maxLineLength)
        .put("maxCommandLine", maxCommandLine)
        .put("shutdownGrace", Durations.format(shutdownGrace))
        .put("authSlowAfter", authSlowAfter)
        .put("authRefuseAfter", authRefuseAfter)
        .put("authWindow", Durations.format(authWindow));
  }

  /** The largest message accepted, in octets (advertised with SIZE). */
  public long getMaxMessageSize() {
    return maxMessageSize;
  }

  /** Sets the largest message accepted, in octets. */
  public LimitsOptions setMaxMessageSize(long maxMessageSize) {
    this.maxMessageSize = positive("maxMessageSize", maxMessageSize);
    return this;
  }

  /** The most recipients per message; more get 452. */
  public int getMaxRecipients() {
    return maxRecipients;
  }

  /** Sets the most recipients per message. */
  public LimitsOptions setMaxRecipients(int maxRecipients) {
    this.maxRecipients = (int) positive("maxRecipients", maxRecipients);
    return this;
  }

  /** The most simultaneous connections from one IP address. */
  public int getMaxConnectionsPerIp() {
    return maxConnectionsPerIp;
  }

  /** Sets the most simultaneous connections from one IP address. */
  public LimitsOptions setMaxConnectionsPerIp(int maxConnectionsPerIp) {
    this.maxConnectionsPerIp = (int) positive("maxConnectionsPerIp", maxConnectionsPerIp);
    return this;
  }

  /** The most simultaneous connections in all. */
  public int getMaxConnections() {
    return maxConnections;
  }

  /** Sets the most simultaneous connections in all. */
  public LimitsOptions setMaxConnections(int maxConnections) {
    this.maxConnections = (int) positive("maxConnections", maxConnections);
    return this;
  }

  /** How long a session may stay silent between commands. */
  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  /** Sets how long a session may stay silent between commands (millisecond precision). */
  public LimitsOptions setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = positive("idleTimeout", idleTimeout);
    return this;
  }

  /** How long to wait for the rest of a command line. */
  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  /** Sets how long to wait for the rest of a command line (millisecond precision). */
  public LimitsOptions setCommandTimeout(Duration commandTimeout) {
    this.commandTimeout = positive("commandTimeout", commandTimeout);
    return this;
  }

  /** How long the DATA phase may take. */
  public Duration getDataTimeout() {
    return dataTimeout;
  }

  /** Sets how long the DATA phase may take (millisecond precision). */
  public LimitsOptions setDataTimeout(Duration dataTimeout) {
    this.dataTimeout = positive("dataTimeout", dataTimeout);
    return this;
  }

  /** Errors before the server closes a session. */
  public int getMaxErrors() {
    return maxErrors;
  }

  /** Sets the errors before the server closes a session. */
  public LimitsOptions setMaxErrors(int maxErrors) {
    this.maxErrors = (int) positive("maxErrors", maxErrors);
    return this;
  }

  /** The longest text line in octets, CRLF included. */
  public int getMaxLineLength() {
    return maxLineLength;
  }

  /** Sets the longest text line in octets, CRLF included. */
  public LimitsOptions setMaxLineLength(int maxLineLength) {
    this.maxLineLength = (int) positive("maxLineLength", maxLineLength);
    return this;
  }

  /** The longest command line in octets, CRLF included. */
  public int getMaxCommandLine() {
    return maxCommandLine;
  }

  /** Sets the longest command line in octets, CRLF included. */
  public LimitsOptions setMaxCommandLine(int maxCommandLine) {
    this.maxCommandLine = (int) positive("maxCommandLine", maxCommandLine);
    return this;
  }

  /**
   * How long a stopping server lets sessions finish the message they are sending before it
   * closes them with 421; the command line waits this long plus 10 s before it exits anyway.
   */
  public Duration getShutdownGrace() {
    return shutdownGrace;
  }

  /** Sets how long a stopping server lets sessions finish their message (millisecond precision). */
  public LimitsOptions setShutdownGrace(Duration shutdownGrace) {
    this.shutdownGrace = positive("shutdownGrace", shutdownGrace);
    return this;
  }

  /** AUTH failures of one IP within {@link #getAuthWindow()} after which each attempt is delayed. */
  public int getAuthSlowAfter() {
    return authSlowAfter;
  }

  /** AUTH failures of one IP within {@link #getAuthWindow()} after which AUTH is refused. */
  public int getAuthRefuseAfter() {
    return authRefuseAfter;
  }

  /** Sets both AUTH failure thresholds; {@code refuseAfter} must be at least {@code slowAfter}. */
  public LimitsOptions setAuthThresholds(int slowAfter, int refuseAfter) {
    positive("authSlowAfter", slowAfter);
    positive("authRefuseAfter", refuseAfter);
    if (refuseAfter < slowAfter) {
      throw new ConfigException("authRefuseAfter", "must be at least authSlowAfter (" + slowAfter + "), got " + refuseAfter);
    }
    this.authSlowAfter = slowAfter;
    this.authRefuseAfter = refuseAfter;
    return this;
  }

  /** The time over which the AUTH failures of one IP are counted. */
  public Duration getAuthWindow() {
    return authWindow;
  }

  /** Sets the time over which the AUTH failures of one IP are counted (millisecond precision). */
  public LimitsOptions setAuthWindow(Duration authWindow) {
    this.authWindow = positive("authWindow", authWindow);
    return this;
  }

  static long positive(String key, long value) {
    if (value <= 0) {
      throw ConfigReader.bad(key, "a positive integer", value);
    }
    return value;
  }

  static Duration positive(String key, Duration value) {
    Duration d = Objects.requireNonNull(value, key).truncatedTo(ChronoUnit.MILLIS);
    if (d.isNegative() || d.isZero()) {
      throw ConfigReader.bad(key, "a positive duration", Durations.format(value));
    }
    return d;
  }
}
