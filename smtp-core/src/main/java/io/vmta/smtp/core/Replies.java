package io.vmta.smtp.core;

/** The fixed replies the server sends (RFC 5321 section 4.2, enhanced codes per RFC 3463). */
public final class Replies {

  /** 250 2.0.0: the command succeeded. */
  public static final Reply OK = Reply.of(250, "2.0.0", "Ok");
  /** 221 2.0.0: answer to QUIT before closing. */
  public static final Reply SERVICE_CLOSING = Reply.of(221, "2.0.0", "Bye");
  /** 354: answer to DATA; no enhanced status, since RFC 3463 has no class 3. */
  public static final Reply START_MAIL_INPUT = Reply.of(354, null, "End data with <CR><LF>.<CR><LF>");
  /** 220 2.0.0: answer to STARTTLS (RFC 3207 section 4). */
  public static final Reply READY_TO_START_TLS = Reply.of(220, "2.0.0", "Ready to start TLS");
  /** 214 2.0.0: answer to HELP. */
  public static final Reply HELP = Reply.of(214, "2.0.0",
      "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH",
      "See RFC 5321 for details");
  /** 252 2.5.2: VRFY is not answered (RFC 5321 section 3.5.3). */
  public static final Reply VRFY_DISABLED =
      Reply.of(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery");
  /** 235 2.7.0: AUTH succeeded (RFC 4954 section 6). */
  public static final Reply AUTH_SUCCEEDED = Reply.of(235, "2.7.0", "Authentication successful");

  /** 421 4.7.0: the session is closed after too many errors. */
  public static final Reply TOO_MANY_ERRORS = Reply.of(421, "4.7.0", "Error: too many errors");
  /** 421 4.4.2: the session is closed after the idle timeout. */
  public static final Reply TIMEOUT = Reply.of(421, "4.4.2", "Error: timeout exceeded");
  /** 451 4.3.0: the message could not be stored; nothing was kept. */
  public static final Reply LOCAL_ERROR = Reply.of(451, "4.3.0", "Error: queue file write error");
  /** 451 4.3.0: no queue answered (none running, or it left or stalled); nothing was kept. */
  public static final Reply QUEUE_UNAVAILABLE = Reply.of(451, "4.3.0", "Error: queue unavailable, try again later");
  /** 452 4.5.3: recipient limit reached; the ones accepted so far stay (RFC 5321 section 4.5.3.1.10). */
  public static final Reply TOO_MANY_RECIPIENTS = Reply.of(452, "4.5.3", "Error: too many recipients");
  /** 454 4.7.0: STARTTLS is offered but TLS cannot start now (RFC 3207 section 4). */
  public static final Reply TLS_NOT_AVAILABLE = Reply.of(454, "4.7.0", "TLS not available due to temporary reason");

  /** 500 5.5.2: unknown verb. */
  public static final Reply SYNTAX_ERROR_COMMAND_UNRECOGNIZED =
      Reply.of(500, "5.5.2", "Error: command not recognized");
  /** 500 5.5.2: command line longer than 512 octets (RFC 5321 section 4.5.3.1.4). */
  public static final Reply LINE_TOO_LONG = Reply.of(500, "5.5.2", "Error: line too long");
  /** 501 5.5.4: bad arguments. */
  public static final Reply SYNTAX_ERROR_PARAMETERS =
      Reply.of(501, "5.5.4", "Syntax error in parameters or arguments");
  /** 501 5.5.2: the command line holds a control character. */
  public static final Reply CONTROL_CHARACTERS = Reply.of(501, "5.5.2", "Error: control characters not allowed");
  /** 502 5.5.1: known but not implemented. */
  public static final Reply COMMAND_NOT_IMPLEMENTED = Reply.of(502, "5.5.1", "Error: command not implemented");
  /** 502 5.5.1: EXPN is refused (RFC 5321 section 3.5.2). */
  public static final Reply EXPN_DISABLED = Reply.of(502, "5.5.1", "EXPN not available");
  /** 503 5.5.1: a command out of order. */
  public static final Reply BAD_SEQUENCE = Reply.of(503, "5.5.1", "Error: bad sequence of commands");
  /** 503 5.5.1: MAIL before HELO/EHLO. */
  public static final Reply NEED_EHLO = Reply.of(503, "5.5.1", "Error: send HELO/EHLO first");
  /** 503 5.5.1: RCPT before MAIL. */
  public static final Reply NEED_MAIL = Reply.of(503, "5.5.1", "Error: need MAIL command");
  /** 503 5.5.1: DATA/BDAT before an accepted RCPT. */
  public static final Reply NEED_RCPT = Reply.of(503, "5.5.1", "Error: need RCPT command");
  /** 503 5.5.1: MAIL inside a transaction. */
  public static final Reply NESTED_MAIL = Reply.of(503, "5.5.1", "Error: nested MAIL command");
  /** 530 5.7.0: AUTH needed before MAIL (RFC 4954 section 6). */
  public static final Reply AUTH_REQUIRED = Reply.of(530, "5.7.0", "Authentication required");
  /** 530 5.7.0: STARTTLS needed first (RFC 3207 section 4). */
  public static final Reply STARTTLS_REQUIRED = Reply.of(530, "5.7.0", "Must issue a STARTTLS command first");
  /** 535 5.7.8: bad credentials (RFC 4954 section 6). */
  public static final Reply AUTH_FAILED = Reply.of(535, "5.7.8", "Error: authentication failed");
  /** 550 5.1.1: no such local recipient. */
  public static final Reply UNKNOWN_USER =
      Reply.of(550, "5.1.1", "Error: recipient address rejected: user unknown");
  /** 552 5.3.4: message larger than the limit (RFC 1870 section 6). */
  public static final Reply MESSAGE_TOO_BIG = Reply.of(552, "5.3.4", "Error: message file too big");
  /** 553 5.6.7: non-ASCII address without SMTPUTF8 (RFC 6531 section 3.6). */
  public static final Reply NON_ASCII_ADDRESS =
      Reply.of(553, "5.6.7", "Error: non-ASCII address requires SMTPUTF8");
  /** 553 5.1.3: the address does not follow the grammar. */
  public static final Reply BAD_ADDRESS_SYNTAX = Reply.of(553, "5.1.3", "Error: bad address syntax");
  /** 554 5.6.0: bare CR or LF inside DATA (the SMTP smuggling defence). */
  public static final Reply BARE_LINE_END = Reply.of(554, "5.6.0", "Error: bare CR or LF in message");
  /** 554 5.6.0: NUL inside DATA. */
  public static final Reply NUL_IN_MESSAGE = Reply.of(554, "5.6.0", "Error: NUL in message");
  /** 554 5.6.0: a text line longer than 1000 octets (RFC 5321 section 4.5.3.1.6). */
  public static final Reply MESSAGE_LINE_TOO_LONG =
      Reply.of(554, "5.6.0", "Error: message line longer than 1000 octets");
  /** 554 5.5.0: pipelined input where the client had to wait. */
  public static final Reply SYNC_ERROR = Reply.of(554, "5.5.0", "Error: SMTP protocol synchronization");
  /** 554 5.7.1: relaying refused. */
  public static final Reply RELAY_DENIED = Reply.of(554, "5.7.1", "Error: relay access denied");
  /** 555 5.5.4: unknown MAIL/RCPT parameter (RFC 5321 section 4.1.1.11). */
  public static final Reply PARAMETER_NOT_RECOGNIZED =
      Reply.of(555, "5.5.4", "Error: MAIL FROM/RCPT TO parameters not recognized or not implemented");

  private Replies() {
  }
}
