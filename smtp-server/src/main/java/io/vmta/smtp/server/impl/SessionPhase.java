package io.vmta.smtp.server.impl;

/**
 * Where a session is in the command sequence of RFC 5321 (3.3, 4.1.4). {@link SmtpSession}
 * holds exactly one phase and is the only class that changes it; this table is every phase and
 * every transition.
 *
 * <pre>
 * phase      | the session accepts                        | entered by
 * -----------+--------------------------------------------+---------------------------------------
 * CONNECTED  | HELO/EHLO, STARTTLS, AUTH (MAIL is 503)     | the greeting; STARTTLS's handshake
 * GREETED    | MAIL, STARTTLS, AUTH                       | HELO/EHLO; every reset (below)
 * MAIL       | RCPT (DATA and BDAT are 503)               | MAIL accepted
 * RCPT       | more RCPT, DATA, BDAT                      | the first RCPT accepted
 * DATA       | no command: the body is read               | DATA answered 354
 * CHUNKING   | more BDAT and RCPT (DATA is 503)           | a BDAT accepted (its chunk is read first)
 * SUBMITTING | no command: input paused                   | content complete and clean (DATA's end,
 *            |                                            | BDAT LAST); the queue has the message
 * </pre>
 *
 * <p>Every transaction ends in {@link SmtpSession#resetTransaction()}, which drops the envelope,
 * the BDAT chunks received so far and any message body or AUTH line being read, and leaves the
 * session GREETED (CONNECTED if it never was): RSET, HELO/EHLO, a successful AUTH, STARTTLS
 * (which then goes back to CONNECTED and forgets the greeting and login, RFC 3207 4.2), the
 * queue's answer whether it took the message or not, content refused (bare CR or LF, NUL, a line
 * or the message too long), a refused chunk, and the connection closing for any reason (QUIT,
 * every 421, the client leaving). RSET, NOOP, VRFY, EXPN, HELP and refused commands do not change
 * the phase otherwise.
 */
enum SessionPhase {
  CONNECTED, GREETED, MAIL, RCPT, DATA, CHUNKING, SUBMITTING;

  /** Whether a mail transaction is open: MAIL was accepted and its message has not ended. */
  boolean inTransaction() {
    return compareTo(MAIL) >= 0;
  }
}
