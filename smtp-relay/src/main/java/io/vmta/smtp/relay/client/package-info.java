/**
 * The outbound SMTP client of the relay: one {@link io.vmta.smtp.relay.client.SmtpClientSession}
 * per connection, built on the reply decoder and dot-stuffer of smtp-core over a Vert.x
 * {@code NetSocket}. It sends the queued bytes unchanged (only dot-stuffed), passes SIZE,
 * BODY=8BITMIME and SMTPUTF8, and reads one reply per recipient.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>Every recipient of {@code send} gets a result; the future fails only on misuse (bad
 *       arguments, a closed or busy session). A lost connection or timeout makes the undecided
 *       recipients transient with a synthesized {@code 451 4.4.2} whose text says so.
 *   <li>Checks that can never pass on this server fail before MAIL: SIZE (552 5.3.4), a
 *       non-ASCII address without SMTPUTF8 (553 5.6.7) and UTF-8 headers of an SMTPUTF8 message
 *       without it (550 5.6.9, RFC 6531 section 3.2), 8-bit content without 8BITMIME (554 5.6.3,
 *       RFC 6152 section 3: no downgrade). The bytes decide ({@code ContentScan}), not only the
 *       client's declaration; BODY=8BITMIME goes with any 8-bit message the server can take.
 *   <li>A session given up while the server still listens ends with QUIT and its reply.
 *   <li>The {@link io.vmta.smtp.relay.client.TlsLevel} decides: {@code may} (RFC 7435) retries a
 *       failed handshake once in plaintext; {@code encrypt} and {@code verify} defer with 4.7.4
 *       or 4.7.5 instead. Certificates are checked by
 *       {@link io.vmta.smtp.relay.client.PeerVerifier} right after the handshake, before
 *       anything is sent over it; only {@code verify} enforces the result.
 *   <li>Replies read behind a STARTTLS 220 are discarded (RFC 3207 section 6). A 421 closes the
 *       session (RFC 5321 section 3.8).
 *   <li>Credentials go only over TLS, and only to a server whose certificate verified unless
 *       {@code authOverUnverifiedTls}; PLAIN is preferred to LOGIN.
 * </ul>
 */
package io.vmta.smtp.relay.client;
