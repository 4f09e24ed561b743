package io.vmta.mta.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** Backoff of deferred deliveries: first delay, doubling up to a cap, given up after an age. */
public class RetryOptions extends JsonOptions {

  /** Default delay before the first retry. */
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMinutes(5);
  /** Default longest delay between retries. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofHours(1);
  /** Default age after which a message is bounced as undeliverable. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(5);

  private Duration initialDelay = DEFAULT_INITIAL_DELAY;
  private Duration maxDelay = DEFAULT_MAX_DELAY;
  private Duration maxAge = DEFAULT_MAX_AGE;

  /** The defaults. */
  public RetryOptions() {
  }

  /** A copy. */
  public RetryOptions(RetryOptions other) {
    this.initialDelay = other.initialDelay;
    this.maxDelay = other.maxDelay;
    this.maxAge = other.maxAge;
  }

  /** Reads and validates JSON; errors name keys as {@code relay.retry.maxAge}. */
  public RetryOptions(JsonObject json) {
    this(json, "relay.retry");
  }

  RetryOptions(JsonObject json, String path) {
    ConfigReader r = new ConfigReader(json, path, "initialDelay", "maxDelay", "maxAge");
    initialDelay = r.duration("initialDelay", DEFAULT_INITIAL_DELAY);
    maxDelay = r.duration("maxDelay", DEFAULT_MAX_DELAY);
    maxAge = r.duration("maxAge", DEFAULT_MAX_AGE);
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new ConfigException(r.key("maxDelay"), "must not be shorter than initialDelay ("
          + Durations.format(initialDelay) + "), got "
          + ConfigReader.render(Durations.format(maxDelay)));
    }
  }

  /** These options as configuration JSON, durations as strings like "5m". */
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("initialDelay", Durations.format(initialDelay))
        .put("maxDelay", Durations.format(maxDelay))
        .put("maxAge", Durations.format(maxAge));
  }

  /** The delay before the first retry. */
  public Duration getInitialDelay() {
    return initialDelay;
  }

  /** Sets the delay before the first retry (millisecond precision). */
  public RetryOptions setInitialDelay(Duration initialDelay) {
    this.initialDelay = LimitsOptions.positive("initialDelay", initialDelay);
    return this;
  }

  /** The longest delay between retries. */
  public Duration getMaxDelay() {
    return maxDelay;
  }

  /** Sets the longest delay between retries (millisecond precision). */
  public RetryOptions setMaxDelay(Duration maxDelay) {
    this.maxDelay = LimitsOptions.positive("maxDelay", maxDelay);
    return this;
  }

  /** The age after which a message is bounced as undeliverable. */
  public Duration getMaxAge() {
    return maxAge;
  }

  /** Sets the age after which a message is bounced (millisecond precision). */
  public RetryOptions setMaxAge(Duration maxAge) {
    this.maxAge = LimitsOptions.positive("maxAge", maxAge);
    return this;
  }
}
