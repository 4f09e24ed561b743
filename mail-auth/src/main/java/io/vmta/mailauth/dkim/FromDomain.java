package io.vmta.mailauth.dkim;

import io.vmta.smtp.core.Domain;
import java.nio.charset.StandardCharsets;

/**
 * The domain that chooses the signing key: that of the one address in the one {@code From:} field
 * (RFC 5322 3.6.2). DMARC (RFC 7489 3.1) aligns with this domain, so it is the domain a signature
 * must carry to help delivery. No domain when the field is missing, repeated, or names several
 * addresses (RFC 7489 6.6.1 leaves those to local policy; we do not guess).
 */
final class FromDomain {

  private FromDomain() {
  }

  /** The lower-case ASCII domain of the single From address, or null. */
  static String of(byte[] message, HeaderFields headers) {
    var from = headers.named("from");
    if (from.size() != 1) {
      return null;
    }
    HeaderFields.Field f = from.get(0);
    String field = new String(message, f.start(), f.end() - f.start(), StandardCharsets.UTF_8);
    String value = withoutComments(field.substring(field.indexOf(':') + 1)).replaceAll("\r\n", "");
    String address = single(value);
    if (address == null) {
      return null;
    }
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return null;
    }
    String domain = address.substring(at + 1).strip();
    if (domain.endsWith(".")) {
      domain = domain.substring(0, domain.length() - 1);
    }
    try {
      Domain parsed = Domain.parse(domain);
      return parsed.isLiteral() ? null : parsed.toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The address of a mailbox list of exactly one mailbox (or group member), else null. */
  private static String single(String value) {
    int count = 0;
    StringBuilder current = new StringBuilder();
    String found = null;
    boolean quoted = false;
    boolean angle = false;
    String angled = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < value.length()) {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> quoted = true;
        case '<' -> {
          angle = true;
          current.setLength(0);
        }
        case '>' -> {
          angle = false;
          angled = current.toString();
        }
        case ',', ';', ':' -> {
          if (angle) {
            current.append(c);
          } else if (c == ':') {
            current.setLength(0); // a group's display name
          } else {
            if (angled != null || !current.toString().isBlank()) {
              count++;
              found = angled != null ? angled : current.toString();
            }
            current.setLength(0);
            angled = null;
          }
        }
        default -> current.append(c);
      }
    }
    if (angled != null || !current.toString().isBlank()) {
      count++;
      found = angled != null ? angled : current.toString();
    }
    return count == 1 ? found.strip() : null;
  }

  /** The text without RFC 5322 comments (nested parentheses; quoted strings left alone). */
  private static String withoutComments(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && (quoted || depth > 0)) {
        if (depth == 0) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
      } else if (depth == 0 && c == '"') {
        quoted = !quoted;
        out.append(c);
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')' && depth > 0) {
        depth--;
      } else if (depth == 0) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
