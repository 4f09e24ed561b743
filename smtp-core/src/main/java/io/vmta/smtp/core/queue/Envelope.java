package io.vmta.smtp.core.queue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the SMTP transaction said about a message, apart from its bytes: the queue id, the
 * reverse-path, the forward-paths and how the message was received.
 *
 * @param id          the queue id, see {@link QueueId}
 * @param sender      the reverse-path without angle brackets; the empty string for the null path
 * @param recipients  the forward-paths without angle brackets, in the order they were accepted
 * @param smtputf8    whether MAIL FROM carried SMTPUTF8 (RFC 6531)
 * @param body        the BODY parameter of MAIL FROM, {@code 7BIT} when absent
 * @param clientAddress the IP address of the client, or a descriptive name for local injection
 * @param heloName    the name the client gave in HELO/EHLO, may be empty
 * @param authUser    the authenticated login, or {@code null}
 * @param receivedAt  when the server accepted the message
 * @param quarantine  whether local delivery puts the message into the recipient's Junk folder (a
 *                    DMARC failure under {@code p=quarantine}, docs/mail-auth.md)
 * @param requireTls  whether MAIL FROM carried REQUIRETLS (RFC 8689): relayed only over verified TLS
 *                    to servers that offer REQUIRETLS, else bounced (docs/tls.md "REQUIRETLS")
 */
public record Envelope(String id, String sender, List<String> recipients, boolean smtputf8, String body,
                       String clientAddress, String heloName, String authUser, Instant receivedAt,
                       boolean quarantine, boolean requireTls) {

  /** An envelope for the inbox. */
  public Envelope(String id, String sender, List<String> recipients, boolean smtputf8, String body,
                  String clientAddress, String heloName, String authUser, Instant receivedAt) {
    this(id, sender, recipients, smtputf8, body, clientAddress, heloName, authUser, receivedAt, false);
  }

  /** An envelope without REQUIRETLS. */
  public Envelope(String id, String sender, List<String> recipients, boolean smtputf8, String body,
                  String clientAddress, String heloName, String authUser, Instant receivedAt, boolean quarantine) {
    this(id, sender, recipients, smtputf8, body, clientAddress, heloName, authUser, receivedAt, quarantine, false);
  }

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sender, "sender");
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("an envelope needs at least one recipient");
    }
    body = body == null ? "7BIT" : body;
    clientAddress = clientAddress == null ? "" : clientAddress;
    heloName = heloName == null ? "" : heloName;
    receivedAt = receivedAt == null ? Instant.EPOCH : receivedAt;
  }

  /** The same envelope under another queue id. */
  public Envelope withId(String newId) {
    return new Envelope(newId, sender, recipients, smtputf8, body, clientAddress, heloName, authUser, receivedAt,
        quarantine, requireTls);
  }

  /** The same envelope for other recipients. */
  public Envelope withRecipients(List<String> newRecipients) {
    return new Envelope(id, sender, newRecipients, smtputf8, body, clientAddress, heloName, authUser, receivedAt,
        quarantine, requireTls);
  }

  /** The same envelope, delivered locally into the Junk folder or not. */
  public Envelope withQuarantine(boolean junk) {
    return new Envelope(id, sender, recipients, smtputf8, body, clientAddress, heloName, authUser, receivedAt, junk,
        requireTls);
  }

  /** The same envelope, with the REQUIRETLS requirement (RFC 8689) or without. */
  public Envelope withRequireTls(boolean required) {
    return new Envelope(id, sender, recipients, smtputf8, body, clientAddress, heloName, authUser, receivedAt,
        quarantine, required);
  }

  /** A JSON form that {@link #fromJson(JsonObject)} reads back unchanged. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("sender", sender)
        .put("recipients", new JsonArray(List.copyOf(recipients)))
        .put("smtputf8", smtputf8)
        .put("body", body)
        .put("clientAddress", clientAddress)
        .put("heloName", heloName)
        .put("receivedAt", receivedAt.toString());
    if (authUser != null) {
      json.put("authUser", authUser);
    }
    if (quarantine) {
      json.put("quarantine", true);
    }
    if (requireTls) {
      json.put("requireTls", true);
    }
    return json;
  }

  /** Reads the form written by {@link #toJson()}. */
  public static Envelope fromJson(JsonObject json) {
    JsonArray rcpts = json.getJsonArray("recipients", new JsonArray());
    List<String> recipients = rcpts.stream().map(String::valueOf).toList();
    String at = json.getString("receivedAt");
    return new Envelope(json.getString("id"), json.getString("sender", ""), recipients,
        json.getBoolean("smtputf8", false), json.getString("body", "7BIT"),
        json.getString("clientAddress", ""), json.getString("heloName", ""),
        json.getString("authUser"), at == null ? Instant.EPOCH : Instant.parse(at),
        json.getBoolean("quarantine", false), json.getBoolean("requireTls", false));
  }
}
