package io.vmta.smtp.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.mailencoder.EmailAddress;
import io.vertx.ext.mail.mailencoder.MailEncoder;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;
import io.vmta.smtp.core.queue.QueuedMessageCodec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The embedding API: an application in the same Vert.x (or cluster) hands a vertx-mail-client
 * {@link MailMessage} to the queue and gets the queue id back once it is on disk. The message is
 * rendered by vertx-mail-client's {@link MailEncoder}; the envelope sender is the bounce address
 * or else the From address, the recipients are To, Cc and Bcc (Bcc is not rendered).
 */
public final class MailSubmitter {

  private final Vertx vertx;
  private final String hostname;

  /** {@code hostname} names this host in the Message-ID and the Received header. */
  public MailSubmitter(Vertx vertx, String hostname) {
    this.vertx = vertx;
    this.hostname = hostname;
    QueuedMessageCodec.register(vertx);
  }

  /** Queues {@code message}; the future holds the queue id, or fails when nothing was queued. */
  public Future<String> submit(MailMessage message) {
    Envelope envelope;
    Buffer content;
    try {
      String sender = address(message.getBounceAddress() != null ? message.getBounceAddress() : message.getFrom());
      Set<String> recipients = new LinkedHashSet<>();
      for (List<String> list : List.of(orEmpty(message.getTo()), orEmpty(message.getCc()), orEmpty(message.getBcc()))) {
        list.forEach(r -> recipients.add(address(r)));
      }
      if (recipients.isEmpty()) {
        return Future.failedFuture(new IllegalArgumentException("the message has no recipient"));
      }
      String id = QueueId.next();
      Instant now = Instant.now();
      String received = "Received: by " + hostname + " (vmta) with local id " + id + ";\r\n\t"
          + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atZone(java.time.ZoneOffset.UTC)) + "\r\n";
      content = Buffer.buffer(received).appendBuffer(crlf(new MailEncoder(message, hostname).encode()));
      envelope = new Envelope(id, sender, new ArrayList<>(recipients), false, eightBit(content) ? "8BITMIME" : "7BIT",
          "localhost", hostname, null, now);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx.eventBus().<String>request(QueueAddresses.SUBMIT, new QueuedMessage(envelope, content),
        new DeliveryOptions().setSendTimeout(120_000)).map(Message::body);
  }

  private static boolean eightBit(Buffer content) {
    for (int i = 0; i < content.length(); i++) {
      if (content.getByte(i) < 0) {
        return true;
      }
    }
    return false;
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }

  private static String address(String text) {
    if (text == null) {
      throw new IllegalArgumentException("the message has no From or bounce address");
    }
    String email = new EmailAddress(text).getEmail();
    io.vmta.smtp.core.MailAddress.parse(email);
    return email;
  }

  /** MailEncoder's text with every line ending made CRLF, as the queue stores messages. */
  private static Buffer crlf(String text) {
    String normalised = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
    if (!normalised.endsWith("\r\n")) {
      normalised += "\r\n";
    }
    return Buffer.buffer(normalised.getBytes(StandardCharsets.UTF_8));
  }
}
