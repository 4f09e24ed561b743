package io.vmta.smtp.server.impl;

import io.vmta.smtp.auth.sasl.SaslMechanisms;
import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.SmtpCommand;
import io.vmta.smtp.core.codec.BdatDecoder;
import io.vmta.smtp.core.codec.DataDecoder;
import io.vmta.smtp.server.ListenerMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The protocol state of one SMTP session (RFC 5321 4.1.4): its {@link SessionPhase}, the greeting,
 * TLS, the login and the current {@link Transaction}, and what each command does with them. Only
 * this class changes the phase, and every transaction ends in {@link #resetTransaction()}. Byte
 * handling lives in {@link SmtpConnection}, MAIL and RCPT in {@link EnvelopeCommands}, the end of
 * a message in {@link MessageReceiver}.
 */
final class SmtpSession {

  private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
  private static final Reply TOO_MUCH_JUNK = Reply.of(421, "4.7.0", "Error: too many commands without mail");

  private final SmtpConnection conn;
  private final ServerContext ctx;
  private final EnvelopeCommands envelope;
  private final MessageReceiver receiver;
  private final AuthExchange auth;
  private SessionPhase phase = SessionPhase.CONNECTED;
  private boolean tls;
  private String heloName;
  private boolean esmtp;
  private String authUser;
  /** The open transaction: set exactly while {@link SessionPhase#inTransaction()}. */
  private Transaction tx;
  /** Commands without progress since the last accepted message (Postfix: smtpd_junk_command_limit). */
  private int junk;

  SmtpSession(SmtpConnection conn, ListenerMode mode, boolean tls) {
    this.conn = conn;
    this.ctx = conn.ctx;
    this.tls = tls;
    this.envelope = new EnvelopeCommands(conn, this, mode);
    this.receiver = new MessageReceiver(conn, this);
    this.auth = new AuthExchange(conn, this);
  }

  void handle(SmtpCommand command) {
    if (makesNoProgress(command) && !junkAllowed(command.verb())) {
      return;
    }
    if (command instanceof SmtpCommand.Ehlo c) {
      helo(c.domain(), true);
    } else if (command instanceof SmtpCommand.Helo c) {
      helo(c.domain(), false);
    } else if (command instanceof SmtpCommand.MailFrom c) {
      envelope.mail(c);
    } else if (command instanceof SmtpCommand.RcptTo c) {
      envelope.rcpt(c);
    } else if (command instanceof SmtpCommand.Data) {
      data();
    } else if (command instanceof SmtpCommand.Bdat c) {
      receiver.bdat(c, contentProblem());
    } else if (command instanceof SmtpCommand.Rset) {
      resetTransaction();
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

  private static boolean makesNoProgress(SmtpCommand command) {
    return command instanceof SmtpCommand.Noop || command instanceof SmtpCommand.Rset
        || command instanceof SmtpCommand.Vrfy || command instanceof SmtpCommand.Expn
        || command instanceof SmtpCommand.Help;
  }

  /**
   * Counts a command that makes no progress ({@code what}: NOOP, RSET, VRFY, EXPN, HELP, an empty
   * BDAT that is not LAST). Past {@code limits.maxJunkCommands} since the last accepted message the
   * client is told 421, the connection closes and false says not to run the command: a client
   * that only keeps a connection alive must not hold its slot for ever.
   */
  boolean junkAllowed(String what) {
    if (++junk <= ctx.options.getMaxJunkCommands()) {
      return true;
    }
    log.warn("too many commands without mail from [{}] ({} since the last message, the last {}): closing",
        conn.clientIp, junk, what);
    conn.reply(TOO_MUCH_JUNK);
    conn.close();
    return false;
  }

  /** The queue took a message: the count of commands without progress starts again. */
  void messageAccepted() {
    junk = 0;
  }

  /** RFC 5321 4.1.4: HELO and EHLO end any transaction, as RSET does. */
  private void helo(String name, boolean extended) {
    resetTransaction();
    heloName = name;
    esmtp = extended;
    phase = SessionPhase.GREETED;
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
    if (tls) {
      // RFC 8689 section 2: REQUIRETLS is offered only where the session itself is under TLS.
      lines.add("REQUIRETLS");
    }
    lines.add("SMTPUTF8");
    lines.add("CHUNKING");
    conn.reply(new Reply(250, null, lines));
  }

  private void data() {
    // RFC 3030 2: a transaction that has started BDAT cannot switch to DATA.
    Reply problem = phase == SessionPhase.CHUNKING ? Replies.BAD_SEQUENCE : contentProblem();
    if (problem != null) {
      conn.error(problem);
      return;
    }
    phase = SessionPhase.DATA;
    conn.reply(Replies.START_MAIL_INPUT);
    conn.enterData(new DataDecoder(ctx.options.getMaxMessageSize(), ctx.options.getMaxLineLength()));
  }

  /** Why message content (DATA or BDAT) cannot start now, or null when it can. */
  private Reply contentProblem() {
    return switch (phase) {
      case CONNECTED, GREETED -> Replies.NEED_MAIL;
      case MAIL -> Replies.NEED_RCPT;
      case RCPT, CHUNKING -> null;
      case DATA, SUBMITTING -> Replies.BAD_SEQUENCE; // no command is read in these phases
    };
  }

  private void startTls() {
    if (tls) {
      conn.error(Replies.BAD_SEQUENCE);
      return;
    }
    conn.awaitTls(conn.upgradeToTls(Replies.READY_TO_START_TLS)
        .onSuccess(v -> {
          // RFC 3207 4.2: forget everything learnt before the handshake.
          resetTransaction();
          tls = true;
          authUser = null;
          heloName = null;
          esmtp = false;
          phase = SessionPhase.CONNECTED;
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

  /**
   * The one way out of a mail transaction (RFC 5321 4.1.1.5): drops the envelope, the BDAT chunks
   * received so far, a message body or AUTH response being read, and leaves the session
   * {@link SessionPhase#GREETED} (or still {@link SessionPhase#CONNECTED}). The greeting, TLS and
   * the login stay. Safe to call in any phase, also twice.
   */
  void resetTransaction() {
    tx = null;
    receiver.reset();
    auth.reset();
    conn.resetInput();
    if (phase != SessionPhase.CONNECTED) {
      phase = SessionPhase.GREETED;
    }
  }

  /** MAIL was accepted: the transaction {@code started} is open. */
  void beginTransaction(Transaction started) {
    tx = started;
    phase = SessionPhase.MAIL;
  }

  /** RCPT was accepted for {@code address}. */
  void recipientAccepted(String address) {
    tx = tx.withRecipient(address);
    if (phase == SessionPhase.MAIL) {
      phase = SessionPhase.RCPT;
    }
  }

  /** A BDAT command was accepted: its chunk is read next (RFC 3030 2). */
  void chunkAccepted() {
    phase = SessionPhase.CHUNKING;
  }

  /** The message is complete and goes to the queue; {@link #resetTransaction()} follows its answer. */
  void submitting() {
    phase = SessionPhase.SUBMITTING;
  }

  SessionPhase phase() {
    return phase;
  }

  /** The open transaction, null outside one. */
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

  /** AUTH succeeded for {@code login} (RFC 4954 4: only outside a transaction). */
  void authenticated(String login) {
    resetTransaction();
    authUser = login;
  }

  String authUser() {
    return authUser;
  }
}
