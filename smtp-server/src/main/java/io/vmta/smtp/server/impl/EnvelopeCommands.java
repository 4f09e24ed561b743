package io.vmta.smtp.server.impl;

import io.vmta.smtp.core.BodyType;
import io.vmta.smtp.core.MailAddress;
import io.vmta.smtp.core.MailParameters;
import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.SmtpCommand;
import io.vmta.smtp.core.local.LocalRecipients;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.server.ListenerMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MAIL and RCPT (RFC 5321 4.1.1.2, 4.1.1.3): the sequence, the parameters and the policy (who may
 * send, who may receive, relaying). The envelope they build lives in the {@link SmtpSession}.
 */
final class EnvelopeCommands {

  private static final Logger log = LoggerFactory.getLogger(EnvelopeCommands.class);

  private static final Reply SENDER_NOT_OWNED =
      Reply.of(553, "5.7.1", "Error: sender address not owned by the authenticated user");

  /**
   * RFC 8689 gives no reply for REQUIRETLS outside TLS; 530 is RFC 3207's "issue STARTTLS first"
   * and X.7.10 RFC 5248's "Encryption Needed".
   */
  private static final Reply REQUIRETLS_NEEDS_TLS =
      Reply.of(530, "5.7.10", "Error: REQUIRETLS needs a TLS session; issue STARTTLS first");

  private final SmtpConnection conn;
  private final ServerContext ctx;
  private final SmtpSession session;
  private final ListenerMode mode;

  EnvelopeCommands(SmtpConnection conn, SmtpSession session, ListenerMode mode) {
    this.conn = conn;
    this.ctx = conn.ctx;
    this.session = session;
    this.mode = mode;
  }

  void mail(SmtpCommand.MailFrom c) {
    if (session.phase() == SessionPhase.CONNECTED) {
      conn.error(Replies.NEED_EHLO);
      return;
    }
    if (session.phase().inTransaction()) {
      conn.error(Replies.NESTED_MAIL);
      return;
    }
    String authUser = session.authUser();
    if (mode != ListenerMode.MX && authUser == null) {
      // RFC 6409 4.3 / RFC 8314: submission needs an authenticated user (and TLS first).
      conn.error(session.tls() ? Replies.AUTH_REQUIRED : Replies.STARTTLS_REQUIRED);
      return;
    }
    MailParameters p = c.params();
    if (!p.other().isEmpty() || p.body() == BodyType.BINARY_MIME || (p.smtputf8() && !session.esmtp())) {
      conn.error(Replies.PARAMETER_NOT_RECOGNIZED);
      return;
    }
    if (p.requireTls() && !session.tls()) {
      // RFC 8689 section 2: REQUIRETLS only in a session under TLS, where alone it is offered.
      conn.error(REQUIRETLS_NEEDS_TLS);
      return;
    }
    if (p.size() != null && p.size() > ctx.options.getMaxMessageSize()) {
      conn.error(Replies.MESSAGE_TOO_BIG);
      return;
    }
    MailAddress sender = c.sender();
    if (sender != null && !sender.isAscii() && !p.smtputf8()) {
      conn.error(Replies.NON_ASCII_ADDRESS);
      return;
    }
    if (authUser != null && ctx.options.isRestrictSenders()
        && (sender == null || !ctx.local.mayUse(authUser, sender.toString()))) {
      log.info("NOQUEUE: reject: MAIL from [{}]: 553 5.7.1 <{}> not owned by login <{}>", conn.clientIp,
          sender == null ? "" : sender, authUser);
      conn.error(SENDER_NOT_OWNED);
      return;
    }
    // RFC 4954 section 5: AUTH= only from a client that authenticated; from others it counts as AUTH=<>.
    session.beginTransaction(Transaction.begin(QueueId.next(), sender, p.trustingAuth(authUser != null)));
    conn.reply(Reply.of(250, "2.1.0", "Ok"));
  }

  void rcpt(SmtpCommand.RcptTo c) {
    if (!session.phase().inTransaction()) {
      conn.error(Replies.NEED_MAIL);
      return;
    }
    if (!c.params().isEmpty()) {
      conn.error(Replies.PARAMETER_NOT_RECOGNIZED);
      return;
    }
    Transaction tx = session.transaction();
    MailAddress rcpt = c.recipient();
    if (!rcpt.isAscii() && !tx.params().smtputf8()) {
      conn.error(Replies.NON_ASCII_ADDRESS);
      return;
    }
    if (tx.recipients().size() >= ctx.options.getMaxRecipients()) {
      conn.reply(Replies.TOO_MANY_RECIPIENTS);
      return;
    }
    String address = rcpt.domain() == null
        ? "postmaster@" + ctx.local.domains().stream().sorted().findFirst().orElse(ctx.options.getHostname())
        : rcpt.toString();
    LocalRecipients.Kind kind = ctx.local.classify(address);
    switch (kind) {
      case USER, ALIAS, POSTMASTER -> accept(address);
      case UNKNOWN -> reject(tx, address, Replies.UNKNOWN_USER);
      case REMOTE -> {
        if (session.authUser() != null || ctx.isTrusted(conn.clientIp)) {
          accept(address);
        } else {
          reject(tx, address, Replies.RELAY_DENIED);
        }
      }
    }
  }

  private void accept(String address) {
    session.recipientAccepted(address);
    conn.reply(Reply.of(250, "2.1.5", "Ok"));
  }

  private void reject(Transaction tx, String address, Reply reply) {
    log.info("NOQUEUE: reject: RCPT from [{}]: {} {} <{}>; from=<{}> helo=<{}>", conn.clientIp, reply.code(),
        reply.status(), address, tx.senderText(), session.heloName());
    conn.error(reply);
  }
}
