package io.vmta.smtp.server.impl;

import io.vmta.smtp.core.MailAddress;
import io.vmta.smtp.core.MailParameters;

import java.util.ArrayList;
import java.util.List;

/**
 * The envelope of one mail transaction (RFC 5321 3.3): from MAIL to the end of DATA or BDAT
 * LAST. Immutable; each accepted RCPT makes a new one, {@link SmtpSession#resetTransaction()}
 * drops it. Where the transaction stands is the session's {@link SessionPhase}.
 *
 * @param id         the queue id the message will have
 * @param sender     the reverse-path, {@code null} for {@code <>}
 * @param params     the MAIL parameters
 * @param recipients the accepted forward-paths, as envelope strings
 */
record Transaction(String id, MailAddress sender, MailParameters params, List<String> recipients) {

  Transaction {
    recipients = List.copyOf(recipients);
  }

  static Transaction begin(String id, MailAddress sender, MailParameters params) {
    return new Transaction(id, sender, params, List.of());
  }

  Transaction withRecipient(String recipient) {
    List<String> more = new ArrayList<>(recipients);
    more.add(recipient);
    return new Transaction(id, sender, params, more);
  }

  /** The reverse-path as the envelope stores it: the empty string for the null path. */
  String senderText() {
    return sender == null ? "" : sender.toString();
  }
}
