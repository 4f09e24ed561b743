package io.vmta.smtp.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.relay.client.ClientOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayOptionsTest {

  @Test
  void roundTripsThroughJson() {
    RelayOptions options = new RelayOptions()
        .setDnsServers(List.of("127.0.0.1:5353", "::1"))
        .setDnsTimeout(Duration.ofMillis(1500))
        .setPort(2525)
        .setSmarthost(new Smarthost("up.example.test", 465, Smarthost.Tls.IMPLICIT, "u", "p"))
        .setRequireTls(List.of("Bank.Example", ".gov.example"))
        .setMaxConnectionsPerDestination(3)
        .setConnectionIdle(Duration.ofSeconds(2))
        .setClient(new ClientOptions().setHeloName("mx.example.test"))
        .setLocalNames(List.of("mx.example.test"))
        .setLocalPorts(List.of(25, 2525));
    for (RelayOptions o : List.of(new RelayOptions(), options)) {
      JsonObject json = o.toJson();
      assertThat(new RelayOptions(json)).isEqualTo(o);
      assertThat(new RelayOptions(json).toJson()).isEqualTo(json);
      assertThat(new RelayOptions(o)).isEqualTo(o);
    }
    assertThat(options.getDnsServers()).containsExactly("127.0.0.1:5353", "[::1]:53");
    assertThat(options.dnsServerAddresses()).containsExactly(
        new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("::1", 53));
    assertThat(options.requiresTls("bank.example")).isTrue();
    assertThat(options.requiresTls("x.gov.example")).isTrue();
  }

  @Test
  void aSmarthostPortFollowsItsTls() {
    RelayOptions options = new RelayOptions(new JsonObject().put("smarthost",
        new JsonObject().put("host", "up.example.test").put("tls", "implicit")));
    assertThat(options.getSmarthost().port()).isEqualTo(465);
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("smarthost",
        new JsonObject().put("host", "up.example.test").put("tls", "none")
            .put("username", "u").put("password", "p"))))
        .hasMessageStartingWith("relay.smarthost.tls: a password is only ever sent over TLS");
  }

  @Test
  void unknownKeysAndBadDurationsAreErrorsNamingThePath() {
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("dnsTimeoutMillis", 5000)))
        .hasMessageStartingWith("relay.dnsTimeoutMillis: unknown key");
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("smarthost",
        new JsonObject().put("host", "h").put("prot", 25))))
        .hasMessage("relay.smarthost.prot: unknown key; did you mean port?");
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("connectionIdle", "-1s")))
        .hasMessageStartingWith("relay.connectionIdle: must be a duration like");
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("dnsServers",
        List.of("dns.example"))))
        .hasMessageStartingWith("relay.dnsServers[0]: must be an IP address");
  }
}
