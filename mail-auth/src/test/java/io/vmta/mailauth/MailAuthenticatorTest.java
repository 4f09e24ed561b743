package io.vmta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.mailauth.AuthenticationOptions.DmarcFailure;
import io.vmta.mailauth.AuthenticationOptions.TempFailure;
import io.vmta.mailauth.MailAuthenticator.Action;
import io.vmta.mailauth.MailAuthenticator.Verdict;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.testing.FakeDnsServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Type;

/**
 * What the checks together decide: DMARC's disposition bounded by {@code dmarcFailure}, a spent
 * time budget as temperror (accepted, or deferred with {@code tempFailure: defer}), checks turned
 * off left out of the header, and forged results in our name removed.
 */
class MailAuthenticatorTest {

  private static final String US = "mx.example.test";

  private Vertx vertx;
  private FakeDnsServer dns;
  private DnsClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    client = new DnsClient(vertx, List.of(dns.address()), Duration.ofSeconds(2));
    dns.txt("sender.example", "v=spf1 -all");
    dns.txt("_dmarc.reject.example", "v=DMARC1; p=reject");
    dns.txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine");
  }

  @AfterEach
  void stop() {
    dns.close();
    await(vertx.close());
  }

  @ParameterizedTest(name = "p={0}, dmarcFailure={1} -> {2}")
  @CsvSource({
      "reject,     REJECT,     REJECT",
      "reject,     QUARANTINE, QUARANTINE",
      "reject,     NONE,       ACCEPT",
      "quarantine, REJECT,     QUARANTINE",
      "quarantine, QUARANTINE, QUARANTINE",
      "quarantine, NONE,       ACCEPT",
  })
  void theDomainsPolicyIsBoundedByDmarcFailure(String policy, DmarcFailure failure, Action action) {
    Verdict verdict = check(new AuthenticationOptions().setDmarcFailure(failure), message(policy + ".example"));

    assertThat(verdict.action()).isEqualTo(action);
    assertThat(verdict.summary()).contains("dmarc=fail/" + policy + ".example dis=" + policy);
  }

  @Test
  void aSpentBudgetIsATemporaryErrorAndTheMessageIsAccepted() {
    dns.silent("slow.example", Type.TXT).silent("_dmarc.slow.example", Type.TXT);

    Verdict verdict = check(new AuthenticationOptions().setTimeout(Duration.ofMillis(300)), message("slow.example"),
        "user@slow.example");

    assertThat(verdict.action()).isEqualTo(Action.ACCEPT);
    assertThat(verdict.summary()).contains("spf=temperror", "dmarc=temperror");
    assertThat(verdict.header().toString()).contains("checks ran out of time");
  }

  @Test
  void aSpentBudgetDefersWhenTempFailureSaysSo() {
    dns.silent("_dmarc.slow.example", Type.TXT);

    Verdict verdict = check(new AuthenticationOptions().setTimeout(Duration.ofMillis(300))
        .setTempFailure(TempFailure.DEFER), message("slow.example"));

    assertThat(verdict.action()).isEqualTo(Action.DEFER);
  }

  @Test
  void aCheckTurnedOffIsLeftOutOfTheHeader() {
    Verdict verdict = check(new AuthenticationOptions().setSpf(false).setDmarc(false), message("reject.example"));

    String header = verdict.header().toString();
    assertThat(header).startsWith("Authentication-Results: " + US + ";").contains("dkim=none");
    assertThat(header).doesNotContain("spf=", "dmarc=");
    assertThat(verdict.action()).isEqualTo(Action.ACCEPT);
    assertThat(dns.queries("_dmarc.reject.example")).isZero();
  }

  @Test
  void resultsForgedInOurNameAreRemovedFromTheContent() {
    String forged = "Authentication-Results: " + US + "; dmarc=pass\r\n";
    Verdict verdict = check(new AuthenticationOptions(), Buffer.buffer(forged).appendBuffer(message("reject.example")));

    assertThat(verdict.content().toString()).doesNotContain(forged).startsWith("From: ");
    assertThat(verdict.action()).isEqualTo(Action.REJECT);
  }

  private Verdict check(AuthenticationOptions options, Buffer message) {
    return check(options, message, "user@sender.example");
  }

  private Verdict check(AuthenticationOptions options, Buffer message, String mailFrom) {
    MailAuthenticator authenticator = new MailAuthenticator(vertx, client, options, US);
    return await(authenticator.check("192.0.2.1", mailFrom, "client.sender.example", message));
  }

  private static Buffer message(String fromDomain) {
    return Buffer.buffer("From: <user@" + fromDomain + ">\r\nSubject: t\r\n\r\nbody\r\n");
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the future did not succeed", e);
    }
  }
}
