package io.vmta.mailauth.dmarc;

import com.google.common.net.InternetDomainName;
import io.vmta.smtp.core.Domain;
import java.util.Locale;

/**
 * The organizational domain of RFC 7489 3.2: the public suffix of a domain plus one label, with the
 * Public Suffix List that Guava ships ({@link InternetDomainName}, both its ICANN and its private
 * sections, as publicsuffix.org publishes it; docs/mail-auth-dmarc.md says why). A name under no
 * listed suffix takes the list's implicit {@code *} rule (its last label is the suffix, so
 * {@code a.b.example.test} gives {@code example.test}); a name that is itself a public suffix is
 * its own organizational domain. Pure computation on tables in memory; never throws.
 */
public final class OrganizationalDomain {

  private OrganizationalDomain() {
  }

  /**
   * Loads the list (its first use reads and builds Guava's tables, about 30 ms): call once at
   * start-up on a worker thread so that no event loop pays for it.
   */
  public static void load() {
    of("example.co.uk");
  }

  /** The organizational domain of {@code domain}, lower case, without a trailing dot. */
  public static String of(String domain) {
    String d = normalize(domain);
    if (d.isEmpty()) {
      return d;
    }
    try {
      InternetDomainName name = InternetDomainName.from(d);
      if (name.isPublicSuffix()) {
        return d;
      }
      if (name.isUnderPublicSuffix()) {
        return name.topPrivateDomain().toString();
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Not a name Guava accepts (e.g. a label too long): fall through to the implicit rule.
    }
    int last = d.lastIndexOf('.');
    if (last < 0) {
      return d;
    }
    int previous = d.lastIndexOf('.', last - 1);
    return previous < 0 ? d : d.substring(previous + 1);
  }

  /**
   * Lower-case A-labels without a trailing dot, so that {@code B\u00fccher.example.} and
   * {@code xn--bcher-kva.example} compare equal; a name IDNA refuses is only lower-cased; the empty
   * string for null.
   */
  static String normalize(String domain) {
    if (domain == null) {
      return "";
    }
    String d = domain.strip().toLowerCase(Locale.ROOT);
    d = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    try {
      return Domain.parse(d).ascii();
    } catch (IllegalArgumentException e) {
      return d;
    }
  }
}
