package io.vmta.smtp.relay.client;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.Checks;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.Durations;
import io.vmta.smtp.core.config.JsonOptions;
import io.vmta.smtp.core.config.Names;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of the outbound SMTP client ({@code relay.client} of {@link io.vmta.smtp.relay.RelayOptions},
 * which the MTA fills itself). The timeout defaults are the minimums of RFC 5321 section 4.5.3.2
 * so that a slow server is not given up on too early.
 *
 * <p>TLS: {@link #getTlsLevel()} decides whether STARTTLS is used, required and whether the
 * certificate must verify ({@link TlsLevel}); the default {@link TlsLevel#MAY} encrypts without
 * enforcing verification (RFC 7435). Credentials are sent only to a server whose certificate
 * verified, unless {@link #isAuthOverUnverifiedTls()} says otherwise.
 */
public final class ClientOptions extends JsonOptions {

  /** Default name in EHLO. */
  public static final String DEFAULT_HELO_NAME = "localhost";
  /** Default time to connect. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** Initial 220 message: 5 minutes (RFC 5321 section 4.5.3.2.1). */
  public static final Duration DEFAULT_GREETING_TIMEOUT = Duration.ofMinutes(5);
  /** EHLO, HELO, STARTTLS, AUTH, RSET, QUIT: 5 minutes, as for MAIL. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(5);
  /** MAIL command: 5 minutes (RFC 5321 section 4.5.3.2.2). */
  public static final Duration DEFAULT_MAIL_TIMEOUT = Duration.ofMinutes(5);
  /** RCPT command: 5 minutes (RFC 5321 section 4.5.3.2.3). */
  public static final Duration DEFAULT_RCPT_TIMEOUT = Duration.ofMinutes(5);
  /** DATA initiation, waiting for 354: 2 minutes (RFC 5321 section 4.5.3.2.4). */
  public static final Duration DEFAULT_DATA_INIT_TIMEOUT = Duration.ofMinutes(2);
  /** Each data block, waiting for the socket to drain: 3 minutes (RFC 5321 section 4.5.3.2.5). */
  public static final Duration DEFAULT_DATA_BLOCK_TIMEOUT = Duration.ofMinutes(3);
  /** DATA termination, the reply to the final dot: 10 minutes (RFC 5321 section 4.5.3.2.6). */
  public static final Duration DEFAULT_DATA_END_TIMEOUT = Duration.ofMinutes(10);
  /** Default TLS level: STARTTLS when offered, certificate not enforced. */
  public static final TlsLevel DEFAULT_TLS_LEVEL = TlsLevel.MAY;
  /** Recipients per transaction; RFC 5321 section 4.5.3.1.8 requires servers to take 100. */
  public static final int DEFAULT_MAX_RECIPIENTS = 50;

  private String heloName = DEFAULT_HELO_NAME;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private Duration greetingTimeout = DEFAULT_GREETING_TIMEOUT;
  private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
  private Duration mailTimeout = DEFAULT_MAIL_TIMEOUT;
  private Duration rcptTimeout = DEFAULT_RCPT_TIMEOUT;
  private Duration dataInitTimeout = DEFAULT_DATA_INIT_TIMEOUT;
  private Duration dataBlockTimeout = DEFAULT_DATA_BLOCK_TIMEOUT;
  private Duration dataEndTimeout = DEFAULT_DATA_END_TIMEOUT;
  private TlsLevel tlsLevel = DEFAULT_TLS_LEVEL;
  private boolean implicitTls;
  private boolean authOverUnverifiedTls;
  private String username;
  private String password;
  private int maxRecipients = DEFAULT_MAX_RECIPIENTS;

  /** Options with every default. */
  public ClientOptions() {
  }

  /** A copy of {@code other}. */
  public ClientOptions(ClientOptions other) {
    this(other.toJson());
  }

  /** Reads the JSON form given alone; errors name keys as {@code relay.client.mailTimeout}. */
  public ClientOptions(JsonObject json) {
    this(ConfigReader.root(json, "relay.client"));
  }

  /** Reads the {@code client} object and ends its reader (it has no parts read elsewhere). */
  public ClientOptions(ConfigReader r) {
    heloName = Names.domain(r.string("heloName", DEFAULT_HELO_NAME), r.key("heloName"));
    connectTimeout = r.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT);
    greetingTimeout = r.duration("greetingTimeout", DEFAULT_GREETING_TIMEOUT);
    commandTimeout = r.duration("commandTimeout", DEFAULT_COMMAND_TIMEOUT);
    mailTimeout = r.duration("mailTimeout", DEFAULT_MAIL_TIMEOUT);
    rcptTimeout = r.duration("rcptTimeout", DEFAULT_RCPT_TIMEOUT);
    dataInitTimeout = r.duration("dataInitTimeout", DEFAULT_DATA_INIT_TIMEOUT);
    dataBlockTimeout = r.duration("dataBlockTimeout", DEFAULT_DATA_BLOCK_TIMEOUT);
    dataEndTimeout = r.duration("dataEndTimeout", DEFAULT_DATA_END_TIMEOUT);
    // tlsPolicy (NONE, OPPORTUNISTIC, REQUIRED) is the old name of tlsLevel (none, may, encrypt).
    String levelKey = r.renamed("tlsPolicy", "tlsLevel");
    String level = r.string(levelKey, DEFAULT_TLS_LEVEL.jsonName());
    tlsLevel = switch (level) {
      case "OPPORTUNISTIC" -> TlsLevel.MAY;
      case "REQUIRED" -> TlsLevel.ENCRYPT;
      default -> TlsLevel.parse(level);
    };
    if (tlsLevel == null) {
      throw ConfigReader.bad(r.key(levelKey), "one of none, may, encrypt, verify, dane", level);
    }
    implicitTls = r.bool("implicitTls", false);
    authOverUnverifiedTls = r.bool("authOverUnverifiedTls", false);
    username = r.string("username", null);
    password = r.string("password", null);
    maxRecipients = r.positiveInt("maxRecipients", DEFAULT_MAX_RECIPIENTS);
    r.end();
  }

  /** The JSON form; it holds the password when one is set, so never log it. */
  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("heloName", heloName)
        .put("connectTimeout", Durations.format(connectTimeout))
        .put("greetingTimeout", Durations.format(greetingTimeout))
        .put("commandTimeout", Durations.format(commandTimeout))
        .put("mailTimeout", Durations.format(mailTimeout))
        .put("rcptTimeout", Durations.format(rcptTimeout))
        .put("dataInitTimeout", Durations.format(dataInitTimeout))
        .put("dataBlockTimeout", Durations.format(dataBlockTimeout))
        .put("dataEndTimeout", Durations.format(dataEndTimeout))
        .put("tlsLevel", tlsLevel.jsonName())
        .put("implicitTls", implicitTls)
        .put("authOverUnverifiedTls", authOverUnverifiedTls)
        .put("maxRecipients", maxRecipients);
    if (username != null) {
      json.put("username", username);
    }
    if (password != null) {
      json.put("password", password);
    }
    return json;
  }

  /** Sets every timeout of the dialogue (not the connect timeout) at once; handy in tests. */
  public ClientOptions setAllReplyTimeouts(Duration v) {
    Duration d = check("replyTimeouts", v);
    greetingTimeout = commandTimeout = mailTimeout = rcptTimeout = d;
    dataInitTimeout = dataBlockTimeout = dataEndTimeout = d;
    return this;
  }

  /** The name given in EHLO/HELO. */
  public String getHeloName() { return heloName; }
  /** Sets the name given in EHLO/HELO. */
  public ClientOptions setHeloName(String v) { heloName = Names.domain(Objects.requireNonNull(v), "heloName"); return this; }
  /** The time to connect. */
  public Duration getConnectTimeout() { return connectTimeout; }
  /** Sets the time to connect. */
  public ClientOptions setConnectTimeout(Duration v) { connectTimeout = check("connectTimeout", v); return this; }
  /** The wait for the greeting. */
  public Duration getGreetingTimeout() { return greetingTimeout; }
  /** Sets the wait for the greeting. */
  public ClientOptions setGreetingTimeout(Duration v) { greetingTimeout = check("greetingTimeout", v); return this; }
  /** The wait for the reply to EHLO, HELO, STARTTLS, AUTH, RSET and QUIT. */
  public Duration getCommandTimeout() { return commandTimeout; }
  /** Sets the wait for the reply to EHLO, HELO, STARTTLS, AUTH, RSET and QUIT. */
  public ClientOptions setCommandTimeout(Duration v) { commandTimeout = check("commandTimeout", v); return this; }
  /** The wait for the reply to MAIL. */
  public Duration getMailTimeout() { return mailTimeout; }
  /** Sets the wait for the reply to MAIL. */
  public ClientOptions setMailTimeout(Duration v) { mailTimeout = check("mailTimeout", v); return this; }
  /** The wait for the reply to RCPT. */
  public Duration getRcptTimeout() { return rcptTimeout; }
  /** Sets the wait for the reply to RCPT. */
  public ClientOptions setRcptTimeout(Duration v) { rcptTimeout = check("rcptTimeout", v); return this; }
  /** The wait for 354 after DATA. */
  public Duration getDataInitTimeout() { return dataInitTimeout; }
  /** Sets the wait for 354 after DATA. */
  public ClientOptions setDataInitTimeout(Duration v) { dataInitTimeout = check("dataInitTimeout", v); return this; }
  /** The wait for each data block to drain. */
  public Duration getDataBlockTimeout() { return dataBlockTimeout; }
  /** Sets the wait for each data block to drain. */
  public ClientOptions setDataBlockTimeout(Duration v) { dataBlockTimeout = check("dataBlockTimeout", v); return this; }
  /** The wait for the reply to the end of data. */
  public Duration getDataEndTimeout() { return dataEndTimeout; }
  /** Sets the wait for the reply to the end of data. */
  public ClientOptions setDataEndTimeout(Duration v) { dataEndTimeout = check("dataEndTimeout", v); return this; }
  /** Whether STARTTLS is skipped, tried or required, and whether the certificate must verify. */
  public TlsLevel getTlsLevel() { return tlsLevel; }
  /** Sets the TLS level. */
  public ClientOptions setTlsLevel(TlsLevel v) { tlsLevel = Objects.requireNonNull(v); return this; }
  /** Whether TLS starts at connect (port 465). */
  public boolean isImplicitTls() { return implicitTls; }
  /** Sets whether TLS starts at connect. */
  public ClientOptions setImplicitTls(boolean v) { implicitTls = v; return this; }
  /**
   * Whether AUTH may go to a server whose certificate did not verify (over TLS still); false by
   * default: the session then fails with 4.7.5 before AUTH.
   */
  public boolean isAuthOverUnverifiedTls() { return authOverUnverifiedTls; }
  /** Sets whether AUTH may go to a server whose certificate did not verify. */
  public ClientOptions setAuthOverUnverifiedTls(boolean v) { authOverUnverifiedTls = v; return this; }
  /** The AUTH user, or null. */
  public String getUsername() { return username; }
  /** Sets the AUTH user. */
  public ClientOptions setUsername(String v) { username = v; return this; }
  /** The AUTH password, or null; never log it. */
  public String getPassword() { return password; }
  /** Sets the AUTH password. */
  public ClientOptions setPassword(String v) { password = v; return this; }
  /** The most recipients per transaction. */
  public int getMaxRecipients() { return maxRecipients; }
  /** Sets the most recipients per transaction. */
  public ClientOptions setMaxRecipients(int v) { maxRecipients = (int) Checks.positive("relay.client.maxRecipients", v); return this; }

  private static Duration check(String key, Duration v) {
    return Checks.positive("relay.client." + key, v);
  }
}
