package io.vmta.smtp.server.impl;

import io.vertx.core.buffer.Buffer;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The {@code Received:} trace header (RFC 5321 4.4) that the server prepends to every message. */
final class ReceivedHeader {

  static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

  private ReceivedHeader() {
  }

  /**
   * Builds the header, folded over two lines, or three when it names the one recipient.
   *
   * @param helo       the name from HELO/EHLO
   * @param clientIp   the client's IP address
   * @param hostname   this server's name
   * @param protocol   the "with" keyword of RFC 3848 / RFC 6531 (see {@link #protocol})
   * @param id         the queue id
   * @param recipients the envelope recipients; named only when there is exactly one
   * @param when       the time of receipt
   */
  static Buffer build(String helo, String clientIp, String hostname, String protocol, String id,
                      List<String> recipients, ZonedDateTime when) {
    StringBuilder sb = new StringBuilder(200);
    sb.append("Received: from ").append(ascii(helo)).append(" ([").append(clientIp).append("])\r\n");
    sb.append("\tby ").append(hostname).append(" (vmta) with ").append(protocol).append(" id ").append(id);
    if (recipients.size() == 1) {
      sb.append("\r\n\tfor <").append(recipients.get(0)).append('>');
    }
    sb.append("; ").append(DATE.format(when)).append("\r\n");
    return Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** RFC 3848 and RFC 6531 3.7.3: ESMTP, ESMTPS, ESMTPA, ESMTPSA, UTF8SMTP..., or SMTP after HELO. */
  static String protocol(boolean esmtp, boolean utf8, boolean tls, boolean auth) {
    if (!esmtp) {
      return "SMTP";
    }
    return (utf8 ? "UTF8SMTP" : "ESMTP") + (tls ? "S" : "") + (auth ? "A" : "");
  }

  private static String ascii(String name) {
    if (name == null || name.isEmpty()) {
      return "unknown";
    }
    if (name.startsWith("[")) {
      return name;
    }
    try {
      return IDN.toASCII(name);
    } catch (IllegalArgumentException e) {
      return "unknown";
    }
  }
}
