package io.vmta.smtp.relay.transport;

import io.vmta.smtp.relay.dns.MxHost;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps this MTA out of its own MX lists (RFC 5321 section 5.1): "if the SMTP client's own host is
 * among the MX hosts, the client MUST discard all MX records with preference >= its own". A host
 * is this MTA when its name is one of {@code localNames}, or when the destination port is one
 * this MTA listens on and the host has an address of this machine (loopback, wildcard, or an
 * interface's).
 */
public final class MxLoopCheck {

  private final Set<String> localNames;
  private final boolean portIsOurs;
  private final Set<InetAddress> localAddresses;

  /** A check against the given names, and against the addresses when {@code destinationPort} is in {@code localPorts}. */
  public MxLoopCheck(List<String> localNames, List<Integer> localPorts, int destinationPort, Set<InetAddress> localAddresses) {
    this.localNames = localNames.stream().map(MxLoopCheck::normalise).collect(Collectors.toUnmodifiableSet());
    this.portIsOurs = localPorts.contains(destinationPort);
    this.localAddresses = Set.copyOf(localAddresses);
  }

  /** The addresses of this machine's interfaces; blocking (it asks the OS): call it on a worker. */
  public static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> out = new HashSet<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        out.addAll(Collections.list(nif.getInetAddresses()));
      }
    } catch (SocketException e) {
      // Without the list, loopback and the names still count; a loop then shows as a 5.4.6 from our own server.
    }
    return out;
  }

  /** Whether {@code host} is this MTA. */
  public boolean isSelf(MxHost host) {
    if (localNames.contains(normalise(host.name()))) {
      return true;
    }
    return portIsOurs && host.addresses().stream()
        .anyMatch(a -> a.isLoopbackAddress() || a.isAnyLocalAddress() || localAddresses.contains(a));
  }

  /**
   * The hosts to try: those more preferred than the best one that is this MTA (all of them when
   * none is). Empty means the mail would loop back to this MTA.
   */
  public List<MxHost> beforeSelf(List<MxHost> hosts) {
    int own = hosts.stream().filter(this::isSelf).mapToInt(MxHost::preference).min().orElse(Integer.MAX_VALUE);
    return hosts.stream().filter(h -> h.preference() < own).toList();
  }

  private static String normalise(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
