package io.vmta.smtp.relay.transport;

/** What happened to one recipient in one delivery attempt. */
public sealed interface DeliveryResult {

  /** Where the message went: {@code local}, a host name with its address, or {@code none}. */
  String relay();

  /** A line for the log and for a bounce: the remote reply, or what went wrong. */
  String detail();

  /** Accepted by the mailbox or by the next MTA. */
  record Delivered(String relay, String detail) implements DeliveryResult {
  }

  /** Not now: try again later. {@code status} is an RFC 3463 code such as {@code 4.4.1}. */
  record Transient(String relay, String status, String detail) implements DeliveryResult {
  }

  /** Never: the recipient is bounced. {@code status} is an RFC 3463 code such as {@code 5.1.1}. */
  record Permanent(String relay, String status, String detail) implements DeliveryResult {
  }
}
