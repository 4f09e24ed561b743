package io.vmta.smtp.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalMailOptionsTest {

  private static LocalMailOptions read(LocalMailOptions o) {
    ConfigReader r = ConfigReader.root(o.toJson(), "");
    LocalMailOptions back = new LocalMailOptions(r);
    r.end();
    return back;
  }

  @Test
  void roundTrips() {
    assertThat(read(new LocalMailOptions())).isEqualTo(new LocalMailOptions());
    LocalMailOptions o = new LocalMailOptions().setHostname("MX.Example.Test")
        .setDomains(List.of("example.org")).setLocalUsers(List.of("Alice@example.org"))
        .setAliases(Map.of("postmaster@example.org", List.of("alice@example.org")));
    assertThat(o.getHostname()).isEqualTo("mx.example.test");
    assertThat(o.getLocalUsers()).containsExactly("alice@example.org");
    assertThat(read(o)).isEqualTo(o).isEqualTo(new LocalMailOptions(o));
  }
}
