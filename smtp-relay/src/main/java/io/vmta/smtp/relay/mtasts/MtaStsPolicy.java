package io.vmta.smtp.relay.mtasts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An MTA-STS policy (RFC 8461 section 3.2) of a domain as fetched at {@code fetched}, with the
 * {@code id} of the TXT record it was fetched for: the mode, the MX host patterns and how long it
 * may be used ({@code maxAge}, capped at {@link #MAX_AGE_LIMIT}).
 */
public record MtaStsPolicy(String domain, String id, Mode mode, List<String> mx, long maxAge, Instant fetched) {

  /** The largest {@code max_age} (RFC 8461 section 3.2): a year, in seconds. */
  public static final long MAX_AGE_LIMIT = 31_557_600;

  /** What the policy asks of senders. */
  public enum Mode {
    /** Only matching MX hosts with a certificate that verifies get the mail; else it waits. */
    ENFORCE,
    /** Deliver as without a policy; failures are only reported. */
    TESTING,
    /** No policy in effect (how a domain withdraws one, RFC 8461 section 8.3). */
    NONE;

    /** The word of the policy text: {@code enforce}, {@code testing}, {@code none}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Mode parse(String text) {
      for (Mode m : values()) {
        if (m.word().equals(text)) {
          return m;
        }
      }
      return null;
    }
  }

  /** Checks and normalises (patterns in lower case without a trailing dot). */
  public MtaStsPolicy {
    domain = domain.toLowerCase(Locale.ROOT);
    mx = mx.stream().map(MtaStsPolicy::normalise).toList();
    if (maxAge < 0) {
      throw new IllegalArgumentException("max_age is negative");
    }
    maxAge = Math.min(maxAge, MAX_AGE_LIMIT);
    fetched = fetched.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);  // as kept on disk
  }

  /**
   * Parses a policy body (RFC 8461 section 3.2): lines of {@code key: value} separated by LF or
   * CRLF; {@code version: STSv1}, {@code mode} and {@code max_age} are required, {@code mx} too
   * unless the mode is {@code none}; of a repeated key other than {@code mx} the first counts;
   * unknown keys are ignored.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static MtaStsPolicy parse(String domain, String id, String body, Instant fetched) {
    String version = null;
    String mode = null;
    String maxAge = null;
    List<String> mx = new ArrayList<>();
    for (String raw : body.split("\n", -1)) {
      String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("not a key: value line: " + abbreviate(line));
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).strip();
      switch (key) {
        case "version" -> version = version == null ? value : version;
        case "mode" -> mode = mode == null ? value : mode;
        case "max_age" -> maxAge = maxAge == null ? value : maxAge;
        case "mx" -> mx.add(checkPattern(value));
        default -> {
          // RFC 8461 section 3.2: unknown fields are ignored.
        }
      }
    }
    if (!"STSv1".equals(version)) {
      throw new IllegalArgumentException("version is not STSv1: " + abbreviate(String.valueOf(version)));
    }
    Mode m = mode == null ? null : Mode.parse(mode);
    if (m == null) {
      throw new IllegalArgumentException("mode is not enforce, testing or none: " + abbreviate(String.valueOf(mode)));
    }
    if (maxAge == null || !maxAge.matches("[0-9]{1,10}")) {
      throw new IllegalArgumentException("max_age is not 1 to 10 digits: " + abbreviate(String.valueOf(maxAge)));
    }
    if (mx.isEmpty() && m != Mode.NONE) {
      throw new IllegalArgumentException("no mx pattern");
    }
    return new MtaStsPolicy(domain, id, m, mx, Long.parseLong(maxAge), fetched);
  }

  /** The time after which the policy may no longer be used (RFC 8461 section 5.1). */
  public Instant expires() {
    return fetched.plusSeconds(maxAge);
  }

  /** Whether the policy may still be used at {@code now}. */
  public boolean isFresh(Instant now) {
    return now.isBefore(expires());
  }

  /**
   * Whether the MX host {@code host} is one the policy names (RFC 8461 section 4.1): a pattern
   * equals the host name, or {@code *.rest} stands for exactly one left-most label before rest.
   */
  public boolean matches(String host) {
    String h = normalise(host);
    for (String pattern : mx) {
      if (pattern.startsWith("*.")) {
        int dot = h.indexOf('.');
        if (dot > 0 && h.substring(dot + 1).equals(pattern.substring(2))) {
          return true;
        }
      } else if (pattern.equals(h)) {
        return true;
      }
    }
    return false;
  }

  /** What decided the level of a destination, for logs and the management endpoint. */
  public String source() {
    return "mta-sts " + mode.word() + ", id=" + id;
  }

  /** The form kept in the data directory. */
  public JsonObject toJson() {
    return new JsonObject().put("domain", domain).put("id", id).put("mode", mode.word())
        .put("mx", new JsonArray(new ArrayList<>(mx))).put("maxAge", maxAge).put("fetched", fetched.getEpochSecond());
  }

  /**
   * Reads {@link #toJson()}.
   *
   * @throws IllegalArgumentException or ClassCastException for anything else
   */
  public static MtaStsPolicy fromJson(JsonObject json) {
    Mode mode = Mode.parse(json.getString("mode"));
    if (mode == null || json.getString("domain") == null || json.getString("id") == null) {
      throw new IllegalArgumentException("not a kept MTA-STS policy");
    }
    List<String> mx = new ArrayList<>();
    json.getJsonArray("mx", new JsonArray()).forEach(p -> mx.add(checkPattern((String) p)));
    return new MtaStsPolicy(json.getString("domain"), json.getString("id"), mode, mx,
        json.getLong("maxAge"), Instant.ofEpochSecond(json.getLong("fetched")));
  }

  private static String checkPattern(String pattern) {
    String p = normalise(pattern);
    String name = p.startsWith("*.") ? p.substring(2) : p;
    if (name.isEmpty() || !name.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
      throw new IllegalArgumentException("not an mx pattern: " + abbreviate(pattern));
    }
    return p;
  }

  private static String normalise(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static String abbreviate(String text) {
    String t = text.replaceAll("[^\\x20-\\x7e]", "?");
    return t.length() > 60 ? t.substring(0, 60) + "..." : t;
  }
}
