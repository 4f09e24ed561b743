package io.vmta.smtp.relay;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.local.LocalRecipients;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.relay.bounce.BounceBuilder;
import io.vmta.smtp.relay.bounce.FailedRecipient;
import io.vmta.smtp.relay.impl.Bouncer;
import io.vmta.smtp.relay.impl.Deliveries;
import io.vmta.smtp.relay.impl.QueueAdmin;
import io.vmta.smtp.relay.impl.VertxInternals;
import io.vmta.smtp.relay.transport.LocalTransport;
import io.vmta.smtp.relay.transport.Transport;
import io.vmta.smtp.relay.transport.UnavailableTransport;
import io.vmta.smtp.relay.maildir.Maildir;
import io.vmta.smtp.relay.spool.FileSpool;
import io.vmta.smtp.relay.spool.Spool;
import io.vmta.smtp.relay.spool.SpoolEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The durable queue: answers {@code mta.queue.submit} with the queue id once the message is
 * on disk (in a cluster also on {@code mta.queue.submit.<nodeId>}), resumes everything in the
 * spool at start, and delivers: to the Maildir of local recipients, and to the others through
 * the remote transport it is given (the MTA gives {@link io.vmta.smtp.relay.transport.EventBusTransport},
 * which asks this node's {@link RelayVerticle}); retries with backoff and bounces what fails.
 * Deploy one instance per node: it owns its spool directory.
 */
public class QueueVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(QueueVerticle.class);
  /** A deadline that never passes: the sender sent no timeout header. */
  private static final long NO_DEADLINE = Long.MAX_VALUE;

  private final QueueOptions explicitOptions;
  private final Transport remoteTransport;
  private QueueOptions options;
  private LocalRecipients local;
  private Spool spool;
  /** Volatile: {@link #size()} may be read from any thread. */
  private volatile Deliveries deliveries;
  private BounceBuilder bounces;
  private MessageConsumer<QueuedMessage> consumer;
  private MessageConsumer<QueuedMessage> nodeConsumer;
  private MessageConsumer<JsonObject> adminConsumer;
  private MessageConsumer<Object> healthConsumer;
  private Supplier<Future<?>> stopBarrier = Future::succeededFuture;
  private long stopBarrierMaxMillis;

  /** Reads its options from the deployment configuration ({@link QueueOptions} JSON). */
  public QueueVerticle() {
    this(null);
  }

  /** Uses {@code options} (copied) rather than the deployment configuration. */
  public QueueVerticle(QueueOptions options) {
    this(options, null);
  }

  /**
   * Uses {@code options} (copied) and delivers mail for other domains through {@code remote}
   * (null: it waits in the queue, deferred).
   */
  public QueueVerticle(QueueOptions options, Transport remote) {
    this.explicitOptions = options == null ? null : new QueueOptions(options);
    this.remoteTransport = remote;
  }

  @Override
  public Future<?> start() {
    options = explicitOptions != null ? explicitOptions : new QueueOptions(config());
    Path dataDir = Path.of(options.getDataDir());
    local = new LocalRecipients(options.getDomains(), options.getLocalUsers(), options.getAliases(),
        options.getLocal().getRecipientDelimiter());
    spool = new FileSpool(vertx, dataDir.resolve("spool"));
    Transport remote = remoteTransport != null ? remoteTransport : new UnavailableTransport();
    bounces = new BounceBuilder(options.getHostname(), Clock.systemDefaultZone());
    deliveries = new Deliveries(vertx, options, spool, local,
        new LocalTransport(new Maildir(vertx, dataDir.resolve("mail"))), remote, this::bounce);
    QueuedMessageCodec.register(vertx);
    return spool.recover().compose(found -> {
      for (SpoolEntry e : found) {
        deliveries.recover(e.envelope(), e.pendingRecipients(), e.state());
      }
      log.info("queue started with {} message(s) from the spool in {}", found.size(), dataDir.resolve("spool"));
      consumer = vertx.eventBus().consumer(QueueAddresses.SUBMIT, this::submit);
      // In a cluster, servers send to this node's own address too (see QueueAddresses.submitOn).
      nodeConsumer = VertxInternals.nodeId(vertx)
          .map(self -> vertx.eventBus().consumer(QueueAddresses.submitOn(self), this::submit))
          .orElse(null);
      adminConsumer = vertx.eventBus().localConsumer(QueueAddresses.ADMIN, new QueueAdmin(deliveries)::handle);
      healthConsumer = vertx.eventBus().consumer(QueueAddresses.HEALTH, m -> m.reply(new JsonObject().put("status", "UP")));
      return Future.all(consumer.completion(), adminConsumer.completion(), healthConsumer.completion(),
          nodeConsumer == null ? Future.succeededFuture() : nodeConsumer.completion());
    });
  }

  /**
   * Makes {@link #stop()} keep taking submissions until {@code barrier}'s future completes (or
   * {@code maxWaitMillis} passed): the MTA stops its SMTP servers first, and a session finishing
   * its message during their shutdown grace still gets its 250. Call before deploying.
   */
  public QueueVerticle stopAfter(Supplier<Future<?>> barrier, long maxWaitMillis) {
    this.stopBarrier = barrier;
    this.stopBarrierMaxMillis = maxWaitMillis;
    return this;
  }

  @Override
  public Future<?> stop() {
    deliveries.stop();
    Promise<Void> ready = Promise.promise();
    long timer = stopBarrierMaxMillis > 0 ? vertx.setTimer(stopBarrierMaxMillis, t -> {
      if (ready.tryComplete()) {
        log.warn("stopping the queue after {} ms without waiting further for the servers", stopBarrierMaxMillis);
      }
    }) : -1;
    stopBarrier.get().onComplete(ar -> ready.tryComplete());
    return ready.future().compose(v -> {
      vertx.cancelTimer(timer);
      return unregisterAndClose();
    });
  }

  private Future<?> unregisterAndClose() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    Future<Void> node = nodeConsumer == null ? Future.succeededFuture() : nodeConsumer.unregister();
    Future<Void> admin = adminConsumer == null ? Future.succeededFuture() : adminConsumer.unregister();
    Future<Void> health = healthConsumer == null ? Future.succeededFuture() : healthConsumer.unregister();
    return Future.all(List.of(unregistered, node, admin, health)).eventually(() -> spool.close());
  }

  /**
   * How many messages are queued on this node, those recovered from the spool at start-up
   * included; 0 before start. Safe to call from any thread (a metrics scrape).
   */
  public int size() {
    Deliveries d = deliveries;
    return d == null ? 0 : d.size();
  }

  private void submit(Message<QueuedMessage> request) {
    long deadline = deadline(request.headers().get(QueueAddresses.TIMEOUT_HEADER));
    enqueue(request.body(), deadline)
        .onSuccess(request::reply)
        .onFailure(e -> request.fail(451, e instanceof TooLateException ? e.getMessage() : "queue file write error"));
  }

  /**
   * The {@link System#nanoTime()} after which the sender no longer waits for our reply: its
   * timeout from now, less a tenth (at most 1 s) for the reply's way back; no deadline without
   * the header.
   */
  private static long deadline(String timeoutHeader) {
    long now = System.nanoTime();
    if (timeoutHeader == null) {
      return NO_DEADLINE;
    }
    try {
      long timeoutMs = Math.min(TimeUnit.DAYS.toMillis(1), Math.max(0, Long.parseLong(timeoutHeader)));
      long marginMs = Math.min(1000, timeoutMs / 10);
      return now + TimeUnit.MILLISECONDS.toNanos(timeoutMs - marginMs);
    } catch (NumberFormatException e) {
      return NO_DEADLINE;
    }
  }

  /** The spool write finished after the sender gave up: the message was taken back. */
  private static final class TooLateException extends RuntimeException {
    TooLateException() {
      super("queue too slow: message not kept", null, false, false);
    }
  }

  /** Expands aliases, stores the message durably and schedules its delivery; the queue id. */
  private Future<String> enqueue(QueuedMessage message) {
    return enqueue(message, NO_DEADLINE);
  }

  /**
   * As {@link #enqueue(QueuedMessage)}, but a message whose write ends after {@code deadline}
   * (nanoTime) is removed again and fails with {@link TooLateException}: its sender has given up,
   * so keeping it would deliver a copy of what the client will send again.
   */
  private Future<String> enqueue(QueuedMessage message, long deadline) {
    Envelope in = message.envelope();
    String id = QueueId.isValid(in.id()) ? in.id() : QueueId.next();
    List<String> recipients = local.expand(in.recipients());
    Envelope envelope = in.withId(id).withRecipients(recipients);
    return spool.store(new QueuedMessage(envelope, message.content()))
        .compose(v -> deadline == NO_DEADLINE || System.nanoTime() - deadline <= 0
            ? Future.<Void>succeededFuture() : takeBack(id))
        .map(v -> {
          log.info("{}: from=<{}>, size={}, nrcpt={} (queue active)", id, envelope.sender(),
              message.content().length(), recipients.size());
          vertx.eventBus().publish(QueueAddresses.EVENTS, new JsonObject().put("event", "queued").put("id", id)
              .put("from", envelope.sender()).put("size", message.content().length()));
          deliveries.add(envelope, message.content());
          return id;
        })
        .onFailure(e -> {
          if (!(e instanceof TooLateException)) {
            log.error("{}: spool write failed: {}", id, e.toString());
          }
        });
  }

  private Future<Void> takeBack(String id) {
    return spool.remove(id)
        .onSuccess(v -> log.warn("{}: stored after the server's timeout: removed again, not delivered", id))
        .onFailure(e -> log.error("{}: stored after the server's timeout and could not be removed ({}): "
            + "it will be delivered after a restart, possibly twice", id, e.toString()))
        .transform(ar -> Future.failedFuture(new TooLateException()));
  }

  /**
   * Queues one RFC 3464 report to the sender, through this same queue so that a local sender
   * finds it in its Maildir; none for the null sender (RFC 5321 6.1).
   */
  private Future<Void> bounce(Envelope original, Buffer content, List<Bouncer.Failure> failures) {
    List<FailedRecipient> failed = failures.stream()
        .map(f -> FailedRecipient.failed(f.recipient(), f.status(), f.detail(), remoteMta(f.relay())))
        .toList();
    Optional<QueuedMessage> report = bounces.build(original, content, failed);
    if (report.isEmpty()) {
      log.info("{}: no bounce: the sender is the null path", original.id());
      return Future.succeededFuture();
    }
    return enqueue(report.get()).map(id -> {
      log.info("{}: sender non-delivery notification: {}", original.id(), id);
      return null;
    });
  }

  /** The host part of a relay description ({@code mx.example[192.0.2.1]:25}), or null for local ones. */
  private static String remoteMta(String relay) {
    if (relay == null || relay.equals("local") || relay.equals("none")) {
      return null;
    }
    int bracket = relay.indexOf('[');
    return bracket > 0 ? relay.substring(0, bracket) : relay;
  }
}
