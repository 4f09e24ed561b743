package io.vmta.smtp.server.impl;

import io.vmta.smtp.auth.sasl.SaslMechanisms;
import io.vmta.smtp.core.BodyType;
import io.vmta.smtp.core.MailAddress;
import io.vmta.smtp.core.MailParameters;
import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.SmtpCommand;
import io.vmta.smtp.core.codec.BdatDecoder;
import io.vmta.smtp.core.codec.DataDecoder;
import io.vmta.smtp.core.local.LocalRecipients;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.server.ListenerMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The protocol state of one SMTP session (RFC 5321 4.1.4): greeting, TLS, the current
 * transaction, and what each command does with them. Byte handling lives in
 * {@link SmtpConnection}, message hand-off in {@link MessageReceiver}.
 */
final class SmtpSession {

  private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

  private static final Reply SENDER_NOT_OWNED =
      Reply.of(553, "5.7.1", "Error: sender address not owned by the authenticated user");

  private final SmtpConnection conn;
  private final ServerContext ctx;
  private final ListenerMode mode;
  private final MessageReceiver receiver;
  private final AuthExchange auth;
  private boolean tls;
  private String heloName;
  private boolean esmtp;
  private String authUser;
  private Transaction tx;

  SmtpSession(SmtpConnection conn, ListenerMode mode, boolean tls) {
    this.conn = conn;
    this.ctx = conn.ctx;
    this.mode = mode;
    this.tls = tls;
    this.receiver = new MessageReceiver(conn, this);
    this.auth = new AuthExchange(conn, this);
  }

  void handle(SmtpCommand command) {
    if (command instanceof SmtpCommand.Ehlo c) {
      helo(c.domain(), true);
    } else if (command instanceof SmtpCommand.Helo c) {
      helo(c.domain(), false);
    } else if (command instanceof SmtpCommand.MailFrom c) {
      mail(c);
    } else if (command instanceof SmtpCommand.RcptTo c) {
      rcpt(c);
    } else if (command instanceof SmtpCommand.Data) {
      data();
    } else if (command instanceof SmtpCommand.Bdat c) {
      receiver.bdat(c, tx, contentProblem());
    } else if (command instanceof SmtpCommand.Rset) {
      tx = null;
      conn.reply(Replies.OK);
    } else if (command instanceof SmtpCommand.Noop) {
      conn.reply(Replies.OK);
    } else if (command instanceof SmtpCommand.Quit) {
      conn.reply(Replies.SERVICE_CLOSING);
      conn.close();
    } else if (command instanceof SmtpCommand.StartTls) {
      startTls();
    } else if (command instanceof SmtpCommand.Vrfy) {
      conn.reply(Replies.VRFY_DISABLED);
    } else if (command instanceof SmtpCommand.Expn) {
      conn.error(Replies.EXPN_DISABLED);
    } else if (command instanceof SmtpCommand.Help) {
      conn.reply(Replies.HELP);
    } else if (command instanceof SmtpCommand.Auth c) {
      auth.begin(c);
    } else {
      conn.error(Replies.SYNTAX_ERROR_COMMAND_UNRECOGNIZED);
    }
  }

  private void helo(String name, boolean extended) {
    heloName = name;
    esmtp = extended;
    tx = null;
    if (!extended) {
      conn.reply(Reply.of(250, null, ctx.options.getHostname()));
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add(ctx.options.getHostname());
    lines.add("PIPELINING");
    lines.add("SIZE " + ctx.options.getMaxMessageSize());
    lines.add("8BITMIME");
    lines.add("ENHANCEDSTATUSCODES");
    if (!tls) {
      lines.add("STARTTLS");
    } else if (ctx.auth != null && authUser == null) {
      // RFC 4954 4: AUTH only over TLS, so passwords never cross the network in clear.
      lines.add("AUTH " + String.join(" ", SaslMechanisms.names()));
    }
    lines.add("SMTPUTF8");
    lines.add("CHUNKING");
    conn.reply(new Reply(250, null, lines));
  }

  private void mail(SmtpCommand.MailFrom c) {
    if (heloName == null) {
      conn.error(Replies.NEED_EHLO);
      return;
    }
    if (tx != null) {
      conn.error(Replies.NESTED_MAIL);
      return;
    }
    if (mode != ListenerMode.MX && authUser == null) {
      // RFC 6409 4.3 / RFC 8314: submission needs an authenticated user (and TLS first).
      conn.error(tls ? Replies.AUTH_REQUIRED : Replies.STARTTLS_REQUIRED);
      return;
    }
    MailParameters p = c.params();
    if (!p.other().isEmpty() || p.body() == BodyType.BINARY_MIME || (p.smtputf8() && !esmtp)) {
      conn.error(Replies.PARAMETER_NOT_RECOGNIZED);
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
    tx = Transaction.begin(QueueId.next(), sender, p.trustingAuth(authUser != null));
    conn.reply(Reply.of(250, "2.1.0", "Ok"));
  }

  private void rcpt(SmtpCommand.RcptTo c) {
    if (tx == null) {
      conn.error(Replies.NEED_MAIL);
      return;
    }
    if (!c.params().isEmpty()) {
      conn.error(Replies.PARAMETER_NOT_RECOGNIZED);
      return;
    }
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
      case UNKNOWN -> reject(address, Replies.UNKNOWN_USER);
      case REMOTE -> {
        if (authUser != null || ctx.isTrusted(conn.clientIp)) {
          accept(address);
        } else {
          reject(address, Replies.RELAY_DENIED);
        }
      }
    }
  }

  private void accept(String address) {
    tx = tx.withRecipient(address);
    conn.reply(Reply.of(250, "2.1.5", "Ok"));
  }

  private void reject(String address, Reply reply) {
    log.info("NOQUEUE: reject: RCPT from [{}]: {} {} <{}>; from=<{}> helo=<{}>", conn.clientIp, reply.code(),
        reply.status(), address, tx.senderText(), heloName);
    conn.error(reply);
  }

  private void data() {
    if (!checkReadyForContent()) {
      return;
    }
    if (tx.chunking()) {
      conn.error(Replies.BAD_SEQUENCE);
      return;
    }
    conn.reply(Replies.START_MAIL_INPUT);
    conn.enterData(new DataDecoder(ctx.options.getMaxMessageSize(), ctx.options.getMaxLineLength()));
  }

  private boolean checkReadyForContent() {
    Reply problem = contentProblem();
    if (problem != null) {
      conn.error(problem);
      return false;
    }
    return true;
  }

  /** Why message content cannot start now, or null when it can. */
  Reply contentProblem() {
    if (tx == null) {
      return Replies.NEED_MAIL;
    }
    if (tx.recipients().isEmpty()) {
      return Replies.NEED_RCPT;
    }
    return null;
  }

  private void startTls() {
    if (tls) {
      conn.error(Replies.BAD_SEQUENCE);
      return;
    }
    conn.awaitTls(conn.upgradeToTls(Replies.READY_TO_START_TLS)
        .onSuccess(v -> {
          // RFC 3207 4.2: forget everything learnt before the handshake.
          tls = true;
          authUser = null;
          heloName = null;
          esmtp = false;
          tx = null;
          log.info("STARTTLS from [{}]: {}", conn.clientIp, conn.socket.sslSession().getProtocol());
        })
        .onFailure(e -> {
          log.info("STARTTLS from [{}] failed: {}", conn.clientIp, e.getMessage());
          conn.close();
        }));
  }

  /** Plaintext arrived after our 220 to STARTTLS and before the handshake. */
  void injectionDetected() {
    log.warn("STARTTLS injection attempt from [{}]: closing", conn.clientIp);
    conn.close();
  }

  void dataEnded(DataDecoder decoder) {
    receiver.dataEnded(tx, decoder);
  }

  void chunkEnded(BdatDecoder decoder) {
    receiver.chunkEnded(decoder);
  }

  /** Drops the transaction (after a message was queued or refused). */
  void endTransaction() {
    tx = null;
  }

  /** Records that BDAT has started in the current transaction. */
  void markChunking() {
    if (tx != null) {
      tx = tx.chunked();
    }
  }

  /** Whether a mail transaction is open (MAIL given, message not yet ended). */
  boolean inTransaction() {
    return tx != null;
  }

  Transaction transaction() {
    return tx;
  }

  String heloName() {
    return heloName;
  }

  boolean esmtp() {
    return esmtp;
  }

  boolean tls() {
    return tls;
  }

  /** AUTH succeeded for {@code login}. */
  void authenticated(String login) {
    authUser = login;
  }

  String authUser() {
    return authUser;
  }
}
