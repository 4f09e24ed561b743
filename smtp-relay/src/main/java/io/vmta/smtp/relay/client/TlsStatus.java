package io.vmta.smtp.relay.client;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The TLS of one delivery attempt: the level asked for and, when TLS was established, the
 * protocol, the cipher suite and how the peer was authenticated; all three are null in
 * plaintext. {@code reason} says why the peer is not {@link PeerTrust#VERIFIED}, or is null.
 */
public record TlsStatus(TlsLevel level, String protocol, String cipher, PeerTrust trust, String reason) {

  public TlsStatus {
    Objects.requireNonNull(level, "level");
  }

  /** No TLS on the connection, at {@code level}. */
  public static TlsStatus plaintext(TlsLevel level) {
    return new TlsStatus(level, null, null, null, null);
  }

  /** Whether the connection was encrypted. */
  public boolean encrypted() {
    return protocol != null;
  }

  /** This status at {@code other} level (a pooled session used for a destination of that level). */
  public TlsStatus atLevel(TlsLevel other) {
    return new TlsStatus(other, protocol, cipher, trust, reason);
  }

  /** The peer's trust as a metric label: {@code verified}, {@code trusted}, {@code untrusted} or {@code none}. */
  public String trustLabel() {
    return trust == null ? "none" : trust.word().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * For the delivery log line, as Postfix words its "TLS connection established":
   * {@code verify:Verified TLSv1.3 TLS_AES_256_GCM_SHA384}, {@code may:plaintext}.
   */
  @Override
  public String toString() {
    if (!encrypted()) {
      return level.jsonName() + ":plaintext";
    }
    return level.jsonName() + ":" + (trust == null ? "Untrusted" : trust.word()) + " " + protocol + " " + cipher;
  }

  /** The JSON form, for results that cross the event bus. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("level", level.jsonName());
    if (encrypted()) {
      json.put("protocol", protocol).put("cipher", cipher).put("trust", trust == null ? null : trust.word());
    }
    if (reason != null) {
      json.put("reason", reason);
    }
    return json;
  }

  /** Reads {@link #toJson()}; null for null or an unknown level. */
  public static TlsStatus fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    TlsLevel level = TlsLevel.parse(json.getString("level", ""));
    if (level == null) {
      return null;
    }
    return new TlsStatus(level, json.getString("protocol"), json.getString("cipher"),
        PeerTrust.parse(json.getString("trust", "")), json.getString("reason"));
  }
}
