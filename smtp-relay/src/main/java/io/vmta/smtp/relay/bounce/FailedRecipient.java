package io.vmta.smtp.relay.bounce;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One recipient to report in a delivery status notification (RFC 3464 section 2.3).
 *
 * @param address    the recipient as it was given in RCPT TO, without angle brackets
 * @param status     the enhanced status code (RFC 3463), e.g. {@code 5.1.1}
 * @param diagnostic the diagnostic with its type, e.g. {@code smtp; 550 5.1.1 user unknown}, or
 *                   {@code null} when no server said anything
 * @param remoteMta  the host name of the server that gave the diagnostic, or {@code null}
 * @param action     {@code failed} or {@code delayed} (RFC 3464 section 2.3.3)
 */
public record FailedRecipient(String address, String status, String diagnostic, String remoteMta,
                              String action) {

  /** The action of a recipient that will not be retried. */
  public static final String FAILED = "failed";
  /** The action of a recipient that is still being retried. */
  public static final String DELAYED = "delayed";

  // RFC 3463 section 2: class "." subject "." detail; class 2, 4 or 5.
  private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

  public FailedRecipient {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(action, "action");
    if (address.isEmpty()) {
      throw new IllegalArgumentException("a failed recipient needs an address");
    }
    if (!STATUS.matcher(status).matches()) {
      throw new IllegalArgumentException("not an enhanced status code: " + status);
    }
    if (!action.equals(FAILED) && !action.equals(DELAYED)) {
      throw new IllegalArgumentException("action must be failed or delayed: " + action);
    }
  }

  /** A permanent failure ({@code Action: failed}). */
  public static FailedRecipient failed(String address, String status, String diagnostic,
                                       String remoteMta) {
    return new FailedRecipient(address, status, diagnostic, remoteMta, FAILED);
  }

  /** A delay that is still being retried ({@code Action: delayed}). */
  public static FailedRecipient delayed(String address, String status, String diagnostic,
                                        String remoteMta) {
    return new FailedRecipient(address, status, diagnostic, remoteMta, DELAYED);
  }

  /** Whether delivery to this recipient is still being retried. */
  public boolean isDelayed() {
    return action.equals(DELAYED);
  }
}
