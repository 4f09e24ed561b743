package io.vmta.smtp.relay.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmta.smtp.core.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerCapabilitiesTest {

  private static ServerCapabilities ehlo(String... extensions) {
    List<String> lines = new java.util.ArrayList<>(List.of("mx.example.test greets you"));
    lines.addAll(List.of(extensions));
    return ServerCapabilities.fromEhlo(new Reply(250, null, lines));
  }

  @Test
  void readsTheKnownExtensions() {
    ServerCapabilities caps = ehlo("pipelining", "SIZE 35882577", "8BITMIME", "SMTPUTF8", "STARTTLS",
        "AUTH PLAIN LOGIN CRAM-MD5", "CHUNKING", "ENHANCEDSTATUSCODES", "X-UNKNOWN 1");
    assertThat(caps).isEqualTo(new ServerCapabilities(true, true, true, 35882577, true, true, true, true,
        java.util.Set.of("PLAIN", "LOGIN", "CRAM-MD5")));
    assertThat(caps.tooBig(35882577)).isFalse();
    assertThat(caps.tooBig(35882578)).isTrue();
  }

  @Test
  void sizeWithoutALimitAndOldAuthSyntax() {
    ServerCapabilities caps = ehlo("SIZE", "AUTH=LOGIN PLAIN", "AUTH LOGIN");
    assertThat(caps.size()).isTrue();
    assertThat(caps.maxSize()).isZero();
    assertThat(caps.tooBig(Long.MAX_VALUE)).isFalse();
    assertThat(caps.authMechanisms()).containsExactlyInAnyOrder("LOGIN", "PLAIN");
    assertThat(ehlo("SIZE 0").tooBig(1)).isFalse();
    assertThat(ehlo("SIZE nonsense").maxSize()).isZero();
  }

  @Test
  void aGreetingLineAloneOffersNothingButEsmtp() {
    ServerCapabilities caps = ehlo();
    assertThat(caps.esmtp()).isTrue();
    assertThat(caps.pipelining()).isFalse();
    assertThat(caps.authMechanisms()).isEmpty();
  }
}
