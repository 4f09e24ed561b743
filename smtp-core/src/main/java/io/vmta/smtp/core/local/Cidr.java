package io.vmta.smtp.core.local;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network such as {@code 127.0.0.0/8} or {@code ::1/128}; a bare address means
 * a single host. Parsing never resolves a name. IPv4-mapped IPv6 forms ({@code ::ffff:a.b.c.d})
 * are treated as the IPv4 addresses they carry, both as networks and as addresses to test.
 */
public final class Cidr {

  private final byte[] network;
  private final int prefixLength;

  private Cidr(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses {@code address/prefix} or a bare address.
   *
   * @throws IllegalArgumentException naming what is wrong, e.g. host bits set below the prefix
   */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty network");
    }
    int slash = text.indexOf('/');
    String addressPart = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = parseAddress(addressPart).getAddress();
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (!p.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException("bad prefix length \"" + p + "\"");
      }
      prefix = Integer.parseInt(p);
      if (addressPart.contains(":") && bytes.length == 4) {
        prefix -= 96; // an IPv4-mapped IPv6 network: count the prefix within the IPv4 part
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("prefix length must be 0-" + bits + " here, got " + p);
      }
    }
    byte[] masked = mask(bytes, prefix);
    if (!Arrays.equals(masked, bytes)) {
      throw new IllegalArgumentException("host bits set in \"" + text + "\" (did you mean "
          + new Cidr(masked, prefix) + "?)");
    }
    return new Cidr(masked, prefix);
  }

  /** Tells whether an address lies in this network; IPv4-mapped IPv6 addresses count as IPv4. */
  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 16 && network.length == 4 && isIpv4Mapped(bytes)) {
      bytes = Arrays.copyOfRange(bytes, 12, 16);
    }
    return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
  }

  /** The network address. */
  public InetAddress network() {
    return toInetAddress(network);
  }

  /** The prefix length in bits. */
  public int prefixLength() {
    return prefixLength;
  }

  /** The canonical form, e.g. {@code 10.0.0.0/8} or {@code 2001:db8:0:0:0:0:0:0/32}. */
  @Override
  public String toString() {
    return network().getHostAddress() + "/" + prefixLength;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c
        && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixLength;
  }

  /**
   * Parses an IPv4 dotted quad or an IPv6 literal without any DNS lookup.
   *
   * @throws IllegalArgumentException when the text is not an IP literal (names are refused)
   */
  public static InetAddress parseAddress(String text) {
    if (text.matches("[0-9.]+")) {
      String[] parts = text.split("\\.", -1);
      if (parts.length != 4) {
        throw new IllegalArgumentException("not an IP address: \"" + text + "\"");
      }
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
          throw new IllegalArgumentException("not an IP address: \"" + text + "\"");
        }
        bytes[i] = (byte) Integer.parseInt(parts[i]);
      }
      return toInetAddress(bytes);
    }
    // With a ':' in it, InetAddress parses the text as an IPv6 literal and never queries DNS.
    if (!text.contains(":") || !text.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("not an IP address: \"" + text + "\"");
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: \"" + text + "\"");
    }
  }

  private static InetAddress toInetAddress(byte[] bytes) {
    try {
      return bytes.length == 16
          ? Inet6Address.getByAddress(null, bytes, -1)
          : Inet4Address.getByAddress(bytes);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }
}
