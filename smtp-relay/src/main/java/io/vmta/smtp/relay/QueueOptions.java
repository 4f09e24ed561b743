package io.vmta.smtp.relay;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.Checks;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.Durations;
import io.vmta.smtp.core.config.JsonOptions;
import io.vmta.smtp.core.config.LocalMailOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Options of {@link QueueVerticle}, read from and written to the keys of the MTA configuration:
 * {@code dataDir} (spool and mailboxes), who is local ({@link LocalMailOptions}), the backoff of
 * deferred deliveries ({@code relay.retry}); and, for embedders, {@code maxConcurrentDeliveries}.
 */
public final class QueueOptions extends JsonOptions {

  /** Default data directory (spool, mailboxes). */
  public static final String DEFAULT_DATA_DIR = "./data";
  /** Default delay before the first retry. */
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMinutes(5);
  /** Default longest delay between retries. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofHours(1);
  /** Default age after which a message is bounced as undeliverable. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(5);
  /** Default most deliveries in progress at once. */
  public static final int DEFAULT_MAX_CONCURRENT_DELIVERIES = 32;

  private String dataDir = DEFAULT_DATA_DIR;
  private LocalMailOptions local = new LocalMailOptions();
  private Duration initialDelay = DEFAULT_INITIAL_DELAY;
  private Duration maxDelay = DEFAULT_MAX_DELAY;
  private Duration maxAge = DEFAULT_MAX_AGE;
  private int maxConcurrentDeliveries = DEFAULT_MAX_CONCURRENT_DELIVERIES;

  /** The defaults. */
  public QueueOptions() {
  }

  /** A deep copy. */
  public QueueOptions(QueueOptions other) {
    this(other.toJson());
  }

  /** Reads the JSON form given alone; unknown keys and bad values are errors naming the key. */
  public QueueOptions(JsonObject json) {
    this(ConfigReader.root(json, ""), true);
  }

  /** Reads its keys from the top level of a larger configuration; the caller ends the reader. */
  public QueueOptions(ConfigReader r) {
    this(r, false);
  }

  private QueueOptions(ConfigReader r, boolean whole) {
    dataDir = r.string("dataDir", DEFAULT_DATA_DIR);
    local = new LocalMailOptions(r);
    ConfigReader retry = r.object("relay").object("retry");
    initialDelay = retry.duration("initialDelay", DEFAULT_INITIAL_DELAY);
    maxDelay = retry.duration("maxDelay", DEFAULT_MAX_DELAY);
    maxAge = retry.duration("maxAge", DEFAULT_MAX_AGE);
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new ConfigException(retry.key("maxDelay"), "must not be shorter than initialDelay ("
          + Durations.format(initialDelay) + "), got "
          + ConfigReader.render(Durations.format(maxDelay)));
    }
    maxConcurrentDeliveries = r.positiveInt("maxConcurrentDeliveries",
        DEFAULT_MAX_CONCURRENT_DELIVERIES);
    if (whole) {
      r.endAndLog();
    }
  }

  /** The JSON form read by {@link #QueueOptions(JsonObject)}; durations as strings like "5m". */
  @Override
  public JsonObject toJson() {
    return local.toJson()
        .put("dataDir", dataDir)
        .put("relay", new JsonObject().put("retry", new JsonObject()
            .put("initialDelay", Durations.format(initialDelay))
            .put("maxDelay", Durations.format(maxDelay))
            .put("maxAge", Durations.format(maxAge))))
        .put("maxConcurrentDeliveries", maxConcurrentDeliveries);
  }

  /** The data directory: the spool and the mailboxes live under it. */
  public String getDataDir() { return dataDir; }
  /** Sets the data directory. */
  public QueueOptions setDataDir(String v) { dataDir = Objects.requireNonNull(v, "dataDir"); return this; }
  /** Who is local (hostname, domains, aliases, local users). */
  public LocalMailOptions getLocal() { return local; }
  /** Sets who is local (copied). */
  public QueueOptions setLocal(LocalMailOptions v) { local = new LocalMailOptions(v); return this; }
  /** The host name, e.g. in bounces. */
  public String getHostname() { return local.getHostname(); }
  /** Sets the host name. */
  public QueueOptions setHostname(String v) { local.setHostname(v); return this; }
  /** The local domains. */
  public List<String> getDomains() { return local.getDomains(); }
  /** Sets the local domains. */
  public QueueOptions setDomains(List<String> v) { local.setDomains(v); return this; }
  /** The local mailboxes. */
  public List<String> getLocalUsers() { return local.getLocalUsers(); }
  /** Sets the local mailboxes. */
  public QueueOptions setLocalUsers(List<String> v) { local.setLocalUsers(v); return this; }
  /** The aliases. */
  public Map<String, List<String>> getAliases() { return local.getAliases(); }
  /** Sets the aliases. */
  public QueueOptions setAliases(Map<String, List<String>> v) { local.setAliases(v); return this; }
  /** The delay before the first retry; it doubles on each retry up to {@link #getMaxDelay()}. */
  public Duration getInitialDelay() { return initialDelay; }
  /** Sets the delay before the first retry (millisecond precision). */
  public QueueOptions setInitialDelay(Duration v) { initialDelay = Checks.positive("relay.retry.initialDelay", v); return this; }
  /** The longest delay between retries. */
  public Duration getMaxDelay() { return maxDelay; }
  /** Sets the longest delay between retries (millisecond precision). */
  public QueueOptions setMaxDelay(Duration v) { maxDelay = Checks.positive("relay.retry.maxDelay", v); return this; }
  /** The age after which a message is bounced as undeliverable. */
  public Duration getMaxAge() { return maxAge; }
  /** Sets the age after which a message is bounced (millisecond precision). */
  public QueueOptions setMaxAge(Duration v) { maxAge = Checks.positive("relay.retry.maxAge", v); return this; }
  /** The most deliveries in progress at once. */
  public int getMaxConcurrentDeliveries() { return maxConcurrentDeliveries; }
  /** Sets the most deliveries in progress at once. */
  public QueueOptions setMaxConcurrentDeliveries(int v) {
    maxConcurrentDeliveries = (int) Checks.positive("maxConcurrentDeliveries", v);
    return this;
  }
}
