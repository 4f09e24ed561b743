package io.vmta.smtp.relay.dns;

import java.util.List;

/**
 * Where to deliver mail for one domain: the mail exchangers to try in order, best first (RFC 5321
 * section 5.1).
 *
 * @param hosts at least one host, at most {@link MxResolver#MAX_HOSTS}
 */
public record Route(List<MxHost> hosts) {

  /** Copies the hosts; an empty route is a failure, not a route. */
  public Route {
    hosts = List.copyOf(hosts);
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a route needs at least one host");
    }
  }
}
