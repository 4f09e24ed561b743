package io.vmta.smtp.relay.client;

import io.vmta.smtp.core.local.Cidr;
import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a certificate names a host, as RFC 7817 section 3 (with RFC 6125 section 6.4) asks of
 * mail clients: the reference identifier is the host connected to (the MX host name as found in
 * DNS, or the configured smarthost name); it is compared with the subjectAltName dNSNames, case
 * insensitive, where {@code *} may stand only for the complete left-most label (so
 * {@code *.example.org} matches {@code mx.example.org}, not {@code example.org},
 * {@code a.mx.example.org} or anything for {@code w*.example.org}); the subject CN counts only
 * when there is no dNSName at all. An IP literal host is compared with the iPAddress entries.
 */
public final class HostnameMatch {

  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private HostnameMatch() {
  }

  /** Whether {@code cert} names {@code host} (a DNS name or an IP literal). */
  public static boolean matches(X509Certificate cert, String host) {
    String reference = normalise(host);
    if (reference.startsWith("[") && reference.endsWith("]")) {
      reference = reference.substring(1, reference.length() - 1);
    }
    if (reference.isEmpty()) {
      return false;
    }
    if (isIpLiteral(reference)) {
      return ipMatches(cert, reference);
    }
    List<String> dnsNames = names(cert, DNS_NAME);
    List<String> presented = dnsNames.isEmpty() ? commonNames(cert) : dnsNames;
    String ref = reference;
    return presented.stream().anyMatch(p -> nameMatches(normalise(p), ref));
  }

  /** One presented identifier against the reference, both lower case without a trailing dot. */
  static boolean nameMatches(String presented, String reference) {
    if (presented.isEmpty() || reference.isEmpty()) {
      return false;
    }
    if (!presented.contains("*")) {
      return presented.equals(reference);
    }
    // RFC 6125 6.4.3, narrowed by RFC 7817 section 3: only "*." as the whole left-most label,
    // over at least two more labels (no "*.org").
    if (!presented.startsWith("*.") || presented.indexOf('*', 1) >= 0) {
      return false;
    }
    String rest = presented.substring(2);
    if (rest.indexOf('.') < 0) {
      return false;
    }
    int dot = reference.indexOf('.');
    return dot > 0 && reference.substring(dot + 1).equals(rest);
  }

  private static boolean ipMatches(X509Certificate cert, String reference) {
    InetAddress want;
    try {
      want = Cidr.parseAddress(reference);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (String ip : names(cert, IP_ADDRESS)) {
      try {
        if (Cidr.parseAddress(ip).equals(want)) {
          return true;
        }
      } catch (IllegalArgumentException e) {
        // not an address: no match
      }
    }
    return false;
  }

  private static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    return host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  private static List<String> names(X509Certificate cert, int type) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(type).equals(san.get(0)) && san.get(1) instanceof String s) {
            out.add(s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // an unreadable extension names nothing
    }
    return out;
  }

  private static List<String> commonNames(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          out.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // no usable subject
    }
    return out;
  }

  private static String normalise(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
