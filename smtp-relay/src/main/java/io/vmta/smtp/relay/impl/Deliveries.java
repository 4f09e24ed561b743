package io.vmta.smtp.relay.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.local.LocalRecipients;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.relay.QueueOptions;
import io.vmta.smtp.relay.transport.DeliveryResult;
import io.vmta.smtp.relay.transport.Transport;
import io.vmta.smtp.relay.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schedules delivery attempts for spooled messages: at most a fixed number at once, each
 * recipient delivered once, failures retried with exponential backoff, the spool entry removed
 * when every recipient is done. Runs on the queue verticle's event loop; what it starts runs
 * elsewhere: spool writes on the spool's writer thread, reads and Maildir writes on workers,
 * remote delivery in the {@link io.vmta.smtp.relay.RelayVerticle} the remote transport asks.
 */
public final class Deliveries {

  private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

  private final Vertx vertx;
  private final QueueOptions options;
  private final Spool spool;
  /** DESIGN.md "Outbound rules": at most 50 recipients of one domain per transaction. */
  static final int MAX_RECIPIENTS_PER_TRANSACTION = 50;

  private final Transport localTransport;
  private final Transport remoteTransport;
  private final Bouncer bouncer;
  private final LocalRecipients local;
  private final Map<String, QueueEntry> entries = new HashMap<>();
  private final Deque<QueueEntry> ready = new ArrayDeque<>();
  private int active;
  private boolean stopped;
  /** {@code entries.size()}, published for readers on other threads (a metrics scrape). */
  private volatile int size;

  public Deliveries(Vertx vertx, QueueOptions options, Spool spool, LocalRecipients local,
                    Transport localTransport, Transport remoteTransport, Bouncer bouncer) {
    this.vertx = vertx;
    this.options = options;
    this.spool = spool;
    this.local = local;
    this.localTransport = localTransport;
    this.remoteTransport = remoteTransport;
    this.bouncer = bouncer;
  }

  /** Takes a newly spooled message; {@code content} saves a read of the spool for the first attempt. */
  public void add(Envelope envelope, Buffer content) {
    QueueEntry entry = new QueueEntry(envelope, envelope.recipients());
    entries.put(entry.id(), entry);
    sizeChanged();
    start(entry, content);
  }

  /** Takes a message found in the spool at start-up. */
  public void recover(Envelope envelope, List<String> pending, JsonObject state) {
    QueueEntry entry = new QueueEntry(envelope, pending);
    entry.restore(state);
    entries.put(entry.id(), entry);
    sizeChanged();
    scheduleAt(entry, entry.nextAttemptAt);
  }

  /** How many messages are in the queue; safe to call from any thread. */
  public int size() {
    return size;
  }

  private void sizeChanged() {
    size = entries.size();
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

  /** The messages in the queue, for {@link QueueAdmin}. */
  Map<String, QueueEntry> entries() {
    return entries;
  }

  Vertx vertx() {
    return vertx;
  }

  Spool spool() {
    return spool;
  }

  Bouncer bouncer() {
    return bouncer;
  }

  /** Cancels the entry's timer and starts an attempt now (or right after the one under way). */
  void retryNow(QueueEntry entry) {
    cancelTimer(entry);
    entry.nextAttemptAt = System.currentTimeMillis();
    start(entry, null);
  }

  /** Takes the entry out of the schedule (the caller removes it from the spool). */
  void withdraw(QueueEntry entry) {
    cancelTimer(entry);
    ready.remove(entry);
    entry.withdrawn();
    entries.remove(entry.id(), entry);
    sizeChanged();
  }

  /** Puts back an entry that {@link #withdraw} took out, when removing it failed. */
  void reinstate(QueueEntry entry) {
    entries.put(entry.id(), entry);
    sizeChanged();
    scheduleAt(entry, entry.nextAttemptAt);
  }

  void published(String event, String id, JsonObject details) {
    publish(event, id, details);
  }

  private void cancelTimer(QueueEntry entry) {
    if (entry.timer >= 0) {
      vertx.cancelTimer(entry.timer);
      entry.timer = -1;
    }
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
    if (stopped || entries.get(entry.id()) != entry) {
      return;
    }
    switch (entry.requested(active < options.getMaxConcurrentDeliveries())) {
      case RUN -> run(entry, content);
      case WAIT_FOR_SLOT -> ready.add(entry);
      default -> {
        // Already in line, or running: AttemptState remembers to run it once more.
      }
    }
  }

  private void run(QueueEntry entry, Buffer content) {
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
    active--;
    AttemptState.Action after = entry.ended();
    QueueEntry next = stopped ? null : ready.poll();
    if (next != null && next.slotFreed() == AttemptState.Action.RUN) {
      run(next, null);
    }
    // The first in line before a second attempt of this one: a flush must not starve the others.
    if (after == AttemptState.Action.REQUEST_AGAIN) {
      start(entry, null);
    }
    return Future.succeededFuture();
  }

  private Future<Void> attempt(QueueEntry entry, Buffer content) {
    Map<String, List<String>> byDomain = new LinkedHashMap<>();
    for (String rcpt : entry.pending) {
      byDomain.computeIfAbsent(domainOf(rcpt), d -> new ArrayList<>()).add(rcpt);
    }
    long started = System.currentTimeMillis();
    List<Future<Map<String, DeliveryResult>>> parts = new ArrayList<>();
    byDomain.forEach((domain, rcpts) -> {
      Transport transport = local.isLocalDomain(domain) ? localTransport : remoteTransport;
      // DESIGN.md: one transaction carries at most 50 recipients of one domain.
      for (int i = 0; i < rcpts.size(); i += MAX_RECIPIENTS_PER_TRANSACTION) {
        List<String> chunk = rcpts.subList(i, Math.min(rcpts.size(), i + MAX_RECIPIENTS_PER_TRANSACTION));
        parts.add(transport.deliver(entry.envelope, List.copyOf(chunk), content)
            .otherwise(e -> transientForAll(chunk, "local error: " + e)));
      }
    });
    return Future.join(parts).transform(ar -> {
      Map<String, DeliveryResult> results = new LinkedHashMap<>();
      parts.forEach(f -> results.putAll(f.result()));
      return settle(entry, content, results, started);
    });
  }

  /** Records the results: delivered and bounced recipients are done; the rest is retried or expires. */
  private Future<Void> settle(QueueEntry entry, Buffer content, Map<String, DeliveryResult> results, long started) {
    boolean expired = System.currentTimeMillis() - entry.envelope.receivedAt().toEpochMilli()
        > options.getMaxAge().toMillis();
    List<String> finished = new ArrayList<>();
    List<Bouncer.Failure> failures = new ArrayList<>();
    String lastError = null;
    for (Map.Entry<String, DeliveryResult> e : results.entrySet()) {
      String rcpt = e.getKey();
      DeliveryResult r = e.getValue();
      if (r instanceof DeliveryResult.Delivered) {
        logResult(entry, rcpt, r, started, "sent");
        finished.add(rcpt);
      } else if (r instanceof DeliveryResult.Permanent p) {
        logResult(entry, rcpt, r, started, "bounced");
        finished.add(rcpt);
        failures.add(new Bouncer.Failure(rcpt, p.status(), p.detail(), p.relay(), false));
      } else if (r instanceof DeliveryResult.Transient t && expired) {
        logResult(entry, rcpt, r, started, "expired");
        finished.add(rcpt);
        failures.add(new Bouncer.Failure(rcpt, "4.4.7", t.detail(), t.relay(), true));
      } else {
        logResult(entry, rcpt, r, started, "deferred");
        lastError = r.detail();
      }
    }
    String error = lastError;
    // The bounce is queued before the recipients are marked done, so a crash cannot lose it.
    Future<Void> bounced = failures.isEmpty() ? Future.succeededFuture()
        : bouncer.bounce(entry.envelope, content, failures);
    return bounced
        .compose(v -> finished.isEmpty() ? Future.<Void>succeededFuture()
            : spool.markDone(entry.id(), finished).onSuccess(x -> finished.forEach(entry.pending::remove)))
        .compose(v -> {
          if (entry.pending.isEmpty()) {
            return spool.remove(entry.id()).onSuccess(x -> {
              entries.remove(entry.id());
              sizeChanged();
              log.info("{}: removed", entry.id());
              publish("removed", entry.id(), new JsonObject());
            });
          }
          return retryLater(entry, error);
        });
  }

  private static Map<String, DeliveryResult> transientForAll(List<String> recipients, String detail) {
    Map<String, DeliveryResult> out = new LinkedHashMap<>();
    recipients.forEach(r -> out.put(r, new DeliveryResult.Transient("none", "4.3.0", detail)));
    return out;
  }

  private static String domainOf(String rcpt) {
    return rcpt.substring(rcpt.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
  }

  private Future<Void> retryLater(QueueEntry entry, String error) {
    entry.attempts++;
    long backoff = Math.min(options.getMaxDelay().toMillis(),
        options.getInitialDelay().toMillis() << Math.min(20, entry.attempts - 1));
    entry.nextAttemptAt = System.currentTimeMillis() + backoff;
    entry.lastError = error;
    scheduleAt(entry, entry.nextAttemptAt);
    return spool.saveState(entry.id(), entry.state()).recover(e -> {
      // The retry still happens; after a crash it would come sooner than planned, nothing worse.
      log.warn("{}: could not save retry state: {}", entry.id(), e.toString());
      return Future.succeededFuture();
    });
  }

  private void logResult(QueueEntry entry, String rcpt, DeliveryResult r, long started, String status) {
    double delay = (System.currentTimeMillis() - entry.envelope.receivedAt().toEpochMilli()) / 1000.0;
    double attempt = (System.currentTimeMillis() - started) / 1000.0;
    String dsn = r instanceof DeliveryResult.Transient t ? t.status()
        : r instanceof DeliveryResult.Permanent p ? p.status() : "2.0.0";
    // Remote attempts name their TLS as Postfix's "... TLS connection established" does:
    // tls=verify:Verified TLSv1.3 TLS_AES_256_GCM_SHA384, or tls=may:plaintext.
    String tls = r.tls() == null ? "" : ", tls=" + r.tls();
    log.info("{}: to=<{}>, relay={}{}, delay={}, attempt={}, dsn={}, status={} ({})", entry.id(), rcpt, r.relay(),
        tls, String.format("%.2f", delay), String.format("%.2f", attempt), dsn, status, r.detail());
    JsonObject event = new JsonObject().put("to", rcpt).put("relay", r.relay()).put("dsn", dsn)
        .put("detail", r.detail()).put("delay", delay);
    if (r.tls() != null) {
      event.put("tlsLevel", r.tls().level().jsonName()).put("tlsTrust", r.tls().trustLabel());
      if (r.tls().encrypted()) {
        event.put("tlsProtocol", r.tls().protocol()).put("tlsCipher", r.tls().cipher());
      }
    }
    publish(status, entry.id(), event);
  }

  private void publish(String event, String id, JsonObject details) {
    vertx.eventBus().publish(QueueAddresses.EVENTS, details.put("event", event).put("id", id));
  }
}
