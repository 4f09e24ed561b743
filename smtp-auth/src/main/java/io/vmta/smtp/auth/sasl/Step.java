package io.vmta.smtp.auth.sasl;

import io.vmta.smtp.core.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** What a {@link SaslServer} wants next: send a challenge, check credentials, or fail. */
public sealed interface Step {

  /**
   * The server sends {@code "334 " + base64(challenge)} and waits for one more client line
   * (RFC 4954 section 4); an empty challenge is sent as {@code "334 "}.
   *
   * @param challenge the raw challenge bytes, copied on the way in and out
   */
  record Challenge(byte[] challenge) implements Step {

    /** Copies the challenge. */
    public Challenge {
      challenge = challenge.clone();
    }

    /** A challenge from ASCII text such as {@code "Username:"}. */
    public static Challenge of(String text) {
      return new Challenge(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A copy of the challenge bytes. */
    @Override
    public byte[] challenge() {
      return challenge.clone();
    }

    /** Equal when the bytes are equal. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Challenge other && Arrays.equals(challenge, other.challenge);
    }

    /** A hash of the bytes. */
    @Override
    public int hashCode() {
      return Arrays.hashCode(challenge);
    }

    /** The challenge as Latin-1 text, for tests and logs (challenges hold no secrets). */
    @Override
    public String toString() {
      return "Challenge[" + new String(challenge, StandardCharsets.ISO_8859_1) + "]";
    }
  }

  /**
   * The exchange is done: the server checks these credentials and answers 235 or 535.
   *
   * <p>The password lives only in this record: hand it to the authentication provider and drop
   * the record. {@link #toString()} never shows it.
   *
   * @param authzid  the authorization identity, or null when the client sent none; when present
   *                 it equals {@code authcid} ignoring case (we grant no proxy authorization)
   * @param authcid  the authentication identity (the login), non-empty
   * @param password the password, non-empty
   */
  record Credentials(String authzid, String authcid, String password) implements Step {

    /** Checks that the login and the password are present. */
    public Credentials {
      Objects.requireNonNull(authcid, "authcid");
      Objects.requireNonNull(password, "password");
    }

    /** Names the identities, never the password. */
    @Override
    public String toString() {
      return "Credentials[authzid=" + authzid + ", authcid=" + authcid + ", password=<redacted>]";
    }
  }

  /**
   * The exchange failed on a protocol error; the server sends {@code reply} and the AUTH command
   * is over. A 535 reply should count as an authentication failure for throttling.
   *
   * @param reply the reply to send
   */
  record Failed(Reply reply) implements Step {

    /** Checks that a reply is present. */
    public Failed {
      Objects.requireNonNull(reply, "reply");
    }
  }
}
