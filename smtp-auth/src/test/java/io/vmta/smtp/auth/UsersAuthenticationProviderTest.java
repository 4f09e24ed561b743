package io.vmta.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class UsersAuthenticationProviderTest {

  // Real hashes cost ~0.3 s each: make two for the whole class.
  private static UsersFile users;

  private UsersAuthenticationProvider provider;

  @BeforeAll
  static void hashOnce() {
    users = UsersFile.parse("""
        Alice@Example.TEST:%s
        bob@example.test:%s
        """.formatted(PasswordHashes.hash("s3cret"), PasswordHashes.hash("pässwörd 🔑")),
        "test users");
  }

  @BeforeEach
  void newProvider(Vertx vertx) {
    provider = new UsersAuthenticationProvider(vertx, users);
  }

  private Future<User> login(String username, String password) {
    return provider.authenticate(new UsernamePasswordCredentials(username, password));
  }

  @Test
  void theRightPasswordGivesTheLowerCasedAddress(VertxTestContext test) {
    login("ALICE@example.test", "s3cret").onComplete(test.succeeding(user -> test.verify(() -> {
      assertThat(user.principal())
          .isEqualTo(new JsonObject().put("username", "alice@example.test"));
      assertThat(user.subject()).isEqualTo("alice@example.test");
      test.completeNow();
    })));
  }

  @Test
  void aUtf8PasswordVerifies(VertxTestContext test) {
    Future<User> bob = login("bob@example.test", "pässwörd 🔑");
    bob.onComplete(test.succeeding(user -> test.verify(() -> {
      assertThat(user.principal().getString("username")).isEqualTo("bob@example.test");
      test.completeNow();
    })));
  }

  @Test
  void anUnknownUserAndAWrongPasswordFailAlike(VertxTestContext test) {
    Future<User> wrongPassword = login("alice@example.test", "S3cret");
    Future<User> unknownUser = login("mallory@example.test", "s3cret");
    Future.join(wrongPassword, unknownUser).onComplete(done -> test.verify(() -> {
      assertThat(wrongPassword.failed()).isTrue();
      assertThat(unknownUser.failed()).isTrue();
      assertThat(wrongPassword.cause()).isInstanceOf(InvalidCredentialsException.class)
          .hasMessage(InvalidCredentialsException.MESSAGE);
      assertThat(unknownUser.cause()).isInstanceOf(InvalidCredentialsException.class)
          .hasMessage(wrongPassword.cause().getMessage());
      assertThat(unknownUser.cause().getMessage()).doesNotContain("mallory")
          .doesNotContainIgnoringCase("unknown").doesNotContainIgnoringCase("exist");
      test.completeNow();
    }));
  }

  @Test
  void anUnknownUserStillCostsAPasswordVerification(VertxTestContext test) {
    assertThat(provider.verifications()).isZero();
    login("mallory@example.test", "guess").onComplete(test.failing(err -> test.verify(() -> {
      assertThat(err).isInstanceOf(InvalidCredentialsException.class);
      assertThat(provider.verifications()).isEqualTo(1);
      test.completeNow();
    })));
  }

  @Test
  void aWrongPasswordCostsOneVerification(VertxTestContext test) {
    login("bob@example.test", "guess").onComplete(test.failing(err -> test.verify(() -> {
      assertThat(provider.verifications()).isEqualTo(1);
      test.completeNow();
    })));
  }

  @Test
  void hashingLeavesTheEventLoop(Vertx vertx, VertxTestContext test) {
    // verify() asserts it is off the event loop (surefire enables assertions); calling from an
    // event loop proves the work was moved, and the result comes back on the caller's context.
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> test.verify(() -> login("alice@example.test", "s3cret")
        .onComplete(test.succeeding(user -> test.verify(() -> {
          assertThat(Vertx.currentContext()).isSameAs(context);
          assertThat(Context.isOnEventLoopThread()).isTrue();
          test.completeNow();
        })))));
  }

  @Test
  void missingFieldsFailAsInvalidCredentials(VertxTestContext test) {
    UsernamePasswordCredentials noPassword =
        new UsernamePasswordCredentials("alice@example.test", null);
    provider.authenticate(noPassword).onComplete(test.failing(err -> test.verify(() -> {
      assertThat(err).isInstanceOf(InvalidCredentialsException.class);
      test.completeNow();
    })));
  }

  @Test
  void otherCredentialsAreAProgrammingError(VertxTestContext test) {
    provider.authenticate(JsonObject::new).onComplete(test.failing(err -> test.verify(() -> {
      assertThat(err).isInstanceOf(IllegalArgumentException.class);
      assertThat(provider.verifications()).isZero();
      test.completeNow();
    })));
  }
}
