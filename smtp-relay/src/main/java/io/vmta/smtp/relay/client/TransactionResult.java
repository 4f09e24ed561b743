package io.vmta.smtp.relay.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one mail transaction, one entry per recipient in the order they were given.
 *
 * @param perRecipient recipient address (as given) to its result; unmodifiable
 */
public record TransactionResult(Map<String, RecipientResult> perRecipient) {

  /** Copies the map, keeping its order. */
  public TransactionResult {
    perRecipient = Collections.unmodifiableMap(new LinkedHashMap<>(perRecipient));
  }

  /** The result for one recipient, or {@code null} if it was not part of the transaction. */
  public RecipientResult get(String recipient) {
    return perRecipient.get(recipient);
  }
}
