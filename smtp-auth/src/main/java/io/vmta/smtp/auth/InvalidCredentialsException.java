package io.vmta.smtp.auth;

/**
 * Authentication failed because the login or the password is wrong; the message never says
 * which. Any other failure of {@link UsersAuthenticationProvider} is an internal error.
 */
public final class InvalidCredentialsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The one message of every credentials failure. */
  public static final String MESSAGE = "Invalid username or password";

  /** A credentials failure; without a stack trace, since it is an expected outcome. */
  public InvalidCredentialsException() {
    super(MESSAGE, null, false, false);
  }
}
