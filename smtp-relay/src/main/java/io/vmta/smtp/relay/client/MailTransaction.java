package io.vmta.smtp.relay.client;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.Reply;
import io.vmta.smtp.core.codec.ContentScan;
import io.vmta.smtp.core.queue.Envelope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One mail transaction (RFC 5321 section 3.3): MAIL, a RCPT per recipient, DATA and the message,
 * pipelined when the server offers PIPELINING (RFC 2920), one command at a time otherwise. Every
 * recipient ends with a result; a connection problem leaves the undecided ones transient.
 */
final class MailTransaction {

  // RFC 3463 section 3.7, X.6.3: conversion required but not supported (we do not downgrade).
  private static final Reply NEEDS_8BITMIME = Reply.of(554, "5.6.3",
      "8-bit message, but the server does not offer 8BITMIME (RFC 6152 section 3; not downgraded)"
          + " (synthesized by the client)");
  // RFC 6531 section 3.2 forbids sending either to a server without SMTPUTF8; X.6.7 and X.6.9
  // with their basic codes 553 and 550 as RFC 6531 section 4 registers them.
  private static final Reply NEEDS_SMTPUTF8 = Reply.of(553, "5.6.7",
      "non-ASCII address, but the server does not offer SMTPUTF8 (RFC 6531 section 3.2)"
          + " (synthesized by the client)");
  private static final Reply UTF8_HEADERS = Reply.of(550, "5.6.9",
      "UTF-8 header fields, but the server does not offer SMTPUTF8 (RFC 6531 section 3.2)"
          + " (synthesized by the client)");

  // RFC 8689 section 4.2.1 and its registration of X.7.30: the next hop cannot take a REQUIRETLS message.
  private static final Reply NEEDS_REQUIRETLS = Reply.of(550, "5.7.30",
      "REQUIRETLS support required: the server does not offer REQUIRETLS over verified TLS (RFC 8689)"
          + " (synthesized by the client)");

  private final ClientConnection conn;
  private final boolean verified;
  private final ClientOptions options;
  private final ServerCapabilities caps;
  private final Envelope envelope;
  private final List<String> recipients;
  private final Buffer content;
  private final ContentScan scan;
  private final Map<String, RecipientResult> results = new LinkedHashMap<>();
  private final List<String> accepted = new ArrayList<>();

  MailTransaction(ClientConnection conn, ClientOptions options, ServerCapabilities caps, boolean verified,
      Envelope envelope, List<String> recipients, Buffer content, ContentScan scan) {
    this.conn = conn;
    this.verified = verified;
    this.options = options;
    this.caps = caps;
    this.envelope = envelope;
    this.recipients = recipients;
    this.content = content;
    this.scan = scan;
  }

  /** Runs the transaction; the future always succeeds, with a result for every recipient. */
  Future<TransactionResult> run() {
    Reply refusal = refusalBeforeSending();
    if (refusal != null) {
      decideAll(recipients, refusal);
      return Future.succeededFuture(new TransactionResult(results));
    }
    Future<Void> flow = caps.pipelining() ? pipelined() : stepByStep();
    return flow
        .recover(this::interrupted)
        .map(v -> new TransactionResult(results));
  }

  /**
   * A reply for the checks that make sending pointless: REQUIRETLS (a verified TLS session to a
   * server that offers it, else not a byte of the message), SIZE, SMTPUTF8 and 8BITMIME. The bytes
   * decide, not only the client's declaration: an undeclared 8-bit body still needs 8BITMIME.
   * Headers with 8-bit octets need SMTPUTF8 only in a message submitted with SMTPUTF8 (RFC 6532
   * UTF-8); without it they are 8-bit data like a body's, as Postfix treats them.
   */
  private Reply refusalBeforeSending() {
    if (envelope.requireTls() && !(caps.requireTls() && conn.isTls() && verified)) {
      return NEEDS_REQUIRETLS;
    }
    if (caps.tooBig(content.length())) {
      return Reply.of(552, "5.3.4", "message size exceeds fixed maximum message size: "
          + content.length() + " octets, the server takes " + caps.maxSize()
          + " (RFC 1870 section 6)");
    }
    if (!caps.smtputf8() && nonAsciiAddress()) {
      return NEEDS_SMTPUTF8;
    }
    if (!caps.smtputf8() && envelope.smtputf8() && scan.eightBitHeaders()) {
      return UTF8_HEADERS;
    }
    if (!caps.eightBitMime() && scan.eightBit()) {
      return NEEDS_8BITMIME;
    }
    return null;
  }

  private Future<Void> stepByStep() {
    conn.write(mailCommand());
    return conn.read("MAIL FROM", options.getMailTimeout().toMillis()).compose(mail -> {
      if (mail.code() / 100 != 2) {
        decideAll(recipients, mail);
        return Future.succeededFuture();
      }
      Future<Void> rcpts = Future.succeededFuture();
      for (String rcpt : recipients) {
        rcpts = rcpts.compose(v -> {
          conn.write(rcptCommand(rcpt));
          return conn.read("RCPT TO", options.getRcptTimeout().toMillis()).map(r -> recipientReply(rcpt, r));
        });
      }
      return rcpts.compose(v -> {
        if (accepted.isEmpty()) {
          return reset();  // RSET instead of DATA: no recipient was accepted
        }
        conn.write("DATA\r\n");
        return conn.read("DATA", options.getDataInitTimeout().toMillis()).compose(this::afterData);
      });
    });
  }

  /** RFC 2920 section 3.1: MAIL, every RCPT and DATA in one write, the replies read in order. */
  private Future<Void> pipelined() {
    StringBuilder group = new StringBuilder(mailCommand());
    recipients.forEach(rcpt -> group.append(rcptCommand(rcpt)));
    group.append("DATA\r\n");
    conn.write(group.toString());
    return conn.read("MAIL FROM", options.getMailTimeout().toMillis()).compose(mail -> {
      Future<Void> rcpts = Future.succeededFuture();
      for (String rcpt : recipients) {
        rcpts = rcpts.compose(v -> conn.read("RCPT TO", options.getRcptTimeout().toMillis())
            .map(r -> mail.code() / 100 == 2 ? recipientReply(rcpt, r) : null));
      }
      return rcpts
          .compose(v -> conn.read("DATA", options.getDataInitTimeout().toMillis()))
          .compose(data -> {
            if (mail.code() / 100 != 2) {
              decideAll(recipients, mail);
              return data.code() == 354
                  ? abandon("354 to DATA after a refused MAIL")
                  : Future.succeededFuture();
            }
            if (accepted.isEmpty()) {
              // RFC 2920 section 3.1: DATA must now be refused (503/554); the transaction is reset.
              return data.code() == 354 ? abandon("354 to DATA without recipients") : reset();
            }
            return afterData(data);
          });
    });
  }

  private Future<Void> afterData(Reply data) {
    if (data.code() != 354) {
      decideAll(accepted, data.code() / 100 == 2 ? unexpected("DATA", data) : data);
      return reset();
    }
    return conn.writeData(content, options.getDataBlockTimeout().toMillis())
        .compose(v -> conn.read("the end of data", options.getDataEndTimeout().toMillis()))
        .map(end -> {
          // RFC 5321 section 4.2.5: the reply to the final dot applies to every accepted recipient.
          decideAll(accepted, end);
          return null;
        });
  }

  private Void recipientReply(String rcpt, Reply reply) {
    if (reply.code() / 100 == 2) {
      accepted.add(rcpt);
    } else {
      results.put(rcpt, RecipientResult.of(reply.isPositive() ? unexpected("RCPT", reply) : reply));
    }
    return null;
  }

  private Future<Void> reset() {
    conn.write("RSET\r\n");
    return conn.read("RSET", options.getCommandTimeout().toMillis())
        .compose(r -> r.code() / 100 == 2 ? Future.succeededFuture() : conn.quit(options.getCommandTimeout().toMillis()));
  }

  /** The server began a DATA it should have refused; only closing the connection stops it. */
  private Future<Void> abandon(String why) {
    return Future.failedFuture(
        SmtpClientException.connectionProblem("closed the connection after " + why, null));
  }

  /** Decides every recipient still open as transient with the synthesized reply, and closes. */
  private Future<Void> interrupted(Throwable failure) {
    Reply reply = failure instanceof SmtpClientException e
        ? e.reply()
        : SmtpClientException.connectionProblem("unexpected client error", failure).reply();
    for (String rcpt : recipients) {
      if (!results.containsKey(rcpt)) {
        results.put(rcpt, reply.isPermanent()
            ? new RecipientResult.Permanent(reply)
            : new RecipientResult.Transient(reply));
      }
    }
    return conn.close().recover(e -> Future.succeededFuture());
  }

  private void decideAll(List<String> rcpts, Reply reply) {
    rcpts.forEach(rcpt -> results.putIfAbsent(rcpt, RecipientResult.of(reply)));
  }

  private static Reply unexpected(String command, Reply reply) {
    return Reply.of(451, "4.5.0", "unexpected reply " + reply.code() + " to " + command
        + " (synthesized by the client)");
  }

  private String mailCommand() {
    StringBuilder mail = new StringBuilder("MAIL FROM:<").append(envelope.sender()).append('>');
    if (caps.size()) {
      mail.append(" SIZE=").append(content.length());  // RFC 1870 section 3
    }
    if ((eightBitBody() || scan.eightBit()) && caps.eightBitMime()) {
      mail.append(" BODY=8BITMIME");  // RFC 6152 section 2, also when the client did not declare it
    }
    if ((envelope.smtputf8() || nonAsciiAddress()) && caps.smtputf8()) {
      mail.append(" SMTPUTF8");  // RFC 6531 section 3.4
    }
    if (envelope.requireTls()) {
      // RFC 8689 section 4.2.1: passed on only where offered, over verified TLS; refusalBeforeSending()
      // makes sure of both, so the requirement is never dropped on the way.
      mail.append(" REQUIRETLS");
    }
    return mail.append("\r\n").toString();
  }

  private static String rcptCommand(String rcpt) {
    return "RCPT TO:<" + rcpt + ">\r\n";
  }

  private boolean eightBitBody() {
    return "8BITMIME".equalsIgnoreCase(envelope.body());
  }

  private boolean nonAsciiAddress() {
    return !isAscii(envelope.sender()) || !recipients.stream().allMatch(MailTransaction::isAscii);
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }
}
