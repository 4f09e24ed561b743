package io.vmta.mailauth.dkim;

/**
 * A check of one signature ended early with {@code result}: thrown inside the verifier, caught
 * per signature and turned into a {@link DkimOutcome}; never leaves {@link DkimVerifier}.
 */
final class DkimCheckException extends Exception {

  private static final long serialVersionUID = 1L;

  private final DkimResult result;

  DkimCheckException(DkimResult result, String reason) {
    super(reason, null, false, false);
    this.result = result;
  }

  static DkimCheckException permerror(String reason) {
    return new DkimCheckException(DkimResult.PERMERROR, reason);
  }

  static DkimCheckException fail(String reason) {
    return new DkimCheckException(DkimResult.FAIL, reason);
  }

  DkimResult result() {
    return result;
  }
}
