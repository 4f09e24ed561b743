package io.vmta.smtp.server.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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
 * The end of a message: DATA or BDAT content checked, the {@code Received:} header prepended,
 * and the message handed to the queue; the client hears 250 only once the queue has it on disk.
 */
final class MessageReceiver {

  private static final Logger log = LoggerFactory.getLogger(MessageReceiver.class);

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

  private void submit(Transaction tx, Buffer content) {
    var options = conn.ctx.options;
    Instant now = Instant.now();
    String protocol = ReceivedHeader.protocol(session.esmtp(), tx.params().smtputf8(), session.tls(),
        session.authUser() != null);
    Buffer header = ReceivedHeader.build(session.heloName(), conn.clientIp, options.getHostname(), protocol,
        tx.id(), tx.recipients(), ZonedDateTime.ofInstant(now, ZoneId.systemDefault()));
    Buffer message = Buffer.buffer(header.length() + content.length()).appendBuffer(header).appendBuffer(content);
    Envelope envelope = new Envelope(tx.id(), tx.senderText(), tx.recipients(), tx.params().smtputf8(),
        tx.params().effectiveBody().keyword(), conn.clientIp, session.heloName(), session.authUser(), now);
    session.submitting();
    conn.await(conn.ctx.queue.submit(new QueuedMessage(envelope, message), options.getQueueTimeout().toMillis())
        .onComplete(ar -> session.resetTransaction())
        .onSuccess(id -> {
          session.messageAccepted();
          log.info("{}: client=[{}], helo=<{}>, from=<{}>, size={}, nrcpt={} (queued)", id, conn.clientIp,
              session.heloName(), tx.senderText(), message.length(), tx.recipients().size());
          conn.reply(Reply.of(250, "2.0.0", "Ok: queued as " + id));
        })
        .onFailure(e -> {
          log.warn("{}: queue did not take message from [{}]: {}", tx.id(), conn.clientIp, e.toString());
          // The queue's own refusal (its write failed) or no queue at all: both keep nothing.
          boolean refusedByQueue = e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE;
          conn.reply(refusedByQueue ? Replies.LOCAL_ERROR : Replies.QUEUE_UNAVAILABLE);
        }));
  }
}
