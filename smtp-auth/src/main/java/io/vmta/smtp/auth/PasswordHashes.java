package io.vmta.smtp.auth;

import io.vertx.ext.auth.hashing.HashingStrategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PBKDF2-HMAC-SHA512 password hashes in the PHC-style form of vertx-auth-common's
 * {@link HashingStrategy}: {@code $pbkdf2$it=<iterations>$<base64 salt>$<base64 hash>}.
 *
 * <p>Both methods are deliberately slow (hundreds of milliseconds): call them from a worker
 * ({@code vertx.executeBlocking(...)}), never from an event loop.
 */
public final class PasswordHashes {

  /** Iterations for new hashes: OWASP's 2023 recommendation for PBKDF2-HMAC-SHA512. */
  public static final int ITERATIONS = 210_000;
  /** Salt length of new hashes, in bytes. */
  public static final int SALT_BYTES = 32;
  /** Most iterations {@link #verify} accepts, so that a bad users file cannot stall a worker. */
  public static final int MAX_ITERATIONS = 10_000_000;

  private static final String ALGORITHM = "pbkdf2";
  private static final String B64 = "[A-Za-z0-9+/]{16,}={0,2}";
  // The vertx implementation silently falls back to 10000 iterations when "it" is missing or not a
  // number, and the strategy would also accept unsalted $sha512$ hashes: accept only this form.
  private static final Pattern FORMAT =
      Pattern.compile("\\$pbkdf2\\$it=([1-9][0-9]{0,7})\\$(" + B64 + ")\\$(" + B64 + ")");
  private static final SecureRandom RANDOM = new SecureRandom();
  // The PBKDF2 algorithm shares one SecretKeyFactory, which is not documented as thread-safe.
  private static final ThreadLocal<HashingStrategy> STRATEGY =
      ThreadLocal.withInitial(HashingStrategy::load);

  private PasswordHashes() {}

  /** Hashes a password with a fresh random salt (blocking, CPU heavy: run on a worker). */
  public static String hash(String password) {
    Objects.requireNonNull(password, "password");
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    String encodedSalt = Base64.getEncoder().withoutPadding().encodeToString(salt);
    return STRATEGY.get().hash(ALGORITHM, Map.of("it", Integer.toString(ITERATIONS)),
        encodedSalt, password);
  }

  /**
   * Tells whether a password matches a hash made by {@link #hash}, comparing in constant time
   * (blocking, CPU heavy: run on a worker); false for a null or malformed hash.
   */
  public static boolean verify(String hash, String password) {
    if (hash == null || password == null) {
      return false;
    }
    Matcher m = FORMAT.matcher(hash);
    if (!m.matches() || Integer.parseInt(m.group(1)) > MAX_ITERATIONS) {
      return false;
    }
    String computed;
    try {
      computed = STRATEGY.get().hash(ALGORITHM, Map.of("it", m.group(1)), m.group(2), password);
    } catch (RuntimeException badBase64) {
      return false;
    }
    return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
        hash.getBytes(StandardCharsets.US_ASCII));
  }

  /** Tells whether a string has the shape of a hash from {@link #hash}, without checking it. */
  public static boolean isWellFormed(String hash) {
    if (hash == null) {
      return false;
    }
    Matcher m = FORMAT.matcher(hash);
    return m.matches() && Integer.parseInt(m.group(1)) <= MAX_ITERATIONS;
  }
}
