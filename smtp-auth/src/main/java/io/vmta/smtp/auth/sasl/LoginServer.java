package io.vmta.smtp.auth.sasl;

import io.vmta.smtp.auth.AuthReplies;

/**
 * The LOGIN mechanism (draft-murchison-sasl-login-00): the server asks for the user name, then
 * for the password; an initial response on the AUTH line is the user name. The draft suggests
 * "User Name" and "Password" as challenges but has clients ignore them; we send the customary
 * {@code Username:} and {@code Password:}, which some deployed clients insist on.
 */
final class LoginServer implements SaslServer {

  static final Step.Challenge USERNAME = Step.Challenge.of("Username:");
  static final Step.Challenge PASSWORD = Step.Challenge.of("Password:");

  private enum State { NEW, AWAITING_USERNAME, AWAITING_PASSWORD, DONE }

  private State state = State.NEW;
  private String username;

  @Override
  public String mechanism() {
    return "LOGIN";
  }

  @Override
  public Step start(byte[] initialResponse) {
    if (state != State.NEW) {
      throw new IllegalStateException("start() was already called");
    }
    if (initialResponse == null) {
      state = State.AWAITING_USERNAME;
      return USERNAME;
    }
    return acceptUsername(initialResponse);
  }

  @Override
  public Step next(byte[] response) {
    switch (state) {
      case AWAITING_USERNAME:
        return acceptUsername(response);
      case AWAITING_PASSWORD:
        state = State.DONE;
        String password = SaslFields.password(response);
        String user = username;
        username = null;
        return password == null
            ? new Step.Failed(AuthReplies.MALFORMED_RESPONSE)
            : new Step.Credentials(null, user, password);
      default:
        throw new IllegalStateException("no response expected in state " + state);
    }
  }

  private Step acceptUsername(byte[] response) {
    username = SaslFields.identity(response);
    if (username == null) {
      state = State.DONE;
      return new Step.Failed(AuthReplies.MALFORMED_RESPONSE);
    }
    state = State.AWAITING_PASSWORD;
    return PASSWORD;
  }
}
