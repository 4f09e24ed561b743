package io.vmta.smtp.relay.transport;

/** What happened to one recipient in one delivery attempt. */
public sealed interface DeliveryResult {

  /** Where the message went: {@code local}, a host name with its address, or {@code none}. */
  String relay();

  /** A line for the log and for a bounce: the remote reply, or what went wrong. */
  String detail();

  /** The JSON form, for results that cross the event bus. */
  default io.vertx.core.json.JsonObject toJson() {
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject()
        .put("relay", relay()).put("detail", detail());
    if (this instanceof Transient t) {
      json.put("kind", "transient").put("status", t.status());
    } else if (this instanceof Permanent p) {
      json.put("kind", "permanent").put("status", p.status());
    } else {
      json.put("kind", "delivered");
    }
    return json;
  }

  /** Reads {@link #toJson()}. */
  static DeliveryResult fromJson(io.vertx.core.json.JsonObject json) {
    String relay = json.getString("relay", "none");
    String detail = json.getString("detail", "");
    return switch (json.getString("kind", "transient")) {
      case "delivered" -> new Delivered(relay, detail);
      case "permanent" -> new Permanent(relay, json.getString("status", "5.0.0"), detail);
      default -> new Transient(relay, json.getString("status", "4.0.0"), detail);
    };
  }

  /** Accepted by the mailbox or by the next MTA. */
  record Delivered(String relay, String detail) implements DeliveryResult {
  }

  /** Not now: try again later. {@code status} is an RFC 3463 code such as {@code 4.4.1}. */
  record Transient(String relay, String status, String detail) implements DeliveryResult {
  }

  /** Never: the recipient is bounced. {@code status} is an RFC 3463 code such as {@code 5.1.1}. */
  record Permanent(String relay, String status, String detail) implements DeliveryResult {
  }
}
