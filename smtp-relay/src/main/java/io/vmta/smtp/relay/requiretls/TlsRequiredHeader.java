package io.vmta.smtp.relay.requiretls;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.codec.HeaderSection;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The {@code TLS-Required} header field (RFC 8689 section 3): {@code TLS-Required: No} is the
 * sender asking that the recipient domain's TLS policies (MTA-STS, DANE) be ignored for this
 * message. "No" is the only value the RFC defines; any other is ignored.
 */
public final class TlsRequiredHeader {

  private static final String NAME = "tls-required";

  private TlsRequiredHeader() {
  }

  /**
   * Whether the header section of {@code content} (up to the first empty line) holds a
   * {@code TLS-Required} field whose value, unfolded and trimmed, is {@code No} in any case.
   */
  public static boolean saysNo(Buffer content) {
    String header = new String(HeaderSection.bytes(content), StandardCharsets.ISO_8859_1);
    // RFC 5322 section 2.2.3: unfold, then one field per line.
    String unfolded = header.replaceAll("\r\n[ \t]", " ");
    for (String line : unfolded.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      // RFC 5322 section 3.6.8 allows white space before the colon (obsolete syntax).
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      if (name.equals(NAME) && line.substring(colon + 1).trim().equalsIgnoreCase("No")) {
        return true;
      }
    }
    return false;
  }
}
