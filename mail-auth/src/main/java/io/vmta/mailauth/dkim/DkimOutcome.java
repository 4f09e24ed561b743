package io.vmta.mailauth.dkim;

import java.util.Objects;

/**
 * What checking one {@code DKIM-Signature} found.
 *
 * @param result           the result
 * @param domain           the signing domain ({@code d=}), lower case; empty when the signature
 *                         is too broken to name one
 * @param selector         the selector ({@code s=}); empty when absent
 * @param algorithm        the {@code a=} value as written, e.g. {@code rsa-sha256}; empty when absent
 * @param signaturePrefix  the first characters of {@code b=} (RFC 6008 {@code header.b}), enough
 *                         to tell signatures of one domain apart; empty when absent
 * @param reason           a few words for the log and the header comment
 */
public record DkimOutcome(DkimResult result, String domain, String selector, String algorithm,
    String signaturePrefix, String reason) {

  public DkimOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(signaturePrefix, "signaturePrefix");
    Objects.requireNonNull(reason, "reason");
  }
}
