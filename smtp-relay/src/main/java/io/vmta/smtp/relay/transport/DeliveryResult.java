package io.vmta.smtp.relay.transport;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.relay.client.TlsStatus;

/** What happened to one recipient in one delivery attempt. */
public sealed interface DeliveryResult {

  /** Where the message went: {@code local}, a host name with its address, or {@code none}. */
  String relay();

  /** A line for the log and for a bounce: the remote reply, or what went wrong. */
  String detail();

  /** The TLS of the SMTP attempt (level, protocol, cipher, peer trust); null for other transports. */
  TlsStatus tls();

  /** The JSON form, for results that cross the event bus. */
  default JsonObject toJson() {
    JsonObject json = new JsonObject().put("relay", relay()).put("detail", detail());
    if (this instanceof Transient t) {
      json.put("kind", "transient").put("status", t.status());
    } else if (this instanceof Permanent p) {
      json.put("kind", "permanent").put("status", p.status());
    } else {
      json.put("kind", "delivered");
    }
    if (tls() != null) {
      json.put("tls", tls().toJson());
    }
    return json;
  }

  /** Reads {@link #toJson()}. */
  static DeliveryResult fromJson(JsonObject json) {
    String relay = json.getString("relay", "none");
    String detail = json.getString("detail", "");
    TlsStatus tls = json.getValue("tls") instanceof JsonObject t ? TlsStatus.fromJson(t) : null;
    return switch (json.getString("kind", "transient")) {
      case "delivered" -> new Delivered(relay, detail, tls);
      case "permanent" -> new Permanent(relay, json.getString("status", "5.0.0"), detail, tls);
      default -> new Transient(relay, json.getString("status", "4.0.0"), detail, tls);
    };
  }

  /** Accepted by the mailbox or by the next MTA. */
  record Delivered(String relay, String detail, TlsStatus tls) implements DeliveryResult {
    /** Without TLS information (a transport other than SMTP). */
    public Delivered(String relay, String detail) {
      this(relay, detail, null);
    }
  }

  /** Not now: try again later. {@code status} is an RFC 3463 code such as {@code 4.4.1}. */
  record Transient(String relay, String status, String detail, TlsStatus tls) implements DeliveryResult {
    /** Without TLS information. */
    public Transient(String relay, String status, String detail) {
      this(relay, status, detail, null);
    }
  }

  /** Never: the recipient is bounced. {@code status} is an RFC 3463 code such as {@code 5.1.1}. */
  record Permanent(String relay, String status, String detail, TlsStatus tls) implements DeliveryResult {
    /** Without TLS information. */
    public Permanent(String relay, String status, String detail) {
      this(relay, status, detail, null);
    }
  }
}
