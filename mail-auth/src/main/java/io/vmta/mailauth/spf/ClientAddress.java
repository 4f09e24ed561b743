package io.vmta.mailauth.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/** The SMTP client's address in the forms SPF needs: prefix matching and the macros of 7.3. */
record ClientAddress(InetAddress address) {

  /** Whether the client speaks IPv4 (an IPv4-mapped IPv6 address counts as IPv4, RFC 7208 5). */
  boolean isIpv4() {
    return address instanceof Inet4Address;
  }

  /** Whether the first {@code prefix} bits of {@code network} equal the client's; families must agree. */
  boolean in(InetAddress network, int prefix) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    int bits = prefix;
    for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((a[i] & mask) != (n[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** The {@code i} macro: dotted quad, or 32 dot-separated nibbles for IPv6 (7.3). */
  String dotted() {
    byte[] a = address.getAddress();
    StringBuilder out = new StringBuilder();
    if (isIpv4()) {
      for (byte b : a) {
        out.append(out.isEmpty() ? "" : ".").append(b & 0xff);
      }
      return out.toString();
    }
    for (byte b : a) {
      out.append(out.isEmpty() ? "" : ".").append(Character.forDigit((b >> 4) & 0xf, 16))
          .append('.').append(Character.forDigit(b & 0xf, 16));
    }
    return out.toString();
  }

  /** The {@code v} macro. */
  String version() {
    return isIpv4() ? "in-addr" : "ip6";
  }

  /** The name a PTR lookup of the client asks: {@code 4.3.2.1.in-addr.arpa} or the ip6.arpa form. */
  String reverseName() {
    String[] parts = dotted().split("\\.");
    StringBuilder out = new StringBuilder();
    for (int i = parts.length - 1; i >= 0; i--) {
      out.append(parts[i]).append('.');
    }
    return out.append(isIpv4() ? "in-addr.arpa" : "ip6.arpa").toString();
  }

  /** The {@code c} macro: dotted quad, or the RFC 5952 text form of an IPv6 address. */
  String readable() {
    if (isIpv4()) {
      return dotted();
    }
    byte[] a = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    // The longest run of two or more zero groups, the first when tied, becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
