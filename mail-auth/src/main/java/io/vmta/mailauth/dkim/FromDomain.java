package io.vmta.mailauth.dkim;

import io.vmta.smtp.core.Domain;
import java.nio.charset.StandardCharsets;

/**
 * The RFC5322.From domain: that of the one address in the one {@code From:} field (RFC 5322 3.6.2).
 * It chooses the signing key, and DMARC (RFC 7489 3.1) aligns with it. When the field is missing,
 * repeated, names several addresses or no usable domain, there is no domain and {@link Status} says
 * why (RFC 7489 6.6.1 leaves those to local policy; we do not guess).
 */
public final class FromDomain {

  /** Why a message has, or has not, one From domain. */
  public enum Status {
    /** Exactly one From field with exactly one address and a valid domain. */
    FOUND,
    /** No From field at all (RFC 5322 3.6 requires one). */
    NO_FROM_FIELD,
    /** Two or more From fields (RFC 5322 3.6 allows one). */
    SEVERAL_FROM_FIELDS,
    /** One From field naming no address, or several (a mailbox-list, RFC 5322 3.6.2). */
    NOT_ONE_ADDRESS,
    /** One address whose domain is missing, invalid or an address literal. */
    BAD_DOMAIN
  }

  /**
   * What the header section says about the From domain.
   *
   * @param status  found, or why not
   * @param domain  the lower-case A-label domain when found; null otherwise
   */
  public record Result(Status status, String domain) {
  }

  private FromDomain() {
  }

  /**
   * The From domain of {@code message} (CRLF lines; the header section up to the first empty line
   * is read, the body never). Linear in the header's size; never throws.
   */
  public static Result of(byte[] message) {
    return result(message, HeaderFields.parse(message));
  }

  /** The lower-case ASCII domain of the single From address, or null. */
  static String of(byte[] message, HeaderFields headers) {
    return result(message, headers).domain();
  }

  private static Result result(byte[] message, HeaderFields headers) {
    var from = headers.named("from");
    if (from.isEmpty()) {
      return new Result(Status.NO_FROM_FIELD, null);
    }
    if (from.size() > 1) {
      return new Result(Status.SEVERAL_FROM_FIELDS, null);
    }
    HeaderFields.Field f = from.get(0);
    String field = new String(message, f.start(), f.end() - f.start(), StandardCharsets.UTF_8);
    String value = withoutComments(field.substring(field.indexOf(':') + 1)).replaceAll("\r\n", "");
    String address = single(value);
    if (address == null) {
      return new Result(Status.NOT_ONE_ADDRESS, null);
    }
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return new Result(Status.BAD_DOMAIN, null);
    }
    String domain = address.substring(at + 1).strip();
    if (domain.endsWith(".")) {
      domain = domain.substring(0, domain.length() - 1);
    }
    try {
      Domain parsed = Domain.parse(domain);
      return parsed.isLiteral() ? new Result(Status.BAD_DOMAIN, null)
          : new Result(Status.FOUND, parsed.toString());
    } catch (IllegalArgumentException e) {
      return new Result(Status.BAD_DOMAIN, null);
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
