package io.vmta.smtp.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks {@link UsernamePasswordCredentials} against a {@link UsersFile}; the user's principal is
 * {@code {"username": "<lower-cased address>"}}.
 *
 * <p>Password hashing runs on a worker thread, never on an event loop. Every failure caused by
 * the credentials is an {@link InvalidCredentialsException} with one message; an unknown user
 * costs the same PBKDF2 work as a wrong password (a dummy hash with {@link
 * PasswordHashes#ITERATIONS}), so neither the reply nor its timing tells whether a user exists.
 * Other failures (a worker pool refusing work, say) are internal errors: answer them with
 * {@link AuthReplies#TEMPORARY_FAILURE}, not 535.
 */
public final class UsersAuthenticationProvider implements AuthenticationProvider {

  private final Vertx vertx;
  private final UsersFile users;
  private final AtomicLong verifications = new AtomicLong();

  /** A provider for the users of {@code users}, hashing on {@code vertx}'s worker pool. */
  public UsersAuthenticationProvider(Vertx vertx, UsersFile users) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.users = Objects.requireNonNull(users, "users");
  }

  /**
   * Verifies a username and password; fails with {@link InvalidCredentialsException} when they
   * do not match, and with {@link IllegalArgumentException} for other kinds of credentials.
   */
  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof UsernamePasswordCredentials)) {
      return Future.failedFuture(
          new IllegalArgumentException("UsernamePasswordCredentials expected"));
    }
    UsernamePasswordCredentials given = (UsernamePasswordCredentials) credentials;
    String username = given.getUsername();
    String password = given.getPassword();
    if (username == null || password == null) {
      return Future.failedFuture(new InvalidCredentialsException());
    }
    Optional<String> hash = users.hashOf(username);
    // Unordered: attempts of different sessions on one context need not wait for each other.
    return vertx.executeBlocking(() -> verify(hash, password), false)
        .compose(ok -> ok
            ? Future.succeededFuture(User.fromName(username.toLowerCase(Locale.ROOT)))
            : Future.failedFuture(new InvalidCredentialsException()));
  }

  /** How many password verifications ran, for tests. */
  long verifications() {
    return verifications.get();
  }

  private boolean verify(Optional<String> hash, String password) {
    assert !Context.isOnEventLoopThread() : "password hashing on an event loop";
    // One path for both cases: an unknown user is checked against the dummy, the same work as
    // a real user, and can never pass. The first unknown user of the JVM also pays once for
    // hashing the dummy.
    boolean matches = PasswordHashes.verify(hash.orElseGet(() -> DummyHash.VALUE), password);
    verifications.incrementAndGet();
    return matches && hash.isPresent();
  }

  /** A hash of a random password, made on first use (on a worker) and kept for the JVM. */
  private static final class DummyHash {
    static final String VALUE = PasswordHashes.hash(randomPassword());

    private static String randomPassword() {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }
  }
}
