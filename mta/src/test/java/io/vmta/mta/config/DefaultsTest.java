package io.vmta.mta.config;

import io.vmta.smtp.server.ListenerOptions;

import io.vmta.smtp.server.ListenerMode;
import io.vmta.smtp.server.SmtpServerOptions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
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
    assertThat(o.getServer().getListeners()).extracting(l -> l.getHost() + ":" + l.getPort() + " " + l.getMode())
        .containsExactly("0.0.0.0:2525 MX", "0.0.0.0:2587 SUBMISSION", "0.0.0.0:2465 SMTPS");
    assertThat(o.getServer().getCertPath()).isNull();
    SmtpServerOptions limits = o.getServer();
    assertThat(limits.getMaxMessageSize()).isEqualTo(26_214_400L);
    assertThat(limits.getMaxRecipients()).isEqualTo(1000);
    assertThat(limits.getMaxConnectionsPerIp()).isEqualTo(50);
    assertThat(limits.getMaxConnections()).isEqualTo(1000);
    assertThat(limits.getIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(limits.getQueueTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(limits.getMaxConnectionTime()).isEqualTo(Duration.ofHours(1));
    assertThat(limits.getMaxJunkCommands()).isEqualTo(100);
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
    assertThat(o.getServer().getAliases()).isEmpty();
    assertThat(o.getServer().getTrustedNetworks()).isEmpty();
    assertThat(o.getServer().isRestrictSenders()).isTrue();
    assertThat(o.getRelay().getDnsServers()).isEmpty();
    assertThat(o.getRelay().getPort()).isEqualTo(25);
    assertThat(o.getRelay().getSmarthost()).isNull();
    assertThat(o.getQueue().getInitialDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.getQueue().getMaxDelay()).isEqualTo(Duration.ofHours(1));
    assertThat(o.getQueue().getMaxAge()).isEqualTo(Duration.ofDays(5));
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
    assertThat(o.getServer().getAliases()).isEqualTo(o.getQueue().getAliases()).containsExactly(
        entry("postmaster@example.test", List.of("alice@example.test")),
        entry("abuse@example.test", List.of("a@example.test", "b@xn--bcher-kva.example")));
    assertThat(o.getServer().getTrustedNetworks()).hasSize(3);
    assertThat(o.getRelay().dnsServerAddresses()).extracting(a -> a.getAddress().getHostAddress()
        + " " + a.getPort()).containsExactly("192.0.2.53 53", "2001:db8:0:0:0:0:0:53 5353");
    assertThat(o.getServer().getListeners()).extracting(ListenerOptions::getMode)
        .containsExactly(ListenerMode.MX, ListenerMode.SMTPS);
    assertThat(o.getServer().getIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.getServer().getMaxMessageSize()).isEqualTo(5_000_000_000L);
    assertThat(new MtaOptions(new JsonObject().put("listeners", new io.vertx.core.json.JsonArray()))
        .getServer().getListeners()).isEmpty();
  }

  @Test
  void eachKeyReachesTheModuleThatOwnsIt() {
    MtaOptions o = new MtaOptions(new JsonObject("""
        {"hostname": "mx.example.test", "dataDir": "/srv/mta",
         "limits": {"idleTimeout": "5m", "dataTimeout": "7m", "queueTimeout": "40s",
                    "maxConnectionTime": "2h", "maxJunkCommands": 7, "shutdownGrace": "3s"},
         "relay": {"port": 2526, "retry": {"initialDelay": "1m"}}}
        """));
    // limits.idleTimeout was read as idleTimeoutSeconds by the server's options and ignored.
    assertThat(o.getServer().getIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.getServer().getDataTimeout()).isEqualTo(Duration.ofMinutes(7));
    assertThat(o.getServer().getQueueTimeout()).isEqualTo(Duration.ofSeconds(40));
    assertThat(o.getServer().getMaxConnectionTime()).isEqualTo(Duration.ofHours(2));
    assertThat(o.getServer().getMaxJunkCommands()).isEqualTo(7);
    assertThat(o.getServer().getShutdownGrace()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.getServer().getHostname()).isEqualTo(o.getQueue().getHostname()).isEqualTo("mx.example.test");
    assertThat(o.getQueue().getDataDir()).isEqualTo("/srv/mta");
    assertThat(o.getQueue().getInitialDelay()).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.getRelay().getPort()).isEqualTo(2526);
    assertThat(o.getWarnings()).isEmpty();
  }

  @Test
  void commandTimeoutIsReadAsQueueTimeoutWithAWarning() {
    MtaOptions o = new MtaOptions(new JsonObject().put("limits",
        new JsonObject().put("commandTimeout", "45s")));
    assertThat(o.getServer().getQueueTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(o.getWarnings()).containsExactly(
        "limits.commandTimeout is deprecated: rename it limits.queueTimeout");
    assertThat(o.toJson().getJsonObject("limits").getString("queueTimeout")).isEqualTo("45s");
    assertThat(new MtaOptions(o.toJson()).getWarnings()).isEmpty();
  }

  @Test
  void dnsServersIsTheNewNameOfRelayDnsServers() {
    MtaOptions o = new MtaOptions(new JsonObject()
        .put("dns", new JsonObject().put("servers", new io.vertx.core.json.JsonArray().add("192.0.2.1")))
        .put("relay", new JsonObject().put("dnsServers", new io.vertx.core.json.JsonArray().add("192.0.2.2"))));
    assertThat(o.getRelay().getDnsServers()).containsExactly("192.0.2.1:53");
    assertThat(o.getServer().getDnsServers()).containsExactly("192.0.2.1:53");
    assertThat(new MtaOptions(o.toJson())).isEqualTo(o);
  }

  @Test
  void relayDnsServersAloneServeTheChecksOfIncomingMailToo() {
    MtaOptions o = new MtaOptions(new JsonObject()
        .put("relay", new JsonObject().put("dnsServers", new io.vertx.core.json.JsonArray().add("192.0.2.2"))));
    assertThat(o.getServer().getDnsServers()).containsExactly("192.0.2.2:53");
    assertThat(new MtaOptions(o.toJson())).isEqualTo(o);
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
