package io.vmta.mailauth;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.Checks;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.Durations;
import io.vmta.smtp.core.config.JsonOptions;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Options of the checks of incoming mail, the {@code authentication} object of the configuration:
 * which checks run ({@code spf}, {@code dkim}, {@code dmarc}), what a DMARC failure does
 * ({@code dmarcFailure}), what a temporary failure of the checks does ({@code tempFailure}), the
 * time budget of one message's checks ({@code timeout}) and how many DKIM signatures are checked
 * ({@code maxSignatures}). The checks run only for clients that are neither authenticated nor in
 * a trusted network.
 */
public final class AuthenticationOptions extends JsonOptions {

  /** What to do with a message that fails DMARC, at most: the domain's policy is the other bound. */
  public enum DmarcFailure {
    /** Honour {@code p=reject} with 550 5.7.1 and {@code p=quarantine} with the Junk folder. */
    REJECT,
    /** Deliver into the Junk folder under {@code p=reject} and {@code p=quarantine}. */
    QUARANTINE,
    /** Only record the result in {@code Authentication-Results}. */
    NONE;

    String token() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What to do when a check could not finish (DNS trouble, the time budget spent). */
  public enum TempFailure {
    /** Accept the message; the header says {@code temperror}. */
    ACCEPT,
    /** Answer 451 4.7.5 so that the client tries again later, when DMARC's answer is temperror. */
    DEFER;

    String token() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Default time budget of one message's checks, DNS included. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Default number of DKIM signatures checked per message. */
  public static final int DEFAULT_MAX_SIGNATURES = 5;
  /** The most signatures that may be configured: each costs a DNS lookup and a hash. */
  public static final int MAX_MAX_SIGNATURES = 20;

  private boolean spf = true;
  private boolean dkim = true;
  private boolean dmarc = true;
  private DmarcFailure dmarcFailure = DmarcFailure.REJECT;
  private TempFailure tempFailure = TempFailure.ACCEPT;
  private Duration timeout = DEFAULT_TIMEOUT;
  private int maxSignatures = DEFAULT_MAX_SIGNATURES;

  /** The defaults: every check on, DMARC failures handled as their domain asks. */
  public AuthenticationOptions() {
  }

  /** A copy. */
  public AuthenticationOptions(AuthenticationOptions other) {
    this(other.toJson());
  }

  /** Reads the JSON form given alone; errors name keys as {@code authentication.timeout}. */
  public AuthenticationOptions(JsonObject json) {
    this(ConfigReader.root(json, "authentication"), true);
  }

  /** Reads the {@code authentication} object of a larger configuration; the caller ends the reader. */
  public AuthenticationOptions(ConfigReader r) {
    this(r, false);
  }

  private AuthenticationOptions(ConfigReader r, boolean whole) {
    spf = r.bool("spf", true);
    dkim = r.bool("dkim", true);
    dmarc = r.bool("dmarc", true);
    dmarcFailure = choice(r, "dmarcFailure", DmarcFailure.values(), DmarcFailure.REJECT);
    tempFailure = choice(r, "tempFailure", TempFailure.values(), TempFailure.ACCEPT);
    timeout = r.duration("timeout", DEFAULT_TIMEOUT);
    maxSignatures = (int) r.longIn("maxSignatures", DEFAULT_MAX_SIGNATURES, 1, MAX_MAX_SIGNATURES,
        "a whole number from 1 to " + MAX_MAX_SIGNATURES);
    if (whole) {
      r.endAndLog();
    }
  }

  private static <E extends Enum<E>> E choice(ConfigReader r, String key, E[] values, E fallback) {
    String text = r.string(key, null);
    if (text == null) {
      return fallback;
    }
    for (E value : values) {
      if (value.name().equalsIgnoreCase(text)) {
        return value;
      }
    }
    throw ConfigReader.bad(r.key(key), "one of " + Arrays.stream(values)
        .map(v -> v.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")), text);
  }

  /** The JSON form read by {@link #AuthenticationOptions(JsonObject)}. */
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("spf", spf)
        .put("dkim", dkim)
        .put("dmarc", dmarc)
        .put("dmarcFailure", dmarcFailure.token())
        .put("tempFailure", tempFailure.token())
        .put("timeout", Durations.format(timeout))
        .put("maxSignatures", maxSignatures);
  }

  /** Whether any check runs. */
  public boolean isAnyCheck() {
    return spf || dkim || dmarc;
  }

  /** Whether SPF (RFC 7208) of the MAIL FROM or HELO identity is checked. */
  public boolean isSpf() { return spf; }
  /** Turns the SPF check on or off. */
  public AuthenticationOptions setSpf(boolean v) { spf = v; return this; }
  /** Whether DKIM signatures (RFC 6376) are checked. */
  public boolean isDkim() { return dkim; }
  /** Turns the DKIM check on or off. */
  public AuthenticationOptions setDkim(boolean v) { dkim = v; return this; }
  /** Whether DMARC (RFC 7489) of the From domain is evaluated. */
  public boolean isDmarc() { return dmarc; }
  /** Turns DMARC on or off. */
  public AuthenticationOptions setDmarc(boolean v) { dmarc = v; return this; }
  /** What a DMARC failure does at most. */
  public DmarcFailure getDmarcFailure() { return dmarcFailure; }
  /** Sets what a DMARC failure does at most. */
  public AuthenticationOptions setDmarcFailure(DmarcFailure v) { dmarcFailure = Objects.requireNonNull(v); return this; }
  /** What a check that could not finish does. */
  public TempFailure getTempFailure() { return tempFailure; }
  /** Sets what a check that could not finish does. */
  public AuthenticationOptions setTempFailure(TempFailure v) { tempFailure = Objects.requireNonNull(v); return this; }
  /** The time budget of one message's checks. */
  public Duration getTimeout() { return timeout; }
  /** Sets the time budget of one message's checks (positive). */
  public AuthenticationOptions setTimeout(Duration v) { timeout = Checks.positive("authentication.timeout", v); return this; }
  /** How many DKIM signatures of a message are checked. */
  public int getMaxSignatures() { return maxSignatures; }
  /** Sets how many DKIM signatures of a message are checked (1 to {@value #MAX_MAX_SIGNATURES}). */
  public AuthenticationOptions setMaxSignatures(int v) {
    if (v < 1 || v > MAX_MAX_SIGNATURES) {
      throw ConfigReader.bad("authentication.maxSignatures", "a whole number from 1 to " + MAX_MAX_SIGNATURES, v);
    }
    maxSignatures = v;
    return this;
  }
}
