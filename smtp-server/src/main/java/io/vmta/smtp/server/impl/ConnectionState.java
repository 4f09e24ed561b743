package io.vmta.smtp.server.impl;

/**
 * What {@link SmtpConnection} does with the client's bytes; one state at a time, changed only by
 * that class.
 *
 * <pre>
 * state         | input                                       | entered by       | left by
 * --------------+---------------------------------------------+------------------+---------------------
 * READING       | read and interpreted                        | start; a wait or | await, upgradeToTls,
 *               |                                             | handshake ending | close
 * WAITING       | socket paused, nothing interpreted          | await (queue,    | the work completes
 *               |                                             | AUTH check)      |
 * TLS_HANDSHAKE | read by the TLS handler only; plaintext     | STARTTLS's 220   | handshake done
 *               | arriving meanwhile closes (CVE-2011-0411)   |                  | (or failed: close)
 * CLOSED        | ignored; the slot is free, the transaction  | close(), the     | never
 *               | reset                                       | client leaving   |
 * </pre>
 *
 * <p>A stopping server ({@code SmtpConnection.shutdown}) is not a state of its own: it may ask any
 * of the first three to leave, and the connection remembers it until it can (between
 * transactions, READING, at a command line).
 */
enum ConnectionState {
  READING, WAITING, TLS_HANDSHAKE, CLOSED
}
