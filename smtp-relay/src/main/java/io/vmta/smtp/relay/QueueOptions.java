package io.vmta.smtp.relay;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.local.JsonLists;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of {@link QueueVerticle}: where the spool and the mailboxes live, who is local, and
 * how often to retry. Durations are in seconds.
 */
public final class QueueOptions {

  public static final String DEFAULT_DATA_DIR = "./data";
  public static final String DEFAULT_HOSTNAME = "localhost";
  public static final long DEFAULT_INITIAL_DELAY = 300;
  public static final long DEFAULT_MAX_DELAY = 3600;
  public static final long DEFAULT_MAX_AGE = 5 * 86400;
  public static final int DEFAULT_MAX_CONCURRENT_DELIVERIES = 32;

  private String dataDir = DEFAULT_DATA_DIR;
  private String hostname = DEFAULT_HOSTNAME;
  private List<String> domains = new ArrayList<>(List.of("example.test"));
  private List<String> localUsers = new ArrayList<>();
  private Map<String, List<String>> aliases = new LinkedHashMap<>();
  private long initialDelaySeconds = DEFAULT_INITIAL_DELAY;
  private long maxDelaySeconds = DEFAULT_MAX_DELAY;
  private long maxAgeSeconds = DEFAULT_MAX_AGE;
  private int maxConcurrentDeliveries = DEFAULT_MAX_CONCURRENT_DELIVERIES;

  public QueueOptions() {
  }

  public QueueOptions(QueueOptions other) {
    this(other.toJson());
  }

  /** Reads the form written by {@link #toJson()}; a missing key keeps its default. */
  public QueueOptions(JsonObject json) {
    dataDir = json.getString("dataDir", dataDir);
    hostname = json.getString("hostname", hostname);
    domains = JsonLists.strings(json.getJsonArray("domains"), domains);
    localUsers = JsonLists.strings(json.getJsonArray("localUsers"), localUsers);
    aliases = JsonLists.aliases(json.getJsonObject("aliases"), aliases);
    JsonObject retry = json.getJsonObject("retry", new JsonObject());
    initialDelaySeconds = retry.getLong("initialDelaySeconds", initialDelaySeconds);
    maxDelaySeconds = retry.getLong("maxDelaySeconds", maxDelaySeconds);
    maxAgeSeconds = retry.getLong("maxAgeSeconds", maxAgeSeconds);
    maxConcurrentDeliveries = json.getInteger("maxConcurrentDeliveries", maxConcurrentDeliveries);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("dataDir", dataDir)
        .put("hostname", hostname)
        .put("domains", JsonLists.toJson(domains))
        .put("localUsers", JsonLists.toJson(localUsers))
        .put("aliases", JsonLists.toJson(aliases))
        .put("retry", new JsonObject()
            .put("initialDelaySeconds", initialDelaySeconds)
            .put("maxDelaySeconds", maxDelaySeconds)
            .put("maxAgeSeconds", maxAgeSeconds))
        .put("maxConcurrentDeliveries", maxConcurrentDeliveries);
  }

  public String getDataDir() { return dataDir; }
  public QueueOptions setDataDir(String v) { this.dataDir = v; return this; }
  public String getHostname() { return hostname; }
  public QueueOptions setHostname(String v) { this.hostname = v; return this; }
  public List<String> getDomains() { return domains; }
  public QueueOptions setDomains(List<String> v) { this.domains = new ArrayList<>(v); return this; }
  public List<String> getLocalUsers() { return localUsers; }
  public QueueOptions setLocalUsers(List<String> v) { this.localUsers = new ArrayList<>(v); return this; }
  public Map<String, List<String>> getAliases() { return aliases; }
  public QueueOptions setAliases(Map<String, List<String>> v) { this.aliases = new LinkedHashMap<>(v); return this; }
  public long getInitialDelaySeconds() { return initialDelaySeconds; }
  public QueueOptions setInitialDelaySeconds(long v) { this.initialDelaySeconds = v; return this; }
  public long getMaxDelaySeconds() { return maxDelaySeconds; }
  public QueueOptions setMaxDelaySeconds(long v) { this.maxDelaySeconds = v; return this; }
  public long getMaxAgeSeconds() { return maxAgeSeconds; }
  public QueueOptions setMaxAgeSeconds(long v) { this.maxAgeSeconds = v; return this; }
  public int getMaxConcurrentDeliveries() { return maxConcurrentDeliveries; }
  public QueueOptions setMaxConcurrentDeliveries(int v) { this.maxConcurrentDeliveries = v; return this; }
}
