package io.vmta.smtp.relay.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.local.LocalRecipients;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.relay.QueueOptions;
import io.vmta.smtp.relay.maildir.Maildir;
import io.vmta.smtp.relay.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Schedules delivery attempts for spooled messages: at most a fixed number at once, each
 * recipient delivered once, failures retried with exponential backoff, the spool entry removed
 * when every recipient is done. Runs on the queue verticle's event loop; the I/O it starts runs
 * on workers.
 */
public final class Deliveries {

  private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

  private final Vertx vertx;
  private final QueueOptions options;
  private final Spool spool;
  private final Maildir maildir;
  private final LocalRecipients local;
  private final Map<String, QueueEntry> entries = new HashMap<>();
  private final Deque<QueueEntry> ready = new ArrayDeque<>();
  private int active;
  private boolean stopped;

  public Deliveries(Vertx vertx, QueueOptions options, Spool spool, Maildir maildir, LocalRecipients local) {
    this.vertx = vertx;
    this.options = options;
    this.spool = spool;
    this.maildir = maildir;
    this.local = local;
  }

  /** Takes a newly spooled message; {@code content} saves a read of the spool for the first attempt. */
  public void add(Envelope envelope, Buffer content) {
    QueueEntry entry = new QueueEntry(envelope, envelope.recipients());
    entries.put(entry.id(), entry);
    start(entry, content);
  }

  /** Takes a message found in the spool at start-up. */
  public void recover(Envelope envelope, List<String> pending, JsonObject state) {
    QueueEntry entry = new QueueEntry(envelope, pending);
    entry.restore(state);
    entries.put(entry.id(), entry);
    scheduleAt(entry, entry.nextAttemptAt);
  }

  /** How many messages are in the queue. */
  public int size() {
    return entries.size();
  }

  /** Stops starting new attempts and cancels the timers; attempts under way finish. */
  public void stop() {
    stopped = true;
    entries.values().forEach(e -> {
      if (e.timer >= 0) {
        vertx.cancelTimer(e.timer);
      }
    });
  }

  private void scheduleAt(QueueEntry entry, long at) {
    long delay = at - System.currentTimeMillis();
    if (delay <= 0) {
      start(entry, null);
    } else {
      entry.timer = vertx.setTimer(delay, id -> {
        entry.timer = -1;
        start(entry, null);
      });
    }
  }

  private void start(QueueEntry entry, Buffer content) {
    if (stopped) {
      return;
    }
    if (entry.scheduled) {
      entry.again = true;
      return;
    }
    if (active >= options.getMaxConcurrentDeliveries()) {
      ready.add(entry);
      return;
    }
    entry.scheduled = true;
    active++;
    Future<Buffer> bytes = content != null ? Future.succeededFuture(content) : spool.content(entry.id());
    bytes.compose(b -> attempt(entry, b))
        .recover(e -> {
          log.error("{}: delivery attempt failed: {}", entry.id(), e.toString());
          return retryLater(entry, "local error: " + e.getMessage());
        })
        .eventually(() -> finished(entry));
  }

  private Future<Void> finished(QueueEntry entry) {
    entry.scheduled = false;
    active--;
    if (entry.again) {
      entry.again = false;
      start(entry, null);
    }
    QueueEntry next = ready.poll();
    if (next != null) {
      start(next, null);
    }
    return Future.succeededFuture();
  }

  private Future<Void> attempt(QueueEntry entry, Buffer content) {
    List<String> recipients = new ArrayList<>(entry.pending);
    List<Future<String>> results = new ArrayList<>();
    for (String rcpt : recipients) {
      results.add(deliverOne(entry, rcpt, content));
    }
    return Future.join(results).transform(ar -> {
      List<String> done = new ArrayList<>();
      String error = null;
      for (int i = 0; i < recipients.size(); i++) {
        if (results.get(i).succeeded()) {
          done.add(recipients.get(i));
        } else {
          error = results.get(i).cause().getMessage();
        }
      }
      String lastError = error;
      Future<Void> recorded = done.isEmpty() ? Future.succeededFuture() : spool.markDone(entry.id(), done)
          .onSuccess(v -> done.forEach(entry.pending::remove));
      return recorded.compose(v -> {
        if (entry.pending.isEmpty()) {
          return spool.remove(entry.id()).onSuccess(x -> {
            entries.remove(entry.id());
            log.info("{}: removed", entry.id());
            publish("removed", entry.id(), new JsonObject());
          });
        }
        return retryLater(entry, lastError);
      });
    });
  }

  private Future<String> deliverOne(QueueEntry entry, String rcpt, Buffer content) {
    long started = System.currentTimeMillis();
    int at = rcpt.lastIndexOf('@');
    String domain = rcpt.substring(at + 1);
    if (!local.isLocalDomain(domain)) {
      // Remote delivery arrives with the relay; until then the message waits, visible and kept.
      String why = "remote delivery is not available yet";
      logResult(entry, rcpt, "none", started, "deferred", why);
      return Future.failedFuture(why);
    }
    return maildir.deliver(domain, rcpt.substring(0, at), content)
        .onSuccess(name -> logResult(entry, rcpt, "local", started, "sent", "delivered to maildir as " + name))
        .onFailure(e -> logResult(entry, rcpt, "local", started, "deferred", "maildir: " + e.getMessage()));
  }

  private Future<Void> retryLater(QueueEntry entry, String error) {
    entry.attempts++;
    long backoff = Math.min(options.getMaxDelaySeconds(),
        options.getInitialDelaySeconds() << Math.min(20, entry.attempts - 1));
    entry.nextAttemptAt = System.currentTimeMillis() + backoff * 1000;
    entry.lastError = error;
    // TODO(relay issue): expire after retry.maxAge with a DSN bounce; until then keep retrying.
    scheduleAt(entry, entry.nextAttemptAt);
    return spool.saveState(entry.id(), entry.state()).recover(e -> {
      // The retry still happens; after a crash it would come sooner than planned, nothing worse.
      log.warn("{}: could not save retry state: {}", entry.id(), e.toString());
      return Future.succeededFuture();
    });
  }

  private void logResult(QueueEntry entry, String rcpt, String relay, long started, String status, String detail) {
    double delay = (System.currentTimeMillis() - entry.envelope.receivedAt().toEpochMilli()) / 1000.0;
    double attempt = (System.currentTimeMillis() - started) / 1000.0;
    log.info("{}: to=<{}>, relay={}, delay={}, attempt={}, status={} ({})", entry.id(), rcpt, relay,
        String.format("%.2f", delay), String.format("%.2f", attempt), status, detail);
    publish(status, entry.id(), new JsonObject().put("to", rcpt).put("relay", relay).put("detail", detail));
  }

  private void publish(String event, String id, JsonObject details) {
    vertx.eventBus().publish(QueueAddresses.EVENTS, details.put("event", event).put("id", id));
  }
}
