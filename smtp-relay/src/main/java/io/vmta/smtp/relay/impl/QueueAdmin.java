package io.vmta.smtp.relay.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Answers {@code mta.queue.admin} requests: list, show, retry, flush and delete queued messages.
 * Runs on the queue verticle's event loop, like {@link Deliveries} whose state it reads.
 */
public final class QueueAdmin {

  private static final Logger log = LoggerFactory.getLogger(QueueAdmin.class);

  /** Default page size of {@code list}. */
  public static final int DEFAULT_LIMIT = 100;
  /** Largest page size of {@code list}. */
  public static final int MAX_LIMIT = 1000;
  /** Status and detail of the bounces sent for messages deleted without {@code discard}. */
  static final String DELETED_STATUS = "5.0.0";
  static final String DELETED_DETAIL = "deleted by the administrator";

  /** How long a delete waits for an attempt under way to finish. */
  private static final long IDLE_WAIT_MS = 5000;

  private final Deliveries deliveries;

  public QueueAdmin(Deliveries deliveries) {
    this.deliveries = deliveries;
  }

  /** Handles one request; replies with a JSON object or fails with 400, 404, 409 or 500. */
  public void handle(Message<JsonObject> request) {
    JsonObject body = request.body() == null ? new JsonObject() : request.body();
    Future<JsonObject> reply;
    try {
      reply = switch (String.valueOf(body.getValue("action"))) {
        case "list" -> Future.succeededFuture(list(body));
        case "show" -> Future.succeededFuture(describe(entry(body)));
        case "retry" -> Future.succeededFuture(retry(entry(body)));
        case "flush" -> Future.succeededFuture(flush());
        case "delete" -> delete(entry(body), body.getValue("discard"));
        default -> throw new AdminException(400, "unknown action: " + body.getValue("action"));
      };
    } catch (AdminException e) {
      reply = Future.failedFuture(e);
    } catch (ClassCastException e) {
      reply = Future.failedFuture(new AdminException(400, "bad parameter: " + e.getMessage()));
    }
    reply.onSuccess(request::reply).onFailure(e -> {
      if (e instanceof AdminException a) {
        request.fail(a.code, a.getMessage());
      } else {
        request.fail(500, String.valueOf(e.getMessage()));
      }
    });
  }

  private JsonObject list(JsonObject body) {
    int offset = integer(body, "offset", 0);
    int limit = Math.min(MAX_LIMIT, integer(body, "limit", DEFAULT_LIMIT));
    List<QueueEntry> sorted = deliveries.entries().values().stream()
        .sorted(Comparator.comparing(QueueEntry::id)).toList();
    JsonArray messages = new JsonArray();
    sorted.stream().skip(offset).limit(limit).forEach(e -> messages.add(describe(e)));
    return new JsonObject().put("total", sorted.size()).put("messages", messages);
  }

  private JsonObject retry(QueueEntry entry) {
    log.info("{}: retry requested by the administrator", entry.id());
    deliveries.retryNow(entry);
    return new JsonObject().put("id", entry.id()).put("scheduled", true);
  }

  /** Retries every queued message (one under way gets another attempt right after). */
  private JsonObject flush() {
    List<QueueEntry> deferred = List.copyOf(deliveries.entries().values());
    deferred.forEach(deliveries::retryNow);
    log.info("flush requested by the administrator: {} message(s)", deferred.size());
    return new JsonObject().put("scheduled", deferred.size());
  }

  private Future<JsonObject> delete(QueueEntry entry, Object discardValue) {
    if (discardValue != null && !(discardValue instanceof Boolean)) {
      throw new AdminException(400, "discard must be true or false");
    }
    boolean discard = Boolean.TRUE.equals(discardValue);
    return whenIdle(entry, System.currentTimeMillis() + IDLE_WAIT_MS).compose(v -> remove(entry, discard));
  }

  /** Completes once no attempt of {@code entry} is under way; 409 if one still is at the deadline. */
  private Future<Void> whenIdle(QueueEntry entry, long deadline) {
    if (!entry.attemptRunning()) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture(new AdminException(409, "delivery in progress"));
    }
    Promise<Void> later = Promise.promise();
    deliveries.vertx().setTimer(50, t -> whenIdle(entry, deadline).onComplete(later));
    return later.future();
  }

  private Future<JsonObject> remove(QueueEntry entry, boolean discard) {
    if (deliveries.entries().get(entry.id()) != entry) {
      return Future.failedFuture(new AdminException(404, "no such message"));
    }
    deliveries.withdraw(entry);
    List<Bouncer.Failure> failures = entry.pending.stream()
        .map(r -> new Bouncer.Failure(r, DELETED_STATUS, DELETED_DETAIL, "none", false)).toList();
    Future<Void> bounced = discard || failures.isEmpty() ? Future.succeededFuture()
        : deliveries.spool().content(entry.id())
            .compose(content -> deliveries.bouncer().bounce(entry.envelope, content, failures));
    return bounced.compose(v -> deliveries.spool().remove(entry.id()))
        .map(v -> {
          log.info("{}: deleted by the administrator ({})", entry.id(), discard ? "discarded" : "bounced");
          deliveries.published("removed", entry.id(), new JsonObject().put("reason", "deleted")
              .put("discard", discard));
          return new JsonObject().put("id", entry.id()).put("deleted", true).put("bounced", !discard);
        })
        .onFailure(e -> {
          log.error("{}: delete failed: {}", entry.id(), e.toString());
          deliveries.reinstate(entry);
        });
  }

  private QueueEntry entry(JsonObject body) {
    Object id = body.getValue("id");
    if (!(id instanceof String s) || s.isEmpty()) {
      throw new AdminException(400, "id is required");
    }
    QueueEntry entry = deliveries.entries().get(s);
    if (entry == null) {
      throw new AdminException(404, "no such message");
    }
    return entry;
  }

  /** What the administrator sees of one message. */
  static JsonObject describe(QueueEntry e) {
    return new JsonObject()
        .put("id", e.id())
        .put("sender", e.envelope.sender())
        .put("recipients", new JsonArray(List.copyOf(e.pending)))
        .put("receivedAt", e.envelope.receivedAt().toString())
        .put("attempts", e.attempts)
        .put("nextAttemptAt", e.nextAttemptAt > 0 ? Instant.ofEpochMilli(e.nextAttemptAt).toString() : null)
        .put("lastError", e.lastError);
  }

  private static int integer(JsonObject body, String key, int defaultValue) {
    Object v = body.getValue(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Number n) || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
      throw new AdminException(400, key + " must be a non-negative integer");
    }
    return n.intValue();
  }

  /** A refusal with an HTTP-like code. */
  static final class AdminException extends RuntimeException {
    final int code;

    AdminException(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
