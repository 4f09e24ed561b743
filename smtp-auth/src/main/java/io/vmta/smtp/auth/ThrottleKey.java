package io.vmta.smtp.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/** The address {@link AuthThrottle} counts a client under. */
final class ThrottleKey {

  private ThrottleKey() {
  }

  /**
   * {@code ip} itself for IPv4; for IPv6 its /64 (as {@code 2001:db8:0:1::/64}), since one host
   * there is given a whole /64 to rotate through (RFC 4291 section 2.5.1 interface identifiers);
   * for an IPv4-mapped IPv6 address the IPv4 address. Only IP literals are parsed, never looked
   * up in DNS; any other text is its own key.
   */
  static String of(String ip) {
    Objects.requireNonNull(ip, "ip");
    if (ip.indexOf(':') < 0) {
      return ip;
    }
    String literal = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    int zone = literal.indexOf('%');
    if (zone >= 0) {
      literal = literal.substring(0, zone);
    }
    if (literal.isEmpty() || !literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      return ip; // not a literal: InetAddress would look it up
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(literal);
    } catch (UnknownHostException notALiteral) {
      return ip;
    }
    if (address instanceof Inet4Address) {
      return address.getHostAddress(); // InetAddress turns ::ffff:a.b.c.d into the IPv4 address
    }
    byte[] bytes = address.getAddress();
    Arrays.fill(bytes, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(bytes).getHostAddress().replaceFirst(":0:0:0:0$", "::") + "/64";
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
