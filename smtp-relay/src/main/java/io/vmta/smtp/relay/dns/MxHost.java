package io.vmta.smtp.relay.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * One mail exchanger of a route: its name (without the trailing dot), its MX preference, and its
 * addresses, IPv4 before IPv6.
 *
 * @param name        the host name, or the address literal itself for {@code [192.0.2.1]}
 * @param preference  the MX preference; 0 for an implicit MX or an address literal
 * @param addresses   the host's addresses, never empty
 */
public record MxHost(String name, int preference, List<InetAddress> addresses) {

  /** Copies the addresses; a host without one is not part of a route. */
  public MxHost {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("MX host name is empty");
    }
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("MX host " + name + " has no address");
    }
  }
}
