package io.vmta.mta.config;

import io.vmta.smtp.server.ListenerOptions;

import io.vmta.smtp.server.ListenerMode;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.LocalMailOptions;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.RelayTlsOptions;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.Smarthost;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** toJson then the JsonObject constructor gives an equal object; copies are equal and separate. */
class RoundTripTest {

  private static <T> void roundTrips(T options, Function<T, JsonObject> toJson,
      Function<JsonObject, T> fromJson, UnaryOperator<T> copy) {
    JsonObject json = toJson.apply(options);
    T back = fromJson.apply(json);
    assertThat(back).isEqualTo(options).hasSameHashCodeAs(options);
    assertThat(toJson.apply(back)).isEqualTo(json);
    assertThat(fromJson.apply(new JsonObject(json.encode()))).isEqualTo(options);
    assertThat(copy.apply(options)).isEqualTo(options).isNotSameAs(options);
  }

  @Test
  void managementOptions() {
    roundTrips(new ManagementOptions(), ManagementOptions::toJson, ManagementOptions::new,
        ManagementOptions::new);
    roundTrips(new ManagementOptions().setHost("0.0.0.0").setPort(0).setToken("s3cret"),
        ManagementOptions::toJson,
        ManagementOptions::new, ManagementOptions::new);
  }

  @Test
  void clusterOptions() {
    roundTrips(new ClusterOptions(), ClusterOptions::toJson, ClusterOptions::new,
        ClusterOptions::new);
    roundTrips(new ClusterOptions().setEnabled(true).setRoles(EnumSet.of(ClusterRole.RELAY))
            .setHost("10.0.0.5").setPort(5702).setMembers(List.of("10.0.0.6:5701", "node7")),
        ClusterOptions::toJson, ClusterOptions::new, ClusterOptions::new);
  }

  @Test
  void mtaOptions() {
    roundTrips(new MtaOptions(), MtaOptions::toJson, MtaOptions::new, MtaOptions::new);
    roundTrips(fullyChanged(), MtaOptions::toJson, MtaOptions::new, MtaOptions::new);
  }

  @Test
  void theCopyIsDeep() {
    MtaOptions original = fullyChanged();
    MtaOptions copy = new MtaOptions(original);
    copy.getServer().setMaxRecipients(1).setTls(null, null);
    copy.getServer().getListeners().get(0).setPort(9999);
    copy.getQueue().setMaxAge(Duration.ofSeconds(1));
    copy.getRelay().setPort(26);
    copy.getManagement().setPort(1);
    copy.getCluster().setEnabled(false);
    assertThat(original).isEqualTo(fullyChanged());
  }

  static MtaOptions fullyChanged() {
    return new MtaOptions()
        .setServer(new MtaOptions().getServer()
            .setListeners(List.of(new ListenerOptions("127.0.0.1", 0, ListenerMode.SUBMISSION)))
            .setTls("cert.pem", "key.pem")
            .setMaxMessageSize(1024)
            .setQueueTimeout(Duration.ofSeconds(30))
            .setMaxConnectionTime(Duration.ofMinutes(20))
            .setMaxJunkCommands(5)
            .setTrustedNetworks(List.of("127.0.0.0/8", "::1/128"))
            .setRestrictSenders(false))
        .setQueue(new MtaOptions().getQueue().setDataDir("/var/lib/mta")
            .setMaxAge(Duration.ofDays(1)))
        .setRelay(new RelayOptions().setPort(2526)
            .setSmarthost(new Smarthost("smarthost.example.test", 587, Smarthost.Tls.STARTTLS, null, null, false))
            .setTls(new RelayTlsOptions().setCaFile("/etc/vmta/ca.pem")
                .setPolicy(Map.of("bank.example", TlsLevel.VERIFY, ".example.org", TlsLevel.DANE))))
        .setDnsServers(List.of("127.0.0.1:5353"))
        .setUsers("/etc/mta/users.txt")
        .setLocal(new LocalMailOptions().setHostname("mx.example.test")
            .setDomains(List.of("example.test", "example.org"))
            .setAliases(Map.of("postmaster@example.test", List.of("alice@example.test"))))
        .setManagement(new ManagementOptions().setPort(0))
        .setCluster(new ClusterOptions().setEnabled(true).setMembers(List.of("127.0.0.1:5702")));
  }
}
