package io.vmta.smtp.server.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vmta.mailauth.MailAuthenticator.Action;
import io.vmta.mailauth.MailAuthenticator.Verdict;
import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.SmtpCommand;
import io.vmta.smtp.core.codec.BdatDecoder;
import io.vmta.smtp.core.codec.DataDecoder;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueuedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The end of a message: DATA or BDAT content checked, the {@code Received:} header (and for
 * authenticated or trusted senders the {@code DKIM-Signature:} fields) prepended,
 * and the message handed to the queue; the client hears 250 only once the queue has it on disk.
 */
final class MessageReceiver {

  private static final Logger log = LoggerFactory.getLogger(MessageReceiver.class);
  private static final byte[] NO_SIGNATURE = new byte[0];
  /** DMARC failed under the domain's p=reject (RFC 7489 6.7), and the policy honours it. */
  private static final Reply DMARC_REJECT = Reply.of(550, "5.7.1",
      "Message rejected: the sender domain's DMARC policy says so");
  /** The checks could not finish and authentication.tempFailure is defer. */
  private static final Reply CHECKS_DEFERRED = Reply.of(451, "4.7.1",
      "Try again later: the sender's authentication could not be checked");
  /** Signing failed: a bug, not the client's fault; nothing is kept, the client may try again. */
  private static final Reply SIGNING_FAILED = Reply.of(451, "4.3.0", "Error: local error in processing, try again later");

  private final SmtpConnection conn;
  private final SmtpSession session;
  private BdatDecoder chunks;
  private boolean lastChunk;
  private Reply discardReply;

  MessageReceiver(SmtpConnection conn, SmtpSession session) {
    this.conn = conn;
    this.session = session;
  }

  /** DATA content has ended (RFC 5321 4.1.1.4). */
  void dataEnded(Transaction tx, DataDecoder decoder) {
    if (decoder.error() != null) {
      refuse(tx, decoder.error());
      return;
    }
    submit(tx, decoder.content());
  }

  /**
   * A BDAT command (RFC 3030 2): its chunk is always read, even when the command is refused,
   * so that the command stream stays in step.
   */
  void bdat(SmtpCommand.Bdat c, Reply problem) {
    if (problem != null) {
      discardReply = problem;
      conn.enterBdat(new BdatDecoder(0, Integer.MAX_VALUE), c.size());
      return;
    }
    if (c.size() == 0 && !c.last() && !session.junkAllowed("BDAT 0")) {
      return;
    }
    if (session.phase() != SessionPhase.CHUNKING) {
      // The first chunk of this transaction: a new decoder, never one of an earlier transaction.
      var options = conn.ctx.options;
      chunks = new BdatDecoder(options.getMaxMessageSize(), options.getMaxLineLength());
      session.chunkAccepted();
    }
    lastChunk = c.last();
    conn.enterBdat(chunks, c.size());
  }

  /** The current BDAT chunk has been read in full. */
  void chunkEnded(BdatDecoder decoder) {
    if (discardReply != null) {
      Reply reply = discardReply;
      discardReply = null;
      conn.error(reply);
      return;
    }
    Transaction tx = session.transaction();
    if (decoder.error() != null) {
      refuse(tx, decoder.error());
      return;
    }
    if (!lastChunk) {
      conn.reply(Reply.of(250, "2.0.0", "Ok: " + decoder.size() + " octets received"));
      return;
    }
    decoder.finish();
    if (decoder.error() != null) {
      refuse(tx, decoder.error());
      return;
    }
    submit(tx, decoder.content());
  }

  /** Forgets the BDAT chunks of the transaction being reset (part of {@link SmtpSession#resetTransaction()}). */
  void reset() {
    chunks = null;
    lastChunk = false;
    discardReply = null;
  }

  private void refuse(Transaction tx, DataDecoder.Error error) {
    Reply reply = switch (error) {
      case BARE_CR, BARE_LF -> Replies.BARE_LINE_END;
      case NUL -> Replies.NUL_IN_MESSAGE;
      case LINE_TOO_LONG -> Replies.MESSAGE_LINE_TOO_LONG;
      case TOO_BIG -> Replies.MESSAGE_TOO_BIG;
    };
    log.info("{}: reject: message from [{}]: {} {} ({}); from=<{}>", tx.id(), conn.clientIp, reply.code(),
        reply.status(), error, tx.senderText());
    session.resetTransaction();
    conn.error(reply);
  }

  private void submit(Transaction tx, Buffer received) {
    session.submitting();
    // Input waits until the message has its answer: the checks and the queue hand-off both run first.
    Promise<Void> answered = Promise.promise();
    conn.await(answered.future());
    checks(tx, received).onComplete(ar -> {
      if (ar.failed()) {
        // MailAuthenticator never fails; this is a bug: keep nothing, let the client try again.
        log.error("{}: checks of the message from [{}] failed", tx.id(), conn.clientIp, ar.cause());
        session.resetTransaction();
        conn.reply(Replies.LOCAL_ERROR);
        answered.complete();
        return;
      }
      Verdict verdict = ar.result();
      if (verdict != null) {
        log.info("{}: client=[{}], from=<{}>, {}{}", tx.id(), conn.clientIp, tx.senderText(), verdict.summary(),
            verdict.action() == Action.ACCEPT ? "" : " (" + verdict.action().name().toLowerCase(java.util.Locale.ROOT) + ")");
        if (verdict.action() == Action.REJECT || verdict.action() == Action.DEFER) {
          Reply reply = verdict.action() == Action.REJECT ? DMARC_REJECT : CHECKS_DEFERRED;
          log.info("{}: reject: message from [{}]: {} {} ({}); from=<{}>", tx.id(), conn.clientIp, reply.code(),
              reply.status(), verdict.summary(), tx.senderText());
          session.resetTransaction();
          conn.reply(reply);
          answered.complete();
          return;
        }
      }
      queue(tx, verdict, verdict == null ? received : verdict.content()).onComplete(v -> answered.complete());
    });
  }

  /**
   * The checks of incoming mail (SPF, DKIM, DMARC) for a client neither authenticated nor trusted;
   * null (no checks) for the others and when every check is off.
   */
  private Future<Verdict> checks(Transaction tx, Buffer content) {
    var checks = conn.ctx.checks;
    if (checks == null || session.authUser() != null || conn.ctx.isTrusted(conn.clientIp)) {
      return Future.succeededFuture();
    }
    return checks.check(conn.clientIp, tx.senderText(), session.heloName(), content);
  }

  /** Prepends our header fields, hands the message to the queue and answers the client. */
  private Future<String> queue(Transaction tx, Verdict verdict, Buffer received) {
    var options = conn.ctx.options;
    Instant now = Instant.now();
    ZonedDateTime localNow = ZonedDateTime.ofInstant(now, ZoneId.systemDefault());
    String protocol = ReceivedHeader.protocol(session.esmtp(), tx.params().smtputf8(), session.tls(),
        session.authUser() != null);
    Buffer header = ReceivedHeader.build(session.heloName(), conn.clientIp, options.getHostname(), protocol,
        tx.id(), tx.recipients(), localNow);
    // The submission agent's part (RFC 6409 8): a Date and a Message-ID where a user's client left them out,
    // added before signing so the signature covers them.
    Buffer content = session.authUser() == null ? received
        : MsaHeaders.complete(received, options.getHostname(), tx.id(), localNow);
    Envelope envelope = new Envelope(tx.id(), tx.senderText(), tx.recipients(), tx.params().smtputf8(),
        tx.params().effectiveBody().keyword(), conn.clientIp, session.heloName(), session.authUser(), now,
        verdict != null && verdict.action() == Action.QUARANTINE, tx.params().requireTls());
    Buffer results = verdict == null ? Buffer.buffer() : verdict.header();
    Buffer[] message = new Buffer[1];
    return signature(tx, content, now)
        .compose(signature -> {
          // DKIM-Signature above our Received: both are prepended, the signature last (RFC 6376 5.6, 5.4.1).
          // Authentication-Results is prepended too (RFC 8601 5), above Received; mail that is
          // checked is never signed, so the two never meet.
          message[0] = Buffer.buffer(signature.length + results.length() + header.length() + content.length())
              .appendBytes(signature).appendBuffer(results).appendBuffer(header).appendBuffer(content);
          return conn.ctx.queue.submit(new QueuedMessage(envelope, message[0]), options.getQueueTimeout().toMillis())
              .recover(e -> Future.failedFuture(new QueueFailure(e)));
        })
        .onComplete(ar -> session.resetTransaction())
        .onSuccess(id -> {
          session.messageAccepted();
          log.info("{}: client=[{}], helo=<{}>, from=<{}>, size={}, nrcpt={} (queued)", id, conn.clientIp,
              session.heloName(), tx.senderText(), message[0].length(), tx.recipients().size());
          conn.reply(Reply.of(250, "2.0.0", "Ok: queued as " + id));
        })
        .onFailure(failure -> {
          if (!(failure instanceof QueueFailure q)) {
            log.error("{}: DKIM signing failed for message from [{}]", tx.id(), conn.clientIp, failure);
            conn.reply(SIGNING_FAILED);
            return;
          }
          Throwable e = q.getCause();
          log.warn("{}: queue did not take message from [{}]: {}", tx.id(), conn.clientIp, e.toString());
          // The queue's own refusal (its write failed) or no queue at all: both keep nothing.
          boolean refusedByQueue = e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE;
          conn.reply(refusedByQueue ? Replies.LOCAL_ERROR : Replies.QUEUE_UNAVAILABLE);
        });
  }

  /**
   * The DKIM-Signature fields for this message: signed only for authenticated users and trusted
   * networks, never for mail an MX listener took from anyone else; computed once, here, so every
   * retry and destination gets the same bytes. On a worker thread: the body hash is linear in the
   * message size (docs/architecture.md "DKIM signing").
   */
  private Future<byte[]> signature(Transaction tx, Buffer content, Instant now) {
    var signer = conn.ctx.dkim;
    if (signer.isEmpty() || (session.authUser() == null && !conn.ctx.isTrusted(conn.clientIp))) {
      return Future.succeededFuture(NO_SIGNATURE);
    }
    return conn.ctx.vertx.executeBlocking(() -> signer.sign(content.getBytes(), now), false);
  }

  /** A failure of the queue hand-off, told apart from a failure to sign. */
  private static final class QueueFailure extends RuntimeException {
    QueueFailure(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
