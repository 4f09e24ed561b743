package io.vmta.mailauth.dns;

/**
 * Why a destination domain has no route: permanent (the message bounces) or transient (it is
 * deferred and retried), with the RFC 3463 enhanced status code that says which.
 */
public final class DnsResolutionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String enhancedStatus;

  /** A failure whose class (4 or 5) is the first digit of {@code enhancedStatus}. */
  public DnsResolutionException(String enhancedStatus, String message, Throwable cause) {
    // These are expected outcomes of a lookup, shared between callers through the cache: no trace.
    super(message, cause, false, false);
    if (!enhancedStatus.startsWith("4.") && !enhancedStatus.startsWith("5.")) {
      throw new IllegalArgumentException("enhanced status must be 4.x.x or 5.x.x: "
          + enhancedStatus);
    }
    this.enhancedStatus = enhancedStatus;
  }

  /** Whether retrying cannot help: the enhanced status class is 5. */
  public boolean isPermanent() {
    return enhancedStatus.startsWith("5.");
  }

  /** The enhanced status code, e.g. {@code 5.1.10}, {@code 5.1.2} or {@code 4.4.3}. */
  public String enhancedStatus() {
    return enhancedStatus;
  }

  /** The domain does not exist (NXDOMAIN) or is not a valid domain: 5.1.2 (RFC 3463 3.2). */
  public static DnsResolutionException domainNotFound(String domain, String why) {
    return new DnsResolutionException("5.1.2", domain + ": " + why, null);
  }

  /** The domain publishes a null MX and accepts no mail: 5.1.10 (RFC 7505 section 4.2). */
  public static DnsResolutionException nullMx(String domain) {
    return new DnsResolutionException("5.1.10", domain + ": null MX, accepts no mail", null);
  }

  /** DNS said authoritatively that no mail exchanger has an address: 5.4.4 (RFC 3463 3.5). */
  public static DnsResolutionException noAddress(String domain) {
    return new DnsResolutionException("5.4.4", domain + ": no mail exchanger has an address", null);
  }

  /** SERVFAIL, a timeout or a network error: try again later, 4.4.3 (RFC 3463 3.5). */
  public static DnsResolutionException deferred(String domain, String why, Throwable cause) {
    return new DnsResolutionException("4.4.3", domain + ": " + why, cause);
  }
}
