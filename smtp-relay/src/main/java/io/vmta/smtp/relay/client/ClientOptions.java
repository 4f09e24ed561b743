package io.vmta.smtp.relay.client;

import io.vertx.core.json.JsonObject;

/**
 * Options of the outbound SMTP client. Timeouts are in milliseconds; their defaults are the
 * minimums of RFC 5321 section 4.5.3.2 so that a slow server is not given up on too early.
 *
 * <p>Certificates: with {@link #isTrustAll()} (the default), the server's certificate is not
 * verified. MX host names come from unauthenticated DNS, so verifying them proves little, and a
 * verification failure would only push the message back to plaintext; RFC 7435 (opportunistic
 * security) therefore encrypts without authenticating. A smarthost with a real certificate can be
 * verified by turning trust-all off: the JVM's trust store and the host name are then checked.
 */
public final class ClientOptions {

  public static final String DEFAULT_HELO_NAME = "localhost";
  public static final long DEFAULT_CONNECT_TIMEOUT = 30_000;
  /** Initial 220 message: 5 minutes (RFC 5321 section 4.5.3.2.1). */
  public static final long DEFAULT_GREETING_TIMEOUT = 300_000;
  /** EHLO, HELO, STARTTLS, AUTH, RSET, QUIT: 5 minutes, as for MAIL. */
  public static final long DEFAULT_COMMAND_TIMEOUT = 300_000;
  /** MAIL command: 5 minutes (RFC 5321 section 4.5.3.2.2). */
  public static final long DEFAULT_MAIL_TIMEOUT = 300_000;
  /** RCPT command: 5 minutes (RFC 5321 section 4.5.3.2.3). */
  public static final long DEFAULT_RCPT_TIMEOUT = 300_000;
  /** DATA initiation, waiting for 354: 2 minutes (RFC 5321 section 4.5.3.2.4). */
  public static final long DEFAULT_DATA_INIT_TIMEOUT = 120_000;
  /** Each data block, waiting for the socket to drain: 3 minutes (RFC 5321 section 4.5.3.2.5). */
  public static final long DEFAULT_DATA_BLOCK_TIMEOUT = 180_000;
  /** DATA termination, the reply to the final dot: 10 minutes (RFC 5321 section 4.5.3.2.6). */
  public static final long DEFAULT_DATA_END_TIMEOUT = 600_000;
  public static final TlsPolicy DEFAULT_TLS_POLICY = TlsPolicy.OPPORTUNISTIC;
  /** Recipients per transaction; RFC 5321 section 4.5.3.1.8 requires servers to take 100. */
  public static final int DEFAULT_MAX_RECIPIENTS = 50;

  private String heloName = DEFAULT_HELO_NAME;
  private long connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private long greetingTimeout = DEFAULT_GREETING_TIMEOUT;
  private long commandTimeout = DEFAULT_COMMAND_TIMEOUT;
  private long mailTimeout = DEFAULT_MAIL_TIMEOUT;
  private long rcptTimeout = DEFAULT_RCPT_TIMEOUT;
  private long dataInitTimeout = DEFAULT_DATA_INIT_TIMEOUT;
  private long dataBlockTimeout = DEFAULT_DATA_BLOCK_TIMEOUT;
  private long dataEndTimeout = DEFAULT_DATA_END_TIMEOUT;
  private TlsPolicy tlsPolicy = DEFAULT_TLS_POLICY;
  private boolean implicitTls;
  private boolean trustAll = true;
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

  /** Reads the form written by {@link #toJson()}; a missing key keeps its default. */
  public ClientOptions(JsonObject json) {
    heloName = json.getString("heloName", heloName);
    connectTimeout = json.getLong("connectTimeout", connectTimeout);
    greetingTimeout = json.getLong("greetingTimeout", greetingTimeout);
    commandTimeout = json.getLong("commandTimeout", commandTimeout);
    mailTimeout = json.getLong("mailTimeout", mailTimeout);
    rcptTimeout = json.getLong("rcptTimeout", rcptTimeout);
    dataInitTimeout = json.getLong("dataInitTimeout", dataInitTimeout);
    dataBlockTimeout = json.getLong("dataBlockTimeout", dataBlockTimeout);
    dataEndTimeout = json.getLong("dataEndTimeout", dataEndTimeout);
    tlsPolicy = TlsPolicy.valueOf(json.getString("tlsPolicy", tlsPolicy.name()));
    implicitTls = json.getBoolean("implicitTls", implicitTls);
    trustAll = json.getBoolean("trustAll", trustAll);
    username = json.getString("username", username);
    password = json.getString("password", password);
    maxRecipients = json.getInteger("maxRecipients", maxRecipients);
  }

  /** The JSON form; it holds the password when one is set, so never log it. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("heloName", heloName)
        .put("connectTimeout", connectTimeout)
        .put("greetingTimeout", greetingTimeout)
        .put("commandTimeout", commandTimeout)
        .put("mailTimeout", mailTimeout)
        .put("rcptTimeout", rcptTimeout)
        .put("dataInitTimeout", dataInitTimeout)
        .put("dataBlockTimeout", dataBlockTimeout)
        .put("dataEndTimeout", dataEndTimeout)
        .put("tlsPolicy", tlsPolicy.name())
        .put("implicitTls", implicitTls)
        .put("trustAll", trustAll)
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
  public ClientOptions setAllReplyTimeouts(long millis) {
    greetingTimeout = commandTimeout = mailTimeout = rcptTimeout = millis;
    dataInitTimeout = dataBlockTimeout = dataEndTimeout = millis;
    return this;
  }

  public String getHeloName() { return heloName; }
  public ClientOptions setHeloName(String v) { this.heloName = v; return this; }
  public long getConnectTimeout() { return connectTimeout; }
  public ClientOptions setConnectTimeout(long v) { this.connectTimeout = v; return this; }
  public long getGreetingTimeout() { return greetingTimeout; }
  public ClientOptions setGreetingTimeout(long v) { this.greetingTimeout = v; return this; }
  public long getCommandTimeout() { return commandTimeout; }
  public ClientOptions setCommandTimeout(long v) { this.commandTimeout = v; return this; }
  public long getMailTimeout() { return mailTimeout; }
  public ClientOptions setMailTimeout(long v) { this.mailTimeout = v; return this; }
  public long getRcptTimeout() { return rcptTimeout; }
  public ClientOptions setRcptTimeout(long v) { this.rcptTimeout = v; return this; }
  public long getDataInitTimeout() { return dataInitTimeout; }
  public ClientOptions setDataInitTimeout(long v) { this.dataInitTimeout = v; return this; }
  public long getDataBlockTimeout() { return dataBlockTimeout; }
  public ClientOptions setDataBlockTimeout(long v) { this.dataBlockTimeout = v; return this; }
  public long getDataEndTimeout() { return dataEndTimeout; }
  public ClientOptions setDataEndTimeout(long v) { this.dataEndTimeout = v; return this; }
  public TlsPolicy getTlsPolicy() { return tlsPolicy; }
  public ClientOptions setTlsPolicy(TlsPolicy v) { this.tlsPolicy = v; return this; }
  public boolean isImplicitTls() { return implicitTls; }
  public ClientOptions setImplicitTls(boolean v) { this.implicitTls = v; return this; }
  public boolean isTrustAll() { return trustAll; }
  public ClientOptions setTrustAll(boolean v) { this.trustAll = v; return this; }
  public String getUsername() { return username; }
  public ClientOptions setUsername(String v) { this.username = v; return this; }
  public String getPassword() { return password; }
  public ClientOptions setPassword(String v) { this.password = v; return this; }
  public int getMaxRecipients() { return maxRecipients; }
  public ClientOptions setMaxRecipients(int v) { this.maxRecipients = v; return this; }
}
