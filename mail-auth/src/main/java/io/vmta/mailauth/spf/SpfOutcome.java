package io.vmta.mailauth.spf;

import java.util.Objects;

/**
 * What an SPF check found for one identity.
 *
 * @param result  the result
 * @param scope   which identity was checked: {@code "mailfrom"} or {@code "helo"} (RFC 7208 2.3, 2.4)
 * @param domain  the domain checked, lower case (the MAIL FROM domain, or the HELO name)
 * @param reason  a few words for the log and the header comment: what matched or what went wrong
 */
public record SpfOutcome(SpfResult result, String scope, String domain, String reason) {

  public SpfOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(reason, "reason");
  }
}
