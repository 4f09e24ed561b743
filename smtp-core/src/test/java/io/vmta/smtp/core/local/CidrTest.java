package io.vmta.smtp.core.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal); // literals only: no DNS
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
      "127.0.0.0/8,        127.0.0.1,        true",
      "127.0.0.0/8,        127.255.255.255,  true",
      "127.0.0.0/8,        128.0.0.1,        false",
      "192.168.1.0/24,     192.168.1.77,     true",
      "192.168.1.0/24,     192.168.2.77,     false",
      "10.1.2.3,           10.1.2.3,         true",
      "10.1.2.3/32,        10.1.2.4,         false",
      "0.0.0.0/0,          203.0.113.9,      true",
      "0.0.0.0/0,          ::1,              false",
      "172.16.0.0/12,      172.31.255.1,     true",
      "172.16.0.0/12,      172.32.0.1,       false",
      "::1/128,            ::1,              true",
      "::1/128,            ::2,              false",
      "::1/128,            127.0.0.1,        false",
      "2001:db8::/32,      2001:db8:ffff::1, true",
      "2001:db8::/32,      2001:db9::1,      false",
      "fe80::/10,          febf::1,          true",
      "fe80::/10,          fec0::1,          false",
      "::/0,               2001:db8::1,      true",
      "::/0,               192.0.2.1,        false",
      "10.0.0.0/8,         ::ffff:10.9.8.7,  true",
      "::ffff:10.0.0.0/104, 10.9.8.7,        true",
      "::ffff:10.0.0.0/104, 11.9.8.7,        false",
  })
  void contains(String cidr, String address, boolean expected) throws UnknownHostException {
    assertThat(Cidr.parse(cidr).contains(ip(address))).isEqualTo(expected);
  }

  @Test
  void anIpv4MappedIpv6AddressObjectCountsAsIpv4() throws UnknownHostException {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 1;
    InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertThat(Cidr.parse("10.0.0.0/8").contains(v6)).isTrue();
  }

  @Test
  void hasACanonicalFormAndValueEquality() {
    assertThat(Cidr.parse("10.0.0.0/8")).hasToString("10.0.0.0/8")
        .isEqualTo(Cidr.parse("10.0.0.0/8")).hasSameHashCodeAs(Cidr.parse("10.0.0.0/8"));
    assertThat(Cidr.parse("192.0.2.1").prefixLength()).isEqualTo(32);
    assertThat(Cidr.parse("::1").prefixLength()).isEqualTo(128);
    assertThat(Cidr.parse("2001:DB8::/32")).isEqualTo(Cidr.parse("2001:db8:0::/32"));
    assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      localhost          | not an IP address: "localhost"
      example.test/8     | not an IP address: "example.test"
      10.0.0             | not an IP address: "10.0.0"
      10.0.0.256/8       | not an IP address: "10.0.0.256"
      010.0.0.0/8        | not an IP address: "010.0.0.0"
      10.0.0.0/33        | prefix length must be 0-32 here, got 33
      ::/129             | prefix length must be 0-128 here, got 129
      10.0.0.0/x         | bad prefix length "x"
      10.0.0.0/          | bad prefix length ""
      10.0.0.1/8         | host bits set in "10.0.0.1/8" (did you mean 10.0.0.0/8?)
      2001:db8::1/32     | host bits set in "2001:db8::1/32"
      [::1]/128          | not an IP address: "[::1]"
      fe80::1%eth0/128   | not an IP address: "fe80::1%eth0"
      1:2:3:4:5:6:7:8:9  | not an IP address: "1:2:3:4:5:6:7:8:9"
      """)
  void refusesBadNetworksWithoutResolving(String text, String message) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
