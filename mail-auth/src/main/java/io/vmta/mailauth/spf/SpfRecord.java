package io.vmta.mailauth.spf;

import org.xbill.DNS.Address;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SPF record parsed whole before anything is evaluated (RFC 7208 section 4.6: a syntax error
 * anywhere is a {@code permerror}, whatever an earlier mechanism would have matched).
 *
 * @param mechanisms  the mechanisms in order
 * @param redirect    the {@code redirect=} domain-spec, or null
 * @param exp         the {@code exp=} domain-spec, or null
 */
record SpfRecord(List<Mechanism> mechanisms, MacroString redirect, MacroString exp) {

  /** The mechanisms of RFC 7208 section 5. */
  enum Kind {
    ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS;

    /** Whether evaluating it queries DNS and so counts against the limit of 4.6.4. */
    boolean queriesDns() {
      return this == INCLUDE || this == A || this == MX || this == PTR || this == EXISTS;
    }
  }

  /**
   * One mechanism.
   *
   * @param result      what a match yields (from the qualifier, section 4.6.2)
   * @param kind        which mechanism
   * @param domain      its domain-spec, or null for "the current domain" (and for all, ip4, ip6)
   * @param network     the ip4/ip6 network, or null
   * @param cidr4       the IPv4 prefix length (32 when absent)
   * @param cidr6       the IPv6 prefix length (128 when absent)
   * @param text        the term as written, for the reason of an outcome
   */
  record Mechanism(SpfResult result, Kind kind, MacroString domain, InetAddress network, int cidr4,
      int cidr6, String text) {
  }

  private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)",
      Pattern.DOTALL);
  private static final Pattern MECHANISM = Pattern.compile("([+?~-]?)([A-Za-z0-9]+)(.*)",
      Pattern.DOTALL);
  /** {@code [":" domain-spec] [ip4-cidr-length] ["/" ip6-cidr-length]} of a and mx (5.3, 5.4). */
  private static final Pattern DUAL_CIDR = Pattern.compile(
      "(.*?)(?:/(0|[1-9][0-9]{0,2}))?(?://(0|[1-9][0-9]{0,2}))?", Pattern.DOTALL);
  private static final Pattern IP4_NETWORK = Pattern.compile(
      "((?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
          + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]))(?:/(0|[1-9][0-9]?))?");
  private static final Pattern IP6_NETWORK = Pattern.compile(
      "([0-9A-Fa-f:.]+)(?:/(0|[1-9][0-9]{0,2}))?");

  /** Whether a TXT text is an SPF record at all: {@code v=spf1} then a space or nothing (4.5). */
  static boolean isSpf(String text) {
    return text.regionMatches(true, 0, "v=spf1", 0, 6)
        && (text.length() == 6 || text.charAt(6) == ' ');
  }

  /** Parses a record ({@link #isSpf} must accept it). */
  static SpfRecord parse(String text) throws SpfSyntaxException {
    if (!isSpf(text)) {
      throw new SpfSyntaxException("not an SPF record");
    }
    List<Mechanism> mechanisms = new ArrayList<>();
    MacroString redirect = null;
    MacroString exp = null;
    for (String term : text.substring(6).split(" ")) {
      if (term.isEmpty()) {
        continue;
      }
      Matcher modifier = MODIFIER.matcher(term);
      if (modifier.matches()) {
        String name = modifier.group(1).toLowerCase(Locale.ROOT);
        String value = modifier.group(2);
        switch (name) {
          case "redirect" -> {
            if (redirect != null) {
              throw new SpfSyntaxException("redirect= twice");
            }
            redirect = domainSpec(value, term);
          }
          case "exp" -> {
            if (exp != null) {
              throw new SpfSyntaxException("exp= twice");
            }
            exp = domainSpec(value, term);
          }
          // Unknown modifiers are ignored, but their value must still be a macro-string (6, A).
          default -> MacroString.parse(value, false);
        }
        continue;
      }
      mechanisms.add(mechanism(term));
    }
    return new SpfRecord(mechanisms, redirect, exp);
  }

  private static Mechanism mechanism(String term) throws SpfSyntaxException {
    Matcher m = MECHANISM.matcher(term);
    if (!m.matches()) {
      throw new SpfSyntaxException("unknown term " + term);
    }
    SpfResult result = switch (m.group(1)) {
      case "-" -> SpfResult.FAIL;
      case "~" -> SpfResult.SOFTFAIL;
      case "?" -> SpfResult.NEUTRAL;
      default -> SpfResult.PASS;
    };
    String name = m.group(2).toLowerCase(Locale.ROOT);
    String rest = m.group(3);
    return switch (name) {
      case "all" -> {
        if (!rest.isEmpty()) {
          throw new SpfSyntaxException("all takes no argument: " + term);
        }
        yield new Mechanism(result, Kind.ALL, null, null, 32, 128, term);
      }
      case "include", "exists" -> {
        if (!rest.startsWith(":")) {
          throw new SpfSyntaxException(name + " needs a domain: " + term);
        }
        Kind kind = name.equals("include") ? Kind.INCLUDE : Kind.EXISTS;
        yield new Mechanism(result, kind, domainSpec(rest.substring(1), term), null, 32, 128, term);
      }
      case "ptr" -> {
        MacroString domain = null;
        if (rest.startsWith(":")) {
          domain = domainSpec(rest.substring(1), term);
        } else if (!rest.isEmpty()) {
          throw new SpfSyntaxException("ptr: bad argument " + term);
        }
        yield new Mechanism(result, Kind.PTR, domain, null, 32, 128, term);
      }
      case "a", "mx" -> addressMechanism(result, name.equals("a") ? Kind.A : Kind.MX, rest, term);
      case "ip4" -> ip4(result, rest, term);
      case "ip6" -> ip6(result, rest, term);
      default -> throw new SpfSyntaxException("unknown mechanism " + term);
    };
  }

  private static Mechanism addressMechanism(SpfResult result, Kind kind, String rest, String term)
      throws SpfSyntaxException {
    Matcher m = DUAL_CIDR.matcher(rest);
    if (!m.matches()) {
      throw new SpfSyntaxException("bad argument: " + term);
    }
    String domainPart = m.group(1);
    MacroString domain = null;
    if (domainPart.startsWith(":")) {
      domain = domainSpec(domainPart.substring(1), term);
    } else if (!domainPart.isEmpty()) {
      throw new SpfSyntaxException("bad argument: " + term);
    }
    int cidr4 = m.group(2) == null ? 32 : Integer.parseInt(m.group(2));
    int cidr6 = m.group(3) == null ? 128 : Integer.parseInt(m.group(3));
    if (cidr4 > 32 || cidr6 > 128) {
      throw new SpfSyntaxException("prefix length out of range: " + term);
    }
    return new Mechanism(result, kind, domain, null, cidr4, cidr6, term);
  }

  private static Mechanism ip4(SpfResult result, String rest, String term)
      throws SpfSyntaxException {
    Matcher m = rest.startsWith(":") ? IP4_NETWORK.matcher(rest.substring(1)) : null;
    if (m == null || !m.matches()) {
      throw new SpfSyntaxException("bad ip4 network: " + term);
    }
    int cidr = m.group(2) == null ? 32 : Integer.parseInt(m.group(2));
    if (cidr > 32) {
      throw new SpfSyntaxException("prefix length out of range: " + term);
    }
    return new Mechanism(result, Kind.IP4, null, address(m.group(1), Address.IPv4, term), cidr,
        128, term);
  }

  private static Mechanism ip6(SpfResult result, String rest, String term)
      throws SpfSyntaxException {
    Matcher m = rest.startsWith(":") ? IP6_NETWORK.matcher(rest.substring(1)) : null;
    if (m == null || !m.matches()) {
      throw new SpfSyntaxException("bad ip6 network: " + term);
    }
    int cidr = m.group(2) == null ? 128 : Integer.parseInt(m.group(2));
    if (cidr > 128) {
      throw new SpfSyntaxException("prefix length out of range: " + term);
    }
    return new Mechanism(result, Kind.IP6, null, address(m.group(1), Address.IPv6, term), 32,
        cidr, term);
  }

  /** Parses an address literal without any lookup (dnsjava's parser, not InetAddress.getByName). */
  private static InetAddress address(String text, int family, String term)
      throws SpfSyntaxException {
    byte[] bytes = Address.toByteArray(text, family);
    if (bytes == null) {
      throw new SpfSyntaxException("bad address: " + term);
    }
    try {
      // A mapped IPv4 address in ip6: stays a 16-byte network; InetAddress would make it IPv4.
      return family == Address.IPv6 ? java.net.Inet6Address.getByAddress(null, bytes, null)
          : InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new SpfSyntaxException("bad address: " + term);
    }
  }

  private static MacroString domainSpec(String text, String term) throws SpfSyntaxException {
    MacroString spec = MacroString.parse(text, false);
    if (!spec.isDomainSpec()) {
      throw new SpfSyntaxException("not a domain-spec: " + term);
    }
    return spec;
  }
}
