package io.vmta.smtp.auth.sasl;

import io.vmta.smtp.auth.AuthReplies;
import java.util.Locale;

/**
 * The PLAIN mechanism (RFC 4616): one message {@code [authzid] NUL authcid NUL passwd}, sent as
 * the initial response or after an empty challenge.
 */
final class PlainServer implements SaslServer {

  private enum State { NEW, AWAITING_MESSAGE, DONE }

  private State state = State.NEW;

  @Override
  public String mechanism() {
    return "PLAIN";
  }

  @Override
  public Step start(byte[] initialResponse) {
    if (state != State.NEW) {
      throw new IllegalStateException("start() was already called");
    }
    if (initialResponse == null) {
      // RFC 4616 section 2 / RFC 4954 section 4: no initial response, so an empty challenge.
      state = State.AWAITING_MESSAGE;
      return new Step.Challenge(new byte[0]);
    }
    return finish(initialResponse);
  }

  @Override
  public Step next(byte[] response) {
    if (state != State.AWAITING_MESSAGE) {
      throw new IllegalStateException("no response expected in state " + state);
    }
    return finish(response);
  }

  private Step finish(byte[] message) {
    state = State.DONE;
    return parse(message);
  }

  /** Parses {@code message = [authzid] UTF8NUL authcid UTF8NUL passwd} (RFC 4616 section 2). */
  static Step parse(byte[] message) {
    int first = indexOfNul(message, 0);
    int second = first < 0 ? -1 : indexOfNul(message, first + 1);
    if (second < 0) {
      return new Step.Failed(AuthReplies.MALFORMED_RESPONSE);
    }
    // A third NUL lands in the password, which SaslFields refuses.
    String authzid = first == 0 ? null : SaslFields.identity(message, 0, first);
    String authcid = SaslFields.identity(message, first + 1, second - first - 1);
    String password = SaslFields.password(message, second + 1, message.length - second - 1);
    if ((first > 0 && authzid == null) || authcid == null || password == null) {
      return new Step.Failed(AuthReplies.MALFORMED_RESPONSE);
    }
    // RFC 4616 section 2 leaves acting as another identity to the server's policy: we grant it
    // to nobody, so an authzid other than the login fails like bad credentials (RFC 4954 6).
    if (authzid != null && !authzid.toLowerCase(Locale.ROOT)
        .equals(authcid.toLowerCase(Locale.ROOT))) {
      return new Step.Failed(AuthReplies.INVALID_CREDENTIALS);
    }
    return new Step.Credentials(authzid, authcid, password);
  }

  private static int indexOfNul(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        return i;
      }
    }
    return -1;
  }
}
