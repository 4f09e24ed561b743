package io.vmta.smtp.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.local.JsonLists;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of {@link SmtpServerVerticle}. The JSON form uses the keys of the MTA configuration
 * where they mean the same ({@code hostname}, {@code listeners}, {@code tls}, {@code limits},
 * {@code domains}, {@code aliases}, {@code trustedNetworks}); {@code localUsers} lists the
 * addresses of the local mailboxes (the MTA reads them from its users file).
 */
public final class SmtpServerOptions {

  public static final String DEFAULT_HOSTNAME = "localhost";
  public static final long DEFAULT_MAX_MESSAGE_SIZE = 26_214_400;
  public static final int DEFAULT_MAX_RECIPIENTS = 1000;
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 50;
  public static final int DEFAULT_MAX_ERRORS = 10;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
  public static final int DEFAULT_DATA_TIMEOUT_SECONDS = 600;
  public static final int DEFAULT_QUEUE_TIMEOUT_SECONDS = 120;
  /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets with its CRLF. */
  public static final int DEFAULT_MAX_COMMAND_LINE = 512;
  /** RFC 5321 4.5.3.1.6: a text line is at most 1000 octets with its CRLF. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 1000;

  private String hostname = DEFAULT_HOSTNAME;
  private List<ListenerOptions> listeners = new ArrayList<>(List.of(new ListenerOptions("127.0.0.1", 0, ListenerMode.MX)));
  private String certPath;
  private String keyPath;
  private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  private int maxRecipients = DEFAULT_MAX_RECIPIENTS;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
  private int maxErrors = DEFAULT_MAX_ERRORS;
  private int idleTimeoutSeconds = DEFAULT_IDLE_TIMEOUT_SECONDS;
  private int dataTimeoutSeconds = DEFAULT_DATA_TIMEOUT_SECONDS;
  private int queueTimeoutSeconds = DEFAULT_QUEUE_TIMEOUT_SECONDS;
  private int maxCommandLine = DEFAULT_MAX_COMMAND_LINE;
  private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
  private List<String> domains = new ArrayList<>(List.of("example.test"));
  private List<String> localUsers = new ArrayList<>();
  private Map<String, List<String>> aliases = new LinkedHashMap<>();
  private List<String> trustedNetworks = new ArrayList<>();
  private boolean restrictSenders = true;
  private int authSlowAfter = 5;
  private int authRefuseAfter = 20;
  private int authWindowSeconds = 600;
  private int shutdownGraceSeconds = 20;

  public SmtpServerOptions() {
  }

  public SmtpServerOptions(SmtpServerOptions other) {
    this(other.toJson());
    this.maxConnectionTime = other.maxConnectionTime;
    this.maxJunkCommands = other.maxJunkCommands;
  }

  /** Reads the JSON form; a missing key keeps its default. */
  public SmtpServerOptions(JsonObject json) {
    hostname = json.getString("hostname", hostname);
    JsonArray ls = json.getJsonArray("listeners");
    if (ls != null) {
      listeners = new ArrayList<>();
      for (int i = 0; i < ls.size(); i++) {
        listeners.add(new ListenerOptions(ls.getJsonObject(i)));
      }
    }
    JsonObject tls = json.getJsonObject("tls", new JsonObject());
    certPath = tls.getString("certPath");
    keyPath = tls.getString("keyPath");
    JsonObject limits = json.getJsonObject("limits", new JsonObject());
    maxMessageSize = limits.getLong("maxMessageSize", maxMessageSize);
    maxRecipients = limits.getInteger("maxRecipients", maxRecipients);
    maxConnections = limits.getInteger("maxConnections", maxConnections);
    maxConnectionsPerIp = limits.getInteger("maxConnectionsPerIp", maxConnectionsPerIp);
    maxErrors = limits.getInteger("maxErrors", maxErrors);
    idleTimeoutSeconds = limits.getInteger("idleTimeoutSeconds", idleTimeoutSeconds);
    dataTimeoutSeconds = limits.getInteger("dataTimeoutSeconds", dataTimeoutSeconds);
    queueTimeoutSeconds = limits.getInteger("queueTimeoutSeconds", queueTimeoutSeconds);
    maxCommandLine = limits.getInteger("maxCommandLine", maxCommandLine);
    maxLineLength = limits.getInteger("maxLineLength", maxLineLength);
    authSlowAfter = limits.getInteger("authSlowAfter", authSlowAfter);
    authRefuseAfter = limits.getInteger("authRefuseAfter", authRefuseAfter);
    authWindowSeconds = limits.getInteger("authWindowSeconds", authWindowSeconds);
    shutdownGraceSeconds = limits.getInteger("shutdownGraceSeconds", shutdownGraceSeconds);
    domains = JsonLists.strings(json.getJsonArray("domains"), domains);
    localUsers = JsonLists.strings(json.getJsonArray("localUsers"), localUsers);
    trustedNetworks = JsonLists.strings(json.getJsonArray("trustedNetworks"), trustedNetworks);
    restrictSenders = json.getBoolean("restrictSenders", restrictSenders);
    aliases = JsonLists.aliases(json.getJsonObject("aliases"), aliases);
  }

  /** The JSON form read by {@link #SmtpServerOptions(JsonObject)}. */
  public JsonObject toJson() {
    JsonArray ls = new JsonArray();
    listeners.forEach(l -> ls.add(l.toJson()));
    return new JsonObject()
        .put("hostname", hostname)
        .put("listeners", ls)
        .put("tls", new JsonObject().put("certPath", certPath).put("keyPath", keyPath))
        .put("limits", new JsonObject()
            .put("maxMessageSize", maxMessageSize)
            .put("maxRecipients", maxRecipients)
            .put("maxConnections", maxConnections)
            .put("maxConnectionsPerIp", maxConnectionsPerIp)
            .put("maxErrors", maxErrors)
            .put("idleTimeoutSeconds", idleTimeoutSeconds)
            .put("dataTimeoutSeconds", dataTimeoutSeconds)
            .put("queueTimeoutSeconds", queueTimeoutSeconds)
            .put("maxCommandLine", maxCommandLine)
            .put("maxLineLength", maxLineLength)
            .put("authSlowAfter", authSlowAfter)
            .put("authRefuseAfter", authRefuseAfter)
            .put("authWindowSeconds", authWindowSeconds)
            .put("shutdownGraceSeconds", shutdownGraceSeconds))
        .put("domains", JsonLists.toJson(domains))
        .put("localUsers", JsonLists.toJson(localUsers))
        .put("aliases", JsonLists.toJson(aliases))
        .put("trustedNetworks", JsonLists.toJson(trustedNetworks))
        .put("restrictSenders", restrictSenders);
  }

  public String getHostname() { return hostname; }
  public SmtpServerOptions setHostname(String hostname) { this.hostname = hostname; return this; }
  public List<ListenerOptions> getListeners() { return listeners; }
  public SmtpServerOptions setListeners(List<ListenerOptions> listeners) { this.listeners = new ArrayList<>(listeners); return this; }
  public String getCertPath() { return certPath; }
  public SmtpServerOptions setCertPath(String certPath) { this.certPath = certPath; return this; }
  public String getKeyPath() { return keyPath; }
  public SmtpServerOptions setKeyPath(String keyPath) { this.keyPath = keyPath; return this; }
  public long getMaxMessageSize() { return maxMessageSize; }
  public SmtpServerOptions setMaxMessageSize(long v) { this.maxMessageSize = v; return this; }
  public int getMaxRecipients() { return maxRecipients; }
  public SmtpServerOptions setMaxRecipients(int v) { this.maxRecipients = v; return this; }
  public int getMaxConnections() { return maxConnections; }
  public SmtpServerOptions setMaxConnections(int v) { this.maxConnections = v; return this; }
  public int getMaxConnectionsPerIp() { return maxConnectionsPerIp; }
  public SmtpServerOptions setMaxConnectionsPerIp(int v) { this.maxConnectionsPerIp = v; return this; }
  public int getMaxErrors() { return maxErrors; }
  public SmtpServerOptions setMaxErrors(int v) { this.maxErrors = v; return this; }
  public int getIdleTimeoutSeconds() { return idleTimeoutSeconds; }
  public SmtpServerOptions setIdleTimeoutSeconds(int v) { this.idleTimeoutSeconds = v; return this; }
  public int getDataTimeoutSeconds() { return dataTimeoutSeconds; }
  public SmtpServerOptions setDataTimeoutSeconds(int v) { this.dataTimeoutSeconds = v; return this; }
  public int getQueueTimeoutSeconds() { return queueTimeoutSeconds; }
  public SmtpServerOptions setQueueTimeoutSeconds(int v) { this.queueTimeoutSeconds = v; return this; }
  public int getMaxCommandLine() { return maxCommandLine; }
  public SmtpServerOptions setMaxCommandLine(int v) { this.maxCommandLine = v; return this; }
  public int getMaxLineLength() { return maxLineLength; }
  public SmtpServerOptions setMaxLineLength(int v) { this.maxLineLength = v; return this; }
  public List<String> getDomains() { return domains; }
  public SmtpServerOptions setDomains(List<String> v) { this.domains = new ArrayList<>(v); return this; }
  public List<String> getLocalUsers() { return localUsers; }
  public SmtpServerOptions setLocalUsers(List<String> v) { this.localUsers = new ArrayList<>(v); return this; }
  public Map<String, List<String>> getAliases() { return aliases; }
  public SmtpServerOptions setAliases(Map<String, List<String>> v) { this.aliases = new LinkedHashMap<>(v); return this; }
  public List<String> getTrustedNetworks() { return trustedNetworks; }
  public SmtpServerOptions setTrustedNetworks(List<String> v) { this.trustedNetworks = new ArrayList<>(v); return this; }
  /** Whether an authenticated user may use only its login and the aliases that point to it in MAIL FROM. */
  public boolean isRestrictSenders() { return restrictSenders; }
  public SmtpServerOptions setRestrictSenders(boolean v) { this.restrictSenders = v; return this; }
  /** Failed AUTH from one IP within the window after which each attempt is delayed. */
  public int getAuthSlowAfter() { return authSlowAfter; }
  public SmtpServerOptions setAuthSlowAfter(int v) { this.authSlowAfter = v; return this; }
  /** Failed AUTH from one IP within the window after which AUTH is refused (454 4.7.0). */
  public int getAuthRefuseAfter() { return authRefuseAfter; }
  public SmtpServerOptions setAuthRefuseAfter(int v) { this.authRefuseAfter = v; return this; }
  public int getAuthWindowSeconds() { return authWindowSeconds; }
  public SmtpServerOptions setAuthWindowSeconds(int v) { this.authWindowSeconds = v; return this; }
  /** How long a stopping server lets sessions finish the message they are sending (then 421). */
  public int getShutdownGraceSeconds() { return shutdownGraceSeconds; }
  public SmtpServerOptions setShutdownGraceSeconds(int v) { this.shutdownGraceSeconds = v; return this; }

  private java.time.Duration maxConnectionTime = java.time.Duration.ofHours(1);
  private int maxJunkCommands = 100;

  /** How long a connection may last whatever it does, then 421 4.7.0 ({@code limits.maxConnectionTime}). */
  public java.time.Duration getMaxConnectionTime() { return maxConnectionTime; }
  public SmtpServerOptions setMaxConnectionTime(java.time.Duration v) { this.maxConnectionTime = v; return this; }
  /** NOOP, RSET, VRFY, EXPN, HELP or empty BDAT allowed between accepted messages ({@code limits.maxJunkCommands}). */
  public int getMaxJunkCommands() { return maxJunkCommands; }
  public SmtpServerOptions setMaxJunkCommands(int v) { this.maxJunkCommands = v; return this; }
}
