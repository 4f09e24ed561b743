package io.vmta.mailauth.dmarc;

import java.util.Objects;
import java.util.Optional;

/**
 * What a DMARC check found and what it asks the receiver to do.
 *
 * @param result       pass, fail, none, temperror or permerror
 * @param fromDomain   the RFC5322.From domain evaluated, lower case; empty when there was none
 * @param policy       the policy that applied: {@code p=} of the From domain's own record, or
 *                     {@code sp=} (else {@code p=}) of its organizational domain's record; empty
 *                     when no valid record was found
 * @param policyDomain the domain whose {@code _dmarc} record applied; empty without one
 * @param disposition  what to do with the message: {@code none} unless the result is fail, then
 *                     the policy, one step lower when {@code pct} did not select the message
 * @param sampledOut   whether {@code pct} sampling lowered the disposition (RFC 7489 6.6.4)
 * @param reason       a few words for the log and the header comment
 */
public record DmarcOutcome(DmarcResult result, String fromDomain, Optional<DmarcPolicy> policy,
    String policyDomain, DmarcPolicy disposition, boolean sampledOut, String reason) {

  public DmarcOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(fromDomain, "fromDomain");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(policyDomain, "policyDomain");
    Objects.requireNonNull(disposition, "disposition");
    Objects.requireNonNull(reason, "reason");
  }

  /** An outcome without a policy: none, temperror or permerror, disposition none. */
  public static DmarcOutcome withoutPolicy(DmarcResult result, String fromDomain, String reason) {
    return new DmarcOutcome(result, fromDomain, Optional.empty(), "", DmarcPolicy.NONE, false,
        reason);
  }
}
