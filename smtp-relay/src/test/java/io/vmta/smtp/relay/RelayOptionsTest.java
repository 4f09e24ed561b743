package io.vmta.smtp.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.relay.client.ClientOptions;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.dane.DnssecMode;
import java.util.Map;
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
        .setDnssec(DnssecMode.TRUST_AD)
        .setDnssecTrustAnchors("/etc/vmta/anchors.ds")
        .setPort(2525)
        .setSmarthost(new Smarthost("up.example.test", 465, Smarthost.Tls.IMPLICIT, "u", "p", false))
        .setRequireTls(List.of("Bank.Example", ".gov.example"))
        .setTls(new RelayTlsOptions().setCaFile("/etc/vmta/ca.pem")
            .setPolicy(Map.of(".bank.example", TlsLevel.VERIFY, "gov.example", TlsLevel.NONE)))
        .setMtaSts(false)
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
    assertThat(new RelayOptions().isMtaSts()).isTrue();
    assertThat(options.isMtaSts()).isFalse();
    assertThat(new RelayOptions(new JsonObject().put("mtaSts", false)).isMtaSts()).isFalse();
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("mtaSts", "yes")))
        .hasMessageContaining("relay.mtaSts");
    assertThat(options.getDnsServers()).containsExactly("127.0.0.1:5353", "[::1]:53");
    assertThat(options.dnsServerAddresses()).containsExactly(
        new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("::1", 53));
    assertThat(options.tlsPolicy("bank.example").level()).isEqualTo(TlsLevel.ENCRYPT);
    assertThat(options.tlsPolicy("x.gov.example").level()).isEqualTo(TlsLevel.ENCRYPT);
    assertThat(options.tlsPolicy("mx.bank.example")).isEqualTo(
        new RelayTlsOptions.Match(TlsLevel.VERIFY, "relay.tls.policy[.bank.example]"));
    assertThat(options.tlsPolicy("gov.example").level()).isEqualTo(TlsLevel.NONE);
    assertThat(options.tlsPolicy("elsewhere.example"))
        .isEqualTo(new RelayTlsOptions.Match(TlsLevel.MAY, "default"));
  }

  @Test
  void dnssecIsFalseValidateOrTrustAd() {
    assertThat(new RelayOptions().getDnssec()).isEqualTo(DnssecMode.OFF);
    assertThat(new RelayOptions().toJson().getValue("dnssec")).isEqualTo(false);
    assertThat(new RelayOptions(new JsonObject().put("dnssec", true)).getDnssec()).isEqualTo(DnssecMode.VALIDATE);
    assertThat(new RelayOptions(new JsonObject().put("dnssec", "Validate")).toJson().getValue("dnssec"))
        .isEqualTo("validate");
    assertThat(new RelayOptions(new JsonObject().put("dnssec", "trust-ad")).getDnssec()).isEqualTo(DnssecMode.TRUST_AD);
    assertThat(new RelayOptions(new JsonObject().put("dnssec", false)).getDnssec()).isEqualTo(DnssecMode.OFF);
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("dnssec", "yes")))
        .hasMessage("relay.dnssec: must be false, \"validate\" or \"trust-ad\", got \"yes\"");
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("dnssecTrustAnchors", "")))
        .hasMessageStartingWith("relay.dnssecTrustAnchors: must be a non-empty string");
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
  void tlsPolicyLevelsAndPatternsAreCheckedAndTheMostSpecificEntryWins() {
    RelayOptions options = new RelayOptions(new JsonObject()
        .put("requireTls", List.of("example.org", ".example.org"))
        .put("tls", new JsonObject().put("policy", new JsonObject()
            .put(".example.org", "verify").put("mail.example.org", "none").put("Dane.Example", "DANE"))));
    // At one pattern, relay.tls.policy wins over relay.requireTls; exact beats parent.
    assertThat(options.tlsPolicy("example.org")).isEqualTo(
        new RelayTlsOptions.Match(TlsLevel.ENCRYPT, "relay.requireTls[example.org]"));
    assertThat(options.tlsPolicy("a.example.org").level()).isEqualTo(TlsLevel.VERIFY);
    assertThat(options.tlsPolicy("mail.example.org").level()).isEqualTo(TlsLevel.NONE);
    assertThat(options.tlsPolicy("x.mail.example.org").level()).isEqualTo(TlsLevel.VERIFY);
    assertThat(options.tlsPolicy("dane.example.").level()).isEqualTo(TlsLevel.DANE);
    assertThat(options.tlsPolicy("notexample.org").level()).isEqualTo(TlsLevel.MAY);
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("tls", new JsonObject()
        .put("policy", new JsonObject().put("example.org", "secure")))))
        .hasMessage("relay.tls.policy.example.org: must be one of none, may, encrypt, verify, dane, got \"secure\"");
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("tls", new JsonObject()
        .put("policy", new JsonObject().put("bad domain", "may")))))
        .hasMessageStartingWith("relay.tls.policy.bad domain: must be a domain name");
    assertThatThrownBy(() -> new RelayOptions(new JsonObject().put("tls", new JsonObject().put("cafile", "x"))))
        .hasMessage("relay.tls.cafile: unknown key; did you mean caFile?");
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
