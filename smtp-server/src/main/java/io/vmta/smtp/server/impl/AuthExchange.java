package io.vmta.smtp.server.impl;

import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vmta.smtp.auth.AuthReplies;
import io.vmta.smtp.auth.AuthThrottle;
import io.vmta.smtp.auth.InvalidCredentialsException;
import io.vmta.smtp.auth.sasl.SaslException;
import io.vmta.smtp.auth.sasl.SaslMechanisms;
import io.vmta.smtp.auth.sasl.SaslServer;
import io.vmta.smtp.auth.sasl.Step;
import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.SmtpCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Base64;
import java.util.List;

/**
 * The AUTH command (RFC 4954): checks when it is allowed, drives a SASL mechanism through its
 * challenges, checks the credentials off the event loop and applies the failure limits. The
 * password is never logged; the login is, with the client IP.
 */
final class AuthExchange {

  /** After this many failed AUTH in one session the connection is closed. */
  static final int MAX_FAILURES_PER_SESSION = 3;

  private static final Logger log = LoggerFactory.getLogger(AuthExchange.class);
  private static final Reply ENCRYPTION_REQUIRED =
      Reply.of(538, "5.7.11", "Error: encryption required for requested authentication mechanism");
  private static final Reply ALREADY_AUTHENTICATED = Reply.of(503, "5.5.1", "Error: already authenticated");
  private static final Reply IN_TRANSACTION = Reply.of(503, "5.5.1", "Error: AUTH not allowed during a mail transaction");
  private static final Reply NOT_AVAILABLE = Reply.of(502, "5.5.1", "Error: authentication not available");
  private static final Reply TOO_MANY_FAILURES = Reply.of(421, "4.7.0", "Error: too many authentication failures");

  private final SmtpConnection conn;
  private final SmtpSession session;
  private SaslServer sasl;
  private String mechanism;
  private int failures;

  AuthExchange(SmtpConnection conn, SmtpSession session) {
    this.conn = conn;
    this.session = session;
  }

  /** The AUTH command line. */
  void begin(SmtpCommand.Auth command) {
    ServerContext ctx = conn.ctx;
    Reply refusal = ctx.auth == null ? NOT_AVAILABLE
        : !session.tls() ? ENCRYPTION_REQUIRED
        : session.authUser() != null ? ALREADY_AUTHENTICATED
        : session.phase().inTransaction() ? IN_TRANSACTION
        : null;
    if (refusal != null) {
      conn.error(refusal);
      return;
    }
    SaslServer server;
    byte[] initial;
    try {
      server = SaslMechanisms.create(command.mechanism());
      initial = command.initialResponse() == null ? null : SaslMechanisms.decodeResponse(command.initialResponse());
    } catch (IllegalArgumentException unknownMechanism) {
      conn.error(AuthReplies.UNSUPPORTED_MECHANISM);
      return;
    } catch (SaslException e) {
      conn.error(e.reply());
      return;
    }
    // Counted from here on, so that parallel attempts from one address see each other.
    AuthThrottle.Decision decision = ctx.throttle.begin(conn.clientIp);
    if (decision instanceof AuthThrottle.Decision.Refuse) {
      log.warn("AUTH from [{}] refused: too many recent failures from this address", conn.clientIp);
      conn.error(AuthReplies.TEMPORARY_FAILURE);
      return;
    }
    sasl = server;
    mechanism = server.mechanism();
    Future<Void> pause = Future.succeededFuture();
    if (decision instanceof AuthThrottle.Decision.Delay delay) {
      // Slow the guessing down: the client waits, and nothing else of it is read meanwhile.
      pause = ctx.vertx.timer(delay.delay().toMillis()).mapEmpty();
    }
    conn.await(pause.compose(v -> step(server.start(initial))));
  }

  /** A client line inside the exchange (RFC 4954 4: base64, or "*" to cancel). */
  void line(String text) {
    byte[] response;
    try {
      response = SaslMechanisms.decodeResponse(text);
    } catch (SaslException e) {
      end();
      conn.ctx.throttle.abandon(conn.clientIp);
      conn.error(e.reply());
      return;
    }
    conn.await(step(sasl.next(response)));
  }

  /** A client line inside the exchange was too long or malformed as a line. */
  void badLine(Reply reply) {
    end();
    conn.ctx.throttle.abandon(conn.clientIp);
    conn.error(reply);
  }

  private Future<Void> step(Step step) {
    if (step instanceof Step.Challenge challenge) {
      String encoded = Base64.getEncoder().encodeToString(challenge.challenge());
      conn.reply(new Reply(334, null, List.of(encoded)));
      conn.expectAuthLine(this);
      return Future.succeededFuture();
    }
    end();
    if (step instanceof Step.Failed failed) {
      if (failed.reply().code() == 535) {
        failed(null);
      } else {
        conn.ctx.throttle.abandon(conn.clientIp);
        conn.error(failed.reply());
      }
      return Future.succeededFuture();
    }
    Step.Credentials credentials = (Step.Credentials) step;
    String login = credentials.authcid();
    return conn.ctx.auth.authenticate(new UsernamePasswordCredentials(login, credentials.password()))
        .transform(ar -> {
          if (ar.succeeded()) {
            succeeded(ar.result());
          } else if (ar.cause() instanceof InvalidCredentialsException) {
            failed(login);
          } else {
            log.error("AUTH from [{}]: credentials could not be checked: {}", conn.clientIp, ar.cause().toString());
            conn.ctx.throttle.abandon(conn.clientIp);
            conn.error(AuthReplies.TEMPORARY_FAILURE);
          }
          return Future.succeededFuture();
        });
  }

  private void succeeded(User user) {
    String login = user.principal().getString("username");
    conn.ctx.throttle.success(conn.clientIp);
    session.authenticated(login);
    log.info("AUTH from [{}]: login=<{}> mechanism={}", conn.clientIp, login, mechanismName());
    conn.reply(Replies.AUTH_SUCCEEDED);
  }

  /** The credentials were wrong; the throttle counted the attempt when it began. */
  private void failed(String login) {
    conn.ctx.counters.authFailed(conn.listenerMode);
    failures++;
    log.warn("AUTH from [{}] failed: login=<{}> mechanism={} ({} in this session)", conn.clientIp,
        login == null ? "" : printable(login), mechanismName(), failures);
    if (failures >= MAX_FAILURES_PER_SESSION) {
      conn.reply(AuthReplies.INVALID_CREDENTIALS);
      conn.reply(TOO_MANY_FAILURES);
      conn.close();
      return;
    }
    conn.error(AuthReplies.INVALID_CREDENTIALS);
  }

  private String mechanismName() {
    return mechanism;
  }

  private void end() {
    sasl = null;
  }

  /** Abandons an exchange under way (part of {@link SmtpSession#resetTransaction()}). */
  void reset() {
    end();
  }

  /** A login as it may appear in a log line: printable ASCII, at most 100 characters. */
  private static String printable(String s) {
    String clean = s.replaceAll("[^\\x21-\\x7e]", "?");
    return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
  }
}
