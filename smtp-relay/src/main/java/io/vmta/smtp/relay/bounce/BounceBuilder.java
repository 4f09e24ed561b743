package io.vmta.smtp.relay.bounce;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.core.queue.QueueId;
import io.vmta.smtp.core.queue.QueuedMessage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static io.vmta.smtp.relay.bounce.MimeText.CRLF;
import static io.vmta.smtp.relay.bounce.MimeText.field;

/**
 * Builds the bounce for a message: one RFC 3464 delivery status notification, a
 * {@code multipart/report} (RFC 6522) with a human-readable part, a {@code message/delivery-status}
 * part and the original header section. A pure function: no I/O, time only from the clock.
 */
public final class BounceBuilder {

  static final String SUBJECT_FAILED = "Undelivered Mail Returned to Sender";
  static final String SUBJECT_DELAYED = "Delayed Mail (still being retried)";

  // RFC 3464 section 2.3.6: diagnostic-type ";" text; a bare reply text gets the "smtp" type.
  private static final Pattern DIAGNOSTIC_TYPE =
      Pattern.compile("^[A-Za-z0-9-]+;.*", Pattern.DOTALL);

  private final String reportingMta;
  private final Clock clock;
  private final Supplier<String> ids;

  /** A builder reporting as {@code reportingMta} (our host name), dating from {@code clock}. */
  public BounceBuilder(String reportingMta, Clock clock) {
    this(reportingMta, clock, QueueId::next);
  }

  /** As above with the source of queue ids given, so tests can predict the boundary. */
  BounceBuilder(String reportingMta, Clock clock, Supplier<String> ids) {
    Objects.requireNonNull(reportingMta, "reportingMta");
    if (reportingMta.isEmpty() || !reportingMta.equals(MimeText.ascii(reportingMta))
        || reportingMta.contains(" ")) {
      throw new IllegalArgumentException("reportingMta must be an ASCII host name: "
          + reportingMta);
    }
    this.reportingMta = reportingMta;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ids = Objects.requireNonNull(ids, "ids");
  }

  /**
   * The bounce as a message for the queue, or empty when no bounce may be sent (the original
   * sender is the null path).
   */
  public Optional<QueuedMessage> build(Envelope original, Buffer originalContent,
                                       List<FailedRecipient> failed) {
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(originalContent, "originalContent");
    if (failed.isEmpty()) {
      throw new IllegalArgumentException("a bounce needs at least one failed recipient");
    }
    // RFC 5321 sections 4.5.5 and 6.1: a notification is sent with the null reverse-path, and a
    // message with the null reverse-path is never answered with one, so bounces do not loop.
    if (original.sender().isEmpty()) {
      return Optional.empty();
    }
    String id = ids.get();
    Instant now = clock.instant();
    String text = humanReadable(failed);
    String status = deliveryStatus(original, failed, now);
    Buffer headers = OriginalHeaders.of(originalContent);
    String boundary = boundary(id, originalContent, text, status);

    Buffer body = Buffer.buffer(text.length() + status.length() + headers.length() + 1024);
    body.appendString(topHeaders(original.sender(), id, now, failed, boundary), "UTF-8");
    if (!MimeText.isAscii(text) || eightBit(headers)) {
      // RFC 2045 section 6.4: a multipart is labelled with the widest encoding of its parts.
      body.appendString(field("Content-Transfer-Encoding", "8bit"));
    }
    body.appendString(CRLF + "This is a MIME-encapsulated message." + CRLF + CRLF);
    appendPart(body, boundary, "Notification", "text/plain; charset="
        + (MimeText.isAscii(text) ? "us-ascii" : "utf-8"), Buffer.buffer(text, "UTF-8"));
    appendPart(body, boundary, "Delivery report", "message/delivery-status", Buffer.buffer(status));
    appendPart(body, boundary, "Undelivered Message Headers", "text/rfc822-headers", headers);
    body.appendString("--" + boundary + "--" + CRLF);

    // RFC 5321 section 4.5.5 and RFC 3464 section 2: from the null path, to the original sender.
    // RFC 8689 section 5: the bounce of a REQUIRETLS message (it returns the header section,
    // Subject included) travels under REQUIRETLS too; local delivery is unaffected.
    Envelope envelope = new Envelope(id, "", List.of(original.sender()),
        !MimeText.isAscii(original.sender()), eightBit(body) ? "8BITMIME" : "7BIT",
        "localhost", reportingMta, null, now, false, original.requireTls());
    return Optional.of(new QueuedMessage(envelope, body));
  }

  private String topHeaders(String sender, String id, Instant now, List<FailedRecipient> failed,
                            String boundary) {
    boolean delayedOnly = failed.stream().allMatch(FailedRecipient::isDelayed);
    return field("From", "Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">")
        + field("To", "<" + MimeText.sanitize(sender) + ">")
        + field("Subject", delayedOnly ? SUBJECT_DELAYED : SUBJECT_FAILED)
        + field("Date", MimeText.date(now, clock.getZone()))
        + field("Message-ID", "<" + id + "@" + reportingMta + ">")
        // RFC 3834 section 5: marks the bounce as automatic, so responders do not answer it.
        + field("Auto-Submitted", "auto-replied")
        + field("MIME-Version", "1.0")
        // RFC 6522 section 3: multipart/report with the report-type of the second part.
        + field("Content-Type", "multipart/report; report-type=delivery-status; boundary=\""
            + boundary + "\"");
  }

  /** Part 1: the explanation for people, Postfix-style, one paragraph per recipient. */
  private String humanReadable(List<FailedRecipient> failed) {
    boolean anyFailed = failed.stream().anyMatch(r -> !r.isDelayed());
    boolean anyDelayed = failed.stream().anyMatch(FailedRecipient::isDelayed);
    StringBuilder out = new StringBuilder(512);
    out.append(MimeText.wrap("This is the mail system at host " + reportingMta + ".", ""))
        .append(CRLF);
    if (anyFailed) {
      out.append(MimeText.wrap("I'm sorry to have to inform you that your message could not be "
          + "delivered to one or more recipients. The header section of your message is attached "
          + "below.", "")).append(CRLF);
    }
    if (anyDelayed) {
      out.append(MimeText.wrap("THIS IS A WARNING ONLY. YOU DO NOT NEED TO RESEND YOUR MESSAGE. "
          + "Delivery to the recipients marked \"delayed\" below has not succeeded yet; the mail "
          + "system will keep trying and tell you if it gives up.", "")).append(CRLF);
    }
    out.append(MimeText.wrap("For further assistance, please send mail to postmaster. If you do "
        + "so, please include this problem report.", "")).append(CRLF)
        .append("                   The mail system").append(CRLF);
    for (FailedRecipient r : failed) {
      out.append(CRLF).append(MimeText.wrap(explain(r), "    "));
    }
    return out.toString();
  }

  private static String explain(FailedRecipient r) {
    StringBuilder line = new StringBuilder("<")
        .append(MimeText.sanitize(r.address())).append(">: ");
    String reply = r.diagnostic() == null ? "" : MimeText.sanitize(replyText(r.diagnostic()));
    String host = r.remoteMta() == null ? "" : MimeText.sanitize(r.remoteMta());
    if (!reply.isEmpty() && !host.isEmpty()) {
      line.append("host ").append(host).append(" said: ").append(reply);
    } else if (!reply.isEmpty()) {
      line.append(reply);
    } else {
      line.append(r.isDelayed() ? "delivery delayed" : "delivery failed");
      line.append(" (status ").append(r.status()).append(')');
    }
    if (r.isDelayed()) {
      line.append(" (delayed, still being retried)");
    }
    return line.toString();
  }

  /**
   * Part 2: RFC 3464 section 2.1, per-message fields (section 2.2), then one group of
   * per-recipient fields (section 2.3) per recipient, each group preceded by a blank line.
   * All 7-bit: non-ASCII addresses use the RFC 6533 section 3 form, other text loses non-ASCII.
   */
  private String deliveryStatus(Envelope original, List<FailedRecipient> failed, Instant now) {
    StringBuilder out = new StringBuilder(256 * (failed.size() + 1));
    out.append(field("Reporting-MTA", "dns; " + reportingMta));
    // Extension field (RFC 3464 section 3.3) naming the original queue id, for the logs.
    out.append(field("X-Vmta-Queue-ID", MimeText.ascii(original.id())));
    if (!original.receivedAt().equals(Instant.EPOCH)) {
      out.append(field("Arrival-Date", MimeText.date(original.receivedAt(), clock.getZone())));
    }
    String lastAttempt = MimeText.date(now, clock.getZone());
    for (FailedRecipient r : failed) {
      out.append(CRLF)
          .append(field("Final-Recipient", MimeText.addressField(r.address())))
          .append(field("Action", r.action()))
          .append(field("Status", r.status()));
      String host = r.remoteMta() == null ? "" : MimeText.ascii(r.remoteMta()).replace(' ', '?');
      if (!host.isEmpty()) {
        out.append(field("Remote-MTA", "dns; " + host));
      }
      String diagnostic = r.diagnostic() == null ? "" : MimeText.ascii(r.diagnostic());
      if (!diagnostic.isEmpty()) {
        if (!DIAGNOSTIC_TYPE.matcher(diagnostic).matches()) {
          diagnostic = "smtp; " + diagnostic;
        }
        out.append(field("Diagnostic-Code", diagnostic));
      }
      out.append(field("Last-Attempt-Date", lastAttempt));
    }
    return out.toString();
  }

  /** The reply text of a diagnostic, without its {@code type;} prefix. */
  private static String replyText(String diagnostic) {
    if (DIAGNOSTIC_TYPE.matcher(diagnostic).matches()) {
      return diagnostic.substring(diagnostic.indexOf(';') + 1).strip();
    }
    return diagnostic.strip();
  }

  /**
   * A boundary that occurs neither in the original message nor in any generated part (RFC 2046
   * section 5.1.1). {@code =_} cannot occur in quoted-printable or base64 text, so clashes are
   * rare.
   */
  private static String boundary(String id, Buffer original, String... parts) {
    for (int attempt = 0; ; attempt++) {
      String candidate = "=_bounce_" + id + (attempt == 0 ? "" : "_" + attempt);
      byte[] needle = candidate.getBytes(StandardCharsets.US_ASCII);
      boolean clash = OriginalHeaders.contains(original, needle);
      for (String part : parts) {
        clash |= part.contains(candidate);
      }
      if (!clash) {
        return candidate;
      }
    }
  }

  private static void appendPart(Buffer body, String boundary, String description, String type,
                                 Buffer content) {
    body.appendString("--" + boundary + CRLF)
        .appendString(field("Content-Description", description))
        .appendString(field("Content-Type", type));
    if (eightBit(content)) {
      // RFC 2045 section 6.2: 8-bit lines need the 8bit encoding label (and BODY=8BITMIME).
      body.appendString(field("Content-Transfer-Encoding", "8bit"));
    }
    // RFC 2046 section 5.1.1: the CRLF before the next delimiter belongs to the delimiter.
    body.appendString(CRLF).appendBuffer(content).appendString(CRLF);
  }

  private static boolean eightBit(Buffer content) {
    for (int i = 0; i < content.length(); i++) {
      if (content.getByte(i) < 0) {
        return true;
      }
    }
    return false;
  }
}
