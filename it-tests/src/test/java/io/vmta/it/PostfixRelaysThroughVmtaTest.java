package io.vmta.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Postfix (a private instance) relays through the real jar as a smarthost client does:
 * STARTTLS, AUTH PLAIN as alice, and with {@code smtp_send_dummy_mail_auth = yes} a
 * {@code MAIL FROM:<...> AUTH=<>} (RFC 4954 section 5), which vmta once refused with 555, so that
 * Postfix bounced the mail. Mail for bob goes to the mx listener ({@code relayhost}), mail for
 * alice to the submission listener ({@code transport_maps}). Postfix's SMTP client logs its side of
 * the dialogue ({@code debug_peer_list}), so the test sees what it really sent. Postfix 3.7 adds
 * AUTH=<> only in a session where it has logged in, and never sends AUTH=<address>.
 */
class PostfixRelaysThroughVmtaTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String ALICE = "alice@example.test";
  private static final String BOB = "bob@example.test";
  private static final String POSTFIX_HOSTNAME = "postfix.example.org";
  private static final Pattern SENT = Pattern.compile("status=sent \\(250 2\\.0\\.0 Ok: queued as (\\S+)\\)$");

  @TempDir
  static Path vmtaDir;
  @TempDir
  static Path postfixDir;
  private static MtaProcess mta;
  private static PrivatePostfix postfix;

  @BeforeAll
  static void start() throws Exception {
    PrivatePostfix.assumeInstalled();
    Assumptions.assumeTrue(saslPlainInstalled(), "no Cyrus SASL PLAIN plugin (apt-get install libsasl2-modules)");
    mta = MtaProcess.start(vmtaDir, MtaProcess.allListeners(), MtaProcess.DEFAULT_JVM_OPTIONS);
    postfix = PrivatePostfix.start(postfixDir, POSTFIX_HOSTNAME, List.of(
        "relayhost = [127.0.0.1]:" + mta.port("mx"),
        "transport_maps = inline:{" + ALICE + "=smtp:[127.0.0.1]:" + mta.port("submission") + "}",
        // vmta offers AUTH only after STARTTLS (RFC 4954 section 4); its certificate is self-signed.
        "smtp_tls_security_level = encrypt",
        "smtp_sasl_auth_enable = yes",
        "smtp_sasl_password_maps = inline:{127.0.0.1=" + ALICE + ":secret}",
        // The default also rules out PLAIN and LOGIN, the only mechanisms vmta offers (over TLS).
        "smtp_sasl_security_options = noanonymous",
        "smtp_send_dummy_mail_auth = yes",
        // The SMTP client logs every command it sends to and every reply it gets from 127.0.0.1.
        "debug_peer_list = 127.0.0.1",
        "debug_peer_level = 1"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postfix != null) {
        postfix.close();
      }
    } finally {
      if (mta != null) {
        mta.close();
      }
    }
  }

  @Test
  void postfixLoggedInOnTheMxListenerSendsAuthEmptyAndDelivers() throws Exception {
    relayAndDeliver(BOB, "mx");
  }

  @Test
  void postfixLoggedInOnTheSubmissionListenerSendsAuthEmptyAndDelivers() throws Exception {
    relayAndDeliver(ALICE, "submission");
  }

  /** alice's message to {@code recipient}, handed to Postfix, relayed to vmta's {@code mode} listener. */
  private static void relayAndDeliver(String recipient, String mode) throws Exception {
    int port = mta.port(mode);
    String messageId = "<" + mode + "." + System.nanoTime() + "@" + POSTFIX_HOSTNAME + ">";
    String queueId = postfix.send(ALICE, recipient, "From: " + ALICE + "\r\nTo: " + recipient
        + "\r\nSubject: relayed by Postfix to " + mode + "\r\nMessage-ID: " + messageId
        + "\r\n\r\nhello through Postfix\r\n");

    // Postfix's verdict on its delivery attempt: sent, or (before the fix) bounced after a 555.
    String peer = "127.0.0.1[127.0.0.1]:" + port;
    String status = postfix.awaitLog(l -> l.contains(queueId + ": to=<" + recipient + ">") && l.contains("status="),
        "delivery status of " + queueId, TIMEOUT);
    assertThat(status).as("Postfix's dialogue with %s:\n%s", peer, String.join("\n", dialogue(peer)))
        .contains(" relay=" + peer + ",").contains(" status=sent ");

    // What Postfix said: it logged in, then sent the dummy AUTH=<> with MAIL FROM, and it was taken.
    List<String> dialogue = dialogue(peer);
    assertThat(dialogue).as("Postfix's dialogue with %s", peer)
        .anyMatch(l -> l.endsWith(": < " + peer + ": 235 2.7.0 Authentication successful"))
        .anyMatch(l -> l.contains(": > " + peer + ": MAIL FROM:<" + ALICE + ">") && l.endsWith(" AUTH=<>"))
        .noneMatch(l -> l.contains(": < " + peer + ": 555 "));

    Matcher sent = SENT.matcher(status);
    assertThat(sent.find()).as(status).isTrue();
    String vmtaId = sent.group(1);
    assertThat(mta.awaitLog(TIMEOUT, vmtaId + ": client=[127.0.0.1], helo=<" + POSTFIX_HOSTNAME + ">, from=<"
        + ALICE + ">")).isNotNull();
    List<byte[]> found = Maildirs.awaitContaining(Maildirs.newDir(mta.dataDir(), recipient),
        "Message-ID: " + messageId, TIMEOUT);
    assertThat(found).as("copies of the message in " + recipient + "'s Maildir").hasSize(1);
    Delivered delivered = Delivered.parse(found.get(0));
    // RFC 3848: ESMTPSA, received over TLS from a client that authenticated.
    assertThat(delivered.received()).startsWith("Received: from " + POSTFIX_HOSTNAME + " ([127.0.0.1])\r\n")
        .contains(" with ESMTPSA id " + vmtaId);
    assertThat(delivered.receivedHeaders()).as("vmta's and Postfix's").isEqualTo(2);
  }

  /** The commands Postfix's SMTP client sent to {@code peer} and the replies it got, as it logged them. */
  private static List<String> dialogue(String peer) throws IOException {
    return postfix.log().stream()
        .filter(l -> l.contains(": > " + peer + ": ") || l.contains(": < " + peer + ": "))
        .toList();
  }

  /** Postfix's SMTP client logs in through Cyrus SASL, which needs the PLAIN plugin. */
  private static boolean saslPlainInstalled() throws IOException {
    try (Stream<Path> found = Files.find(Path.of("/usr/lib"), 3, (p, a) -> p.getParent() != null
        && p.getParent().getFileName().toString().equals("sasl2")
        && p.getFileName().toString().startsWith("libplain.so"))) {
      return found.findAny().isPresent();
    }
  }
}
