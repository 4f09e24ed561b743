package io.vmta.mailauth.dns;

import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.local.Cidr;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The DNS servers of the configuration ({@code dns.servers}, {@code relay.dnsServers}): written as
 * {@code ip}, {@code ip:port}, {@code [ipv6]:port} or a bare IPv6 address, kept as {@code host:port}.
 */
public final class DnsServers {

  /** The port of a server given without one. */
  public static final int DEFAULT_PORT = 53;

  private static final String EXPECTED =
      "an IP address with an optional port, like \"192.0.2.53:53\" or \"[2001:db8::53]:53\"";

  private DnsServers() {
  }

  /** Checks one server as written at {@code path}; returns it as {@code host:port}. */
  public static String parse(String text, String path) {
    String host = text;
    String portText = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || (close != text.length() - 1 && text.charAt(close + 1) != ':')) {
        throw ConfigReader.bad(path, EXPECTED, text);
      }
      host = text.substring(1, close);
      portText = close == text.length() - 1 ? null : text.substring(close + 2);
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      portText = text.substring(text.indexOf(':') + 1);
    }
    int port = DEFAULT_PORT;
    try {
      Cidr.parseAddress(host);
      if (portText != null) {
        port = portText.matches("[0-9]{1,5}") ? Integer.parseInt(portText) : -1;
      }
    } catch (IllegalArgumentException e) {
      throw ConfigReader.bad(path, EXPECTED, text);
    }
    if (port < 1 || port > 65535) {
      throw ConfigReader.bad(path, EXPECTED, text);
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The socket addresses of servers checked by {@link #parse}. */
  public static List<InetSocketAddress> addresses(List<String> servers) {
    return servers.stream().map(s -> {
      int colon = s.lastIndexOf(':');
      String host = s.substring(0, colon).replace("[", "").replace("]", "");
      return new InetSocketAddress(Cidr.parseAddress(host), Integer.parseInt(s.substring(colon + 1)));
    }).toList();
  }
}
