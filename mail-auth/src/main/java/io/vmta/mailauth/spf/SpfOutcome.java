package io.vmta.mailauth.spf;

import java.util.Objects;

/**
 * What an SPF check found for one identity.
 *
 * @param result       the result
 * @param scope        which identity was checked: {@code "mailfrom"} or {@code "helo"} (RFC 7208 2.3, 2.4)
 * @param domain       the domain checked, lower case (the MAIL FROM domain, or the HELO name)
 * @param reason       a few words for the log and the header comment: what matched or what went wrong
 * @param explanation  the domain's own explanation of a {@code fail} (its {@code exp=} modifier, RFC
 *                     7208 section 6.2), expanded and ASCII; empty when there is none, it could not be
 *                     had, or the result is not {@code fail}
 */
public record SpfOutcome(SpfResult result, String scope, String domain, String reason,
    String explanation) {

  public SpfOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(explanation, "explanation");
  }

  /** An outcome without explanation. */
  public SpfOutcome(SpfResult result, String scope, String domain, String reason) {
    this(result, scope, domain, reason, "");
  }
}
