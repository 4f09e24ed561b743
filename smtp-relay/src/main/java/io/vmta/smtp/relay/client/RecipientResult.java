package io.vmta.smtp.relay.client;

import io.vmta.smtp.core.Reply;
import java.util.Objects;

/** What became of one recipient in one SMTP transaction, with the reply that decided it. */
public sealed interface RecipientResult {

  /** The reply that decided the outcome; synthesized (and saying so) when the server gave none. */
  Reply reply();

  /** The outcome for a reply: 2xx delivered, 5xx permanent, anything else transient. */
  static RecipientResult of(Reply reply) {
    if (reply.code() / 100 == 2) {
      return new Delivered(reply);
    }
    return reply.isPermanent() ? new Permanent(reply) : new Transient(reply);
  }

  /** The server took responsibility for the message (RFC 5321 section 4.1.1.4, final 250). */
  record Delivered(Reply reply) implements RecipientResult {
    /** Requires a reply. */
    public Delivered {
      Objects.requireNonNull(reply, "reply");
    }
  }

  /** Try again later: a 4xx reply or a connection problem. */
  record Transient(Reply reply) implements RecipientResult {
    /** Requires a reply. */
    public Transient {
      Objects.requireNonNull(reply, "reply");
    }
  }

  /** Do not try again: a 5xx reply, or a local check that can never pass for this server. */
  record Permanent(Reply reply) implements RecipientResult {
    /** Requires a reply. */
    public Permanent {
      Objects.requireNonNull(reply, "reply");
    }
  }
}
