package io.vmta.smtp.relay.client;

import io.vertx.core.Future;
import io.vmta.smtp.core.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * AUTH on the client side (RFC 4954) for a smarthost: PLAIN with an initial response
 * (RFC 4616) when offered, else LOGIN. Credentials go only over TLS, and are never logged.
 */
final class ClientAuth {

  private ClientAuth() {
  }

  /** Authenticates with the options' username and password, or fails with the reason. */
  static Future<Void> authenticate(ClientConnection conn, ClientOptions options,
      ServerCapabilities caps) {
    if (!conn.isTls()) {
      // RFC 4954 section 4: PLAIN and LOGIN disclose the password; never without encryption.
      return Future.failedFuture(SmtpClientException.local("AUTH", Reply.of(454, "4.7.0",
          "not sending credentials over an unencrypted connection (synthesized by the client)"),
          null));
    }
    String user = options.getUsername();
    String password = options.getPassword() == null ? "" : options.getPassword();
    long timeout = options.getCommandTimeout().toMillis();
    if (caps.authMechanisms().contains("PLAIN")) {
      conn.write("AUTH PLAIN " + base64("\0" + user + "\0" + password) + "\r\n");
      return conn.read("AUTH PLAIN", timeout).compose(ClientAuth::outcome);
    }
    if (caps.authMechanisms().contains("LOGIN")) {
      conn.write("AUTH LOGIN\r\n");
      return conn.read("AUTH LOGIN", timeout)
          .compose(r -> answer(conn, r, base64(user), timeout))
          .compose(r -> answer(conn, r, base64(password), timeout))
          .compose(ClientAuth::outcome);
    }
    return Future.failedFuture(SmtpClientException.local("AUTH", Reply.of(454, "4.7.4",
        "the server offers neither AUTH PLAIN nor AUTH LOGIN (synthesized by the client)"), null));
  }

  private static Future<Reply> answer(ClientConnection conn, Reply challenge, String response,
      long timeout) {
    if (challenge.code() != 334) {
      return Future.failedFuture(rejection(challenge));
    }
    conn.write(response + "\r\n");
    return conn.read("AUTH LOGIN", timeout);
  }

  private static Future<Void> outcome(Reply reply) {
    return reply.code() == 235 ? Future.succeededFuture() : Future.failedFuture(rejection(reply));
  }

  /** The server's refusal as it is, or a synthesized one for a challenge where none was due. */
  private static SmtpClientException rejection(Reply reply) {
    if (reply.isPositive()) {
      return SmtpClientException.local("AUTH", Reply.of(451, "4.7.0",
          "unexpected reply " + reply.code() + " during AUTH (synthesized by the client)"), null);
    }
    return SmtpClientException.refused("AUTH", reply);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
