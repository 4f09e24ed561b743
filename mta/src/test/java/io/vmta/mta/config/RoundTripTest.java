package io.vmta.mta.config;

import io.vmta.smtp.server.ListenerOptions;

import io.vmta.smtp.server.ListenerMode;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
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
  void listenerOptions() {
    roundTrips(new ListenerOptions(), ListenerOptions::toJson, ListenerOptions::new,
        ListenerOptions::new);
    roundTrips(new ListenerOptions("::1", 0, ListenerMode.SMTPS), ListenerOptions::toJson,
        ListenerOptions::new, ListenerOptions::new);
  }

  @Test
  void tlsOptions() {
    roundTrips(new TlsOptions(), TlsOptions::toJson, TlsOptions::new, TlsOptions::new);
    roundTrips(new TlsOptions("/etc/mta/cert.pem", "/etc/mta/key.pem"), TlsOptions::toJson,
        TlsOptions::new, TlsOptions::new);
  }

  @Test
  void limitsOptions() {
    roundTrips(new LimitsOptions(), LimitsOptions::toJson, LimitsOptions::new, LimitsOptions::new);
    LimitsOptions changed = new LimitsOptions().setMaxMessageSize(5_000_000_000L)
        .setMaxRecipients(7).setMaxConnectionsPerIp(3).setMaxConnections(9)
        .setIdleTimeout(Duration.ofSeconds(90)).setCommandTimeout(Duration.ofMillis(250))
        .setDataTimeout(Duration.ofHours(2)).setMaxErrors(4).setMaxLineLength(2000)
        .setMaxCommandLine(1024).setShutdownGrace(Duration.ofSeconds(45))
        .setAuthThresholds(2, 3).setAuthWindow(Duration.ofHours(1));
    roundTrips(changed, LimitsOptions::toJson, LimitsOptions::new, LimitsOptions::new);
    assertThat(changed.toJson().getString("idleTimeout")).isEqualTo("90s");
  }

  @Test
  void retryOptions() {
    roundTrips(new RetryOptions(), RetryOptions::toJson, RetryOptions::new, RetryOptions::new);
    roundTrips(new RetryOptions().setInitialDelay(Duration.ofSeconds(1))
            .setMaxDelay(Duration.ofMinutes(2)).setMaxAge(Duration.ofHours(3)),
        RetryOptions::toJson, RetryOptions::new, RetryOptions::new);
  }

  @Test
  void relayOptions() {
    roundTrips(new RelayOptions(), RelayOptions::toJson, RelayOptions::new, RelayOptions::new);
    RelayOptions changed = new RelayOptions().setDnsServers(List.of("127.0.0.1:5353", "::1"))
        .setPort(2526).setSmarthost(new JsonObject().put("host", "smtp.example.test"))
        .setRetry(new RetryOptions().setMaxAge(Duration.ofDays(1)))
        .setRequireTls(List.of("Bank.Example", ".gov.example"));
    roundTrips(changed, RelayOptions::toJson, RelayOptions::new, RelayOptions::new);
    assertThat(changed.getDnsServers()).containsExactly("127.0.0.1:5353", "[::1]:53");
    assertThat(changed.getRequireTls()).containsExactly("bank.example", ".gov.example");
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
    copy.getLimits().setMaxRecipients(1);
    copy.getListeners().get(0).setPort(9999);
    copy.getRelay().getRetry().setMaxAge(Duration.ofSeconds(1));
    copy.getRelay().getSmarthost().put("host", "changed");
    copy.getTls().setPaths(null, null);
    copy.getManagement().setPort(1);
    copy.getCluster().setEnabled(false);
    assertThat(original).isEqualTo(fullyChanged());
  }

  static MtaOptions fullyChanged() {
    return new MtaOptions()
        .setHostname("mx.example.test")
        .setDataDir("/var/lib/mta")
        .setListeners(List.of(new ListenerOptions("127.0.0.1", 0, ListenerMode.SUBMISSION)))
        .setTls(new TlsOptions("cert.pem", "key.pem"))
        .setLimits(new LimitsOptions().setMaxMessageSize(1024))
        .setDomains(List.of("example.test", "example.org"))
        .setUsers("/etc/mta/users.txt")
        .setAliases(Map.of("postmaster@example.test", List.of("alice@example.test")))
        .setTrustedNetworks(List.of("127.0.0.0/8", "::1/128"))
        .setRelay(new RelayOptions().setPort(2526)
            .setSmarthost(new JsonObject().put("host", "smarthost.example.test")))
        .setManagement(new ManagementOptions().setPort(0))
        .setCluster(new ClusterOptions().setEnabled(true).setMembers(List.of("127.0.0.1:5702")));
  }
}
