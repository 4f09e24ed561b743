package io.vmta.smtp.core;

import java.util.Objects;

/**
 * A mailbox {@code local-part@domain} (RFC 5321 section 4.1.2, UTF-8 per RFC 6531 section 3.3), or
 * the special recipient {@code Postmaster} without a domain (RFC 5321 section 4.5.1).
 *
 * <p>Equality and {@link #hashCode()} ignore {@code utf8Domain}: an address is the same mailbox
 * whether its domain was written with U-labels or A-labels.
 *
 * @param localPart  the local part as written, except that a Quoted-string whose content is a
 *                   Dot-string is stored as that Dot-string; other Quoted-strings keep their quotes
 *                   and backslashes
 * @param domain     the domain, {@code null} only for {@code Postmaster}
 * @param utf8Domain whether the domain was written with non-ASCII U-labels (so needs SMTPUTF8)
 */
public record MailAddress(String localPart, Domain domain, boolean utf8Domain) {

  /** RFC 5321 section 4.5.3.1.1. */
  public static final int MAX_LOCAL_PART_LENGTH = 64;
  /** RFC 5321 section 4.5.3.1.3: a path is at most 256 octets, 254 without the brackets. */
  public static final int MAX_LENGTH = 254;

  private static final String POSTMASTER = "Postmaster";
  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

  /** Validates the local part and unquotes it where the quotes change nothing; without domain only {@code Postmaster} (any case, stored as {@code Postmaster}). */
  public MailAddress {
    Objects.requireNonNull(localPart, "localPart");
    if (domain == null) {
      if (!localPart.equalsIgnoreCase(POSTMASTER)) {
        throw new IllegalArgumentException("address has no domain");
      }
      if (utf8Domain) {
        throw new IllegalArgumentException("address without domain cannot have a UTF-8 domain");
      }
      localPart = POSTMASTER;
    } else {
      validateLocalPart(localPart);
      localPart = canonicalLocalPart(localPart);
      if (utf8Domain && domain.isLiteral()) {
        throw new IllegalArgumentException("an address literal is never UTF-8");
      }
    }
  }

  /** An address whose domain was given in A-label form (or has no domain, for Postmaster). */
  public MailAddress(String localPart, Domain domain) {
    this(localPart, domain, false);
  }

  /** The special recipient {@code <Postmaster>} without a domain (RFC 5321 section 4.5.1). */
  public static MailAddress postmaster() {
    return new MailAddress(POSTMASTER, null);
  }

  /**
   * Parses {@code local@domain} without angle brackets (RFC 5321 section 4.1.2 Mailbox, RFC 6531
   * section 3.3). A bare {@code postmaster} (any case) gives {@link #postmaster()}, so that
   * {@link #toString()} reads back. IllegalArgumentException saying what is wrong otherwise; the
   * message never repeats the input.
   */
  public static MailAddress parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("address is empty");
    }
    if (Ascii.hasControl(text)) {
      throw new IllegalArgumentException("address contains a control character");
    }
    if (Ascii.utf8Length(text) > MAX_LENGTH) {
      throw new IllegalArgumentException("address longer than " + MAX_LENGTH + " octets");
    }
    if (text.equalsIgnoreCase(POSTMASTER)) {
      return new MailAddress(text, null);
    }
    int at = separator(text);
    if (at < 0) {
      throw new IllegalArgumentException("address has no @domain");
    }
    String local = text.substring(0, at);
    String domainText = text.substring(at + 1);
    Domain domain;
    try {
      domain = Domain.parse(domainText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad domain: " + e.getMessage(), e);
    }
    MailAddress address = new MailAddress(local, domain, !Ascii.isAscii(domainText));
    if (Ascii.utf8Length(address.toString()) > MAX_LENGTH) {
      throw new IllegalArgumentException("address longer than " + MAX_LENGTH + " octets");
    }
    return address;
  }

  /** Whether local part and domain, as written, are all ASCII (else SMTPUTF8 is needed, RFC 6531). */
  public boolean isAscii() {
    return !utf8Domain && Ascii.isAscii(localPart);
  }

  /** Whether the local part is {@code postmaster} in any case, with or without a domain. */
  public boolean isPostmaster() {
    return localPart.equalsIgnoreCase(POSTMASTER);
  }

  /** The local part with quotes and quoted-pair backslashes removed. */
  public String unquotedLocalPart() {
    return localPart.startsWith("\"") ? unquote(localPart) : localPart;
  }

  /** The content of a validated Quoted-string, quoted-pairs resolved. */
  private static String unquote(String quoted) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < quoted.length() - 1; i++) {
      char c = quoted.charAt(i);
      if (c == '\\') {
        i++;
        c = quoted.charAt(i);
      }
      out.append(c);
    }
    return out.toString();
  }

  /** {@code local@domain} with the domain in A-labels; {@code Postmaster} alone without domain. */
  @Override
  public String toString() {
    return domain == null ? localPart : localPart + "@" + domain.ascii();
  }

  /** Compares local part and domain only. */
  @Override
  public boolean equals(Object o) {
    return o instanceof MailAddress other
        && localPart.equals(other.localPart) && Objects.equals(domain, other.domain);
  }

  /** Hashes local part and domain only. */
  @Override
  public int hashCode() {
    return Objects.hash(localPart, domain);
  }

  /** The index of the {@code @} after the local part, honouring a Quoted-string; -1 when absent. */
  private static int separator(String text) {
    if (!text.startsWith("\"")) {
      return text.indexOf('@');
    }
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i + 1 < text.length() && text.charAt(i + 1) == '@' ? i + 1 : -1;
      }
    }
    return -1;
  }

  /**
   * {@code "alice"} as {@code alice}: a Quoted-string whose content is a valid Dot-string names the
   * same mailbox (RFC 5321 section 4.1.2; RFC 5322 section 3.4.1 says the dot-atom form SHOULD be
   * used), so every comparison (local users, aliases, senders, relay checks) sees one form.
   */
  private static String canonicalLocalPart(String local) {
    if (!local.startsWith("\"")) {
      return local;
    }
    String content = unquote(local);
    try {
      validateDotString(content);
      return content;
    } catch (IllegalArgumentException needsQuotes) {
      return local;
    }
  }

  private static void validateLocalPart(String local) {
    if (local.isEmpty()) {
      throw new IllegalArgumentException("local part is empty");
    }
    if (Ascii.utf8Length(local) > MAX_LOCAL_PART_LENGTH) {
      throw new IllegalArgumentException("local part longer than " + MAX_LOCAL_PART_LENGTH + " octets");
    }
    if (Ascii.hasControl(local)) {
      throw new IllegalArgumentException("local part contains a control character");
    }
    if (local.startsWith("\"")) {
      validateQuoted(local);
    } else {
      validateDotString(local);
    }
  }

  /** Quoted-string: qtextSMTP / quoted-pairSMTP (%d92 %d32-126), plus UTF8-non-ascii (RFC 6531). */
  private static void validateQuoted(String local) {
    if (local.length() < 2 || !local.endsWith("\"")) {
      throw new IllegalArgumentException("quoted local part is not closed");
    }
    int end = local.length() - 1;
    for (int i = 1; i < end; i++) {
      char c = local.charAt(i);
      if (c == '\\') {
        if (i + 1 >= end || local.charAt(i + 1) < 32 || local.charAt(i + 1) > 126) {
          throw new IllegalArgumentException("quoted local part has a bad backslash escape");
        }
        i++;
      } else if (c == '"') {
        throw new IllegalArgumentException("quoted local part has an unescaped quote");
      }
    }
  }

  /** Dot-string: Atom *("." Atom), atext per RFC 5322 plus UTF8-non-ascii (RFC 6531). */
  private static void validateDotString(String local) {
    for (String atom : local.split("\\.", -1)) {
      if (atom.isEmpty()) {
        throw new IllegalArgumentException("local part has an empty atom (leading, trailing or double dot)");
      }
      for (int i = 0; i < atom.length(); i++) {
        char c = atom.charAt(i);
        boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || ATEXT_SPECIALS.indexOf(c) >= 0 || c >= 0x80;
        if (!atext) {
          throw new IllegalArgumentException("local part has a character that needs quoting");
        }
      }
    }
  }
}
