package io.vmta.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * nmap's smtp-open-relay script, an outside opinion, against the real process with the default
 * {@code trustedNetworks} (none: loopback is not trusted). It tries 16 MAIL FROM / RCPT TO
 * combinations (null sender, address literals, {@code %}-hacks, quoted local parts, source
 * routes, bang paths) and must find none that relays; nothing it tried may reach the queue.
 *
 * <p>The script's portrule only fires on ports 25, 465 and 587 or a detected SMTP service, so it
 * is forced onto the free port with {@code --script +smtp-open-relay}. {@code limits.maxErrors} is
 * raised for this process: each refused probe is a session error, and at the default of 10 the
 * MTA says {@code 421 4.7.0} and closes before the 16 probes are done, so nmap reports "SMTP RSET:
 * failed to receive data: connection closed" instead of a verdict.
 */
class OpenRelayNmapTest {

  private static final Duration NMAP_TIMEOUT = Duration.ofSeconds(120);
  /** Any recipient outside the local domain example.test in a delivery log line. */
  private static final Pattern FOREIGN_DELIVERY =
      Pattern.compile(": to=<(?![^>]*@example\\.test>)[^>]*>");

  @TempDir
  static Path dir;
  private static MtaProcess mta;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = MtaProcess.allListeners()
        .put("trustedNetworks", new JsonArray())
        .put("limits", new JsonObject().put("maxErrors", 100));
    mta = MtaProcess.start(dir, config, MtaProcess.DEFAULT_JVM_OPTIONS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (mta != null) {
      mta.close();
    }
  }

  /** nmap never sends DATA, so whatever it tried, the queue must not have taken a message. */
  @AfterEach
  void nothingWasQueued() {
    List<String> log = mta.logLines();
    assertThat(log).noneMatch(l -> l.contains("(queued)") || l.contains("queue active"));
    assertThat(log)
        .noneMatch(l -> l.contains("status=deferred") && FOREIGN_DELIVERY.matcher(l).find());
    assertThat(log).noneMatch(l -> l.contains("status=sent"));
  }

  /**
   * On mx, probed once with a foreign domain (remote.example: plain relaying) and once with the
   * MTA's own domain (example.test: tricks that smuggle a relay through a local address).
   */
  @ParameterizedTest
  @ValueSource(strings = {"remote.example", "example.test"})
  void mxIsNotAnOpenRelay(String domain) throws Exception {
    String output = nmap("mx", domain);
    assertThat(output).contains(
        "|_smtp-open-relay: Server doesn't seem to be an open relay, all tests failed");
    assertThat(output).doesNotContain("Server is an open relay");
    // The probes reached RCPT and were refused there, as relay denials or unknown users.
    List<String> refused = mta.logLines().stream()
        .filter(l -> l.contains("NOQUEUE: reject: RCPT from [127.0.0.1]"))
        .filter(l -> l.contains("helo=<" + domain + ">"))
        .toList();
    assertThat(refused).hasSizeGreaterThanOrEqualTo(8).allMatch(l -> l.contains(": 554 5.7.1 <")
        || l.contains(": 550 5.1.1 <relaytest@example.test>"));
  }

  /** Submission and smtps refuse MAIL before AUTH: nmap stops at its first MAIL FROM. */
  @ParameterizedTest
  @ValueSource(strings = {"submission", "smtps"})
  void authenticatingListenersNeedAuthentication(String mode) throws Exception {
    String output = nmap(mode, "remote.example");
    assertThat(output)
        .contains("|_smtp-open-relay: Server isn't an open relay, authentication needed");
  }

  private static String nmap(String mode, String domain) throws Exception {
    String nmap = Commands.require("nmap");
    int port = mta.port(mode);
    Commands.Result result = Commands.run(dir, NMAP_TIMEOUT, List.of(nmap, "-Pn", "-n",
        "-p", String.valueOf(port), "--script", "+smtp-open-relay",
        "--script-args", "smtp-open-relay.domain=" + domain + ",smtp-open-relay.ip=127.0.0.1",
        "127.0.0.1"));
    assertThat(result.exitCode()).as(result.output()).isZero();
    Matcher open =
        Pattern.compile("(?m)^" + port + "/tcp\\s+open\\b").matcher(result.output());
    assertThat(open.find()).as("nmap saw the port open:\n" + result.output()).isTrue();
    return result.output();
  }
}
