package io.vmta.mta.config;

import io.vmta.smtp.server.ListenerOptions;

import io.vmta.smtp.server.ListenerMode;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An empty configuration is the contract's defaults; values are normalised as documented. */
class DefaultsTest {

  @Test
  void anEmptyConfigurationIsTheDefaults() {
    MtaOptions empty = new MtaOptions(new JsonObject());
    assertThat(empty).isEqualTo(new MtaOptions()).isEqualTo(ConfigLoader.defaults());
    JsonObject nulls = new JsonObject().putNull("hostname").putNull("limits").putNull("relay");
    assertThat(new MtaOptions(nulls)).isEqualTo(empty);
  }

  @Test
  void theDefaultsAreThoseOfTheDesign() {
    MtaOptions o = ConfigLoader.defaults();
    assertThat(o.getHostname()).isEqualTo("localhost");
    assertThat(o.getDataDir()).isEqualTo("./data");
    assertThat(o.getListeners()).extracting(l -> l.getHost() + ":" + l.getPort() + " " + l.getMode())
        .containsExactly("0.0.0.0:2525 MX", "0.0.0.0:2587 SUBMISSION", "0.0.0.0:2465 SMTPS");
    assertThat(o.getTls().isConfigured()).isFalse();
    LimitsOptions limits = o.getLimits();
    assertThat(limits.getMaxMessageSize()).isEqualTo(26_214_400L);
    assertThat(limits.getMaxRecipients()).isEqualTo(1000);
    assertThat(limits.getMaxConnectionsPerIp()).isEqualTo(50);
    assertThat(limits.getMaxConnections()).isEqualTo(1000);
    assertThat(limits.getIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(limits.getCommandTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(limits.getDataTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(limits.getMaxErrors()).isEqualTo(10);
    assertThat(limits.getMaxLineLength()).isEqualTo(1000);
    assertThat(limits.getMaxCommandLine()).isEqualTo(512);
    assertThat(limits.getShutdownGrace()).isEqualTo(Duration.ofSeconds(20));
    assertThat(limits.getAuthSlowAfter()).isEqualTo(5);
    assertThat(limits.getAuthRefuseAfter()).isEqualTo(20);
    assertThat(limits.getAuthWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(o.getDomains()).containsExactly("example.test");
    assertThat(o.getUsers()).isEqualTo("users.txt");
    assertThat(o.getAliases()).isEmpty();
    assertThat(o.getTrustedNetworks()).isEmpty();
    assertThat(o.getRelay().getDnsServers()).isEmpty();
    assertThat(o.getRelay().getPort()).isEqualTo(25);
    assertThat(o.getRelay().getSmarthost()).isNull();
    assertThat(o.getRelay().getRetry().getInitialDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.getRelay().getRetry().getMaxDelay()).isEqualTo(Duration.ofHours(1));
    assertThat(o.getRelay().getRetry().getMaxAge()).isEqualTo(Duration.ofDays(5));
    assertThat(o.getManagement().getHost()).isEqualTo("127.0.0.1");
    assertThat(o.getManagement().getPort()).isEqualTo(8025);
    assertThat(o.getCluster().isEnabled()).isFalse();
    assertThat(o.getCluster().getRoles()).containsExactly(ClusterRole.SERVER, ClusterRole.RELAY);
    assertThat(o.getCluster().getHost()).isEqualTo("127.0.0.1");
    assertThat(o.getCluster().getPort()).isEqualTo(5701);
    assertThat(o.getCluster().getMembers()).isEmpty();
  }

  @Test
  void namesAndAddressesAreNormalised() throws Exception {
    MtaOptions o = new MtaOptions(new JsonObject("""
        {"hostname": "MX.Example.TEST.",
         "domains": ["Example.TEST", "bücher.example"],
         "aliases": {"PostMaster@Example.test": "Alice@Example.test",
                     "abuse@example.test": ["a@example.test", "b@bücher.example"]},
         "trustedNetworks": ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"],
         "relay": {"dnsServers": ["192.0.2.53", "[2001:db8::53]:5353"], "port": 2526},
         "listeners": [{"port": 0}, {"port": 0, "mode": "smtps"}],
         "limits": {"idleTimeout": 30, "maxMessageSize": 5000000000}}
        """));
    assertThat(o.getHostname()).isEqualTo("mx.example.test");
    assertThat(o.getDomains()).containsExactly("example.test", "xn--bcher-kva.example");
    assertThat(o.getAliases()).containsExactly(
        entry("postmaster@example.test", List.of("alice@example.test")),
        entry("abuse@example.test", List.of("a@example.test", "b@xn--bcher-kva.example")));
    assertThat(o.trustedCidrs()).hasSize(3);
    assertThat(o.trustedCidrs().get(0).contains(InetAddress.getByName("10.20.30.40"))).isTrue();
    assertThat(o.getRelay().dnsServerAddresses()).extracting(a -> a.getAddress().getHostAddress()
        + " " + a.getPort()).containsExactly("192.0.2.53 53", "2001:db8:0:0:0:0:0:53 5353");
    assertThat(o.getListeners()).extracting(ListenerOptions::getMode)
        .containsExactly(ListenerMode.MX, ListenerMode.SMTPS);
    assertThat(o.getLimits().getIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.getLimits().getMaxMessageSize()).isEqualTo(5_000_000_000L);
    assertThat(new MtaOptions(new JsonObject().put("listeners", new io.vertx.core.json.JsonArray()))
        .getListeners()).isEmpty();
  }

  @Test
  void relativeUsersFilesAreTakenAgainstTheConfigDirectory() {
    Path dir = Path.of("/etc/mta");
    assertThat(new MtaOptions().resolveUsers(dir)).isEqualTo(Path.of("/etc/mta/users.txt"));
    assertThat(new MtaOptions().setUsers("../shared/users.txt").resolveUsers(dir))
        .isEqualTo(Path.of("/etc/shared/users.txt"));
    assertThat(new MtaOptions().setUsers("/srv/users.txt").resolveUsers(dir))
        .isEqualTo(Path.of("/srv/users.txt"));
  }

  private static <K, V> java.util.Map.Entry<K, V> entry(K k, V v) {
    return java.util.Map.entry(k, v);
  }
}
