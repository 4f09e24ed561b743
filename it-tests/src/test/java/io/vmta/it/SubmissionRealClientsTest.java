package io.vmta.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real submission clients against the real process: swaks with AUTH PLAIN and LOGIN, over
 * STARTTLS on the submission port and over implicit TLS on the smtps port, and Python's smtplib
 * with starttls() and login(). alice submits to bob; the message must land in bob's Maildir byte
 * for byte behind one Received header, and a wrong password must get 535 and nothing delivered.
 */
class SubmissionRealClientsTest {

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
  private static final String ALICE = "alice@example.test";
  private static final String BOB = "bob@example.test";

  @TempDir
  static Path dir;
  private static MtaProcess mta;

  @BeforeAll
  static void start() throws Exception {
    mta = MtaProcess.start(dir, MtaProcess.allListeners(), MtaProcess.DEFAULT_JVM_OPTIONS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (mta != null) {
      mta.close();
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"PLAIN, submission", "LOGIN, submission", "PLAIN, smtps", "LOGIN, smtps"})
  void swaksAuthenticatesAndDelivers(String mechanism, String mode) throws Exception {
    String subject = "swaks " + mechanism + " " + mode;
    byte[] message = Messages.eightBit(subject);
    Commands.Result result = swaks(message, mode, mechanism, "secret");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("=== TLS started with cipher")
        // swaks marks lines sent over TLS " ~>", replies "<~ " and error replies "<~*".
        .contains(" ~> AUTH " + mechanism)
        .contains("<~  235 2.7.0 ")
        .contains("<~  250 2.0.0 Ok: queued as ");

    Delivered delivered = onlyDelivery(BOB, "Subject: " + subject + "\r\n");
    assertSubmitted(delivered.original(), message);
    assertThat(delivered.receivedHeaders()).isEqualTo(1);
    // RFC 3848: ESMTPSA is ESMTP with both TLS and AUTH.
    assertThat(delivered.received()).contains(" with ESMTPSA id ");
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"PLAIN, submission", "LOGIN, submission", "PLAIN, smtps", "LOGIN, smtps"})
  void swaksWithAWrongPasswordGets535(String mechanism, String mode) throws Exception {
    String subject = "swaks wrong password " + mechanism + " " + mode;
    Commands.Result result = swaks(Messages.eightBit(subject), mode, mechanism, "not-the-secret");
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output())
        .contains("=== TLS started with cipher")
        .contains("<~* 535 5.7.8 ")
        .doesNotContain("<~  235 ")
        .doesNotContain("queued as");
    assertThat(bobsMailContaining(subject)).isEmpty();
  }

  @Test
  void pythonSmtplibStartTlsLoginDelivers() throws Exception {
    byte[] message = Messages.eightBit("smtplib submission");
    Commands.Result result = smtplib(message, "secret");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("login 235");

    Delivered delivered = onlyDelivery(BOB, "Subject: smtplib submission\r\n");
    assertSubmitted(delivered.original(), message);
    assertThat(delivered.receivedHeaders()).isEqualTo(1);
    assertThat(delivered.received()).contains(" with ESMTPSA id ");
  }

  @Test
  void pythonSmtplibWrongPasswordRaisesAuthenticationError535() throws Exception {
    Commands.Result result = smtplib(Messages.eightBit("smtplib wrong password"), "not-the-secret");
    assertThat(result.exitCode()).as(result.output()).isEqualTo(3);
    assertThat(result.output()).contains("SMTPAuthenticationError 535 5.7.8 ");
    assertThat(bobsMailContaining("smtplib wrong password")).isEmpty();
  }

  /**
   * swaks as alice to bob; on smtps with implicit TLS, on submission with STARTTLS. swaks removes
   * a final {@code CRLF.CRLF} from its data and then adds one: the file ends with ".".
   */
  private static Commands.Result swaks(byte[] message, String mode, String mechanism,
      String password) throws Exception {
    String swaks = Commands.require("swaks");
    Path data = Files.createTempFile(dir, "message-", ".eml");
    Files.write(data, message);
    Files.write(data, ".\r\n".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
    List<String> command = new ArrayList<>(List.of(swaks, "--server", "127.0.0.1:" + mta.port(mode),
        "--from", ALICE, "--to", BOB, "--helo", "client.example.org", "--data", "@" + data,
        "--auth", mechanism, "--auth-user", ALICE, "--auth-password", password, "--timeout", "30"));
    command.add("smtps".equals(mode) ? "--tls-on-connect" : "-tls");
    return Commands.run(dir, CLIENT_TIMEOUT, command);
  }

  /** smtplib as alice to bob over STARTTLS; on SMTPAuthenticationError, exit 3 and print it. */
  private static Commands.Result smtplib(byte[] message, String password) throws Exception {
    String python = Commands.require("python3");
    Path data = Files.createTempFile(dir, "message-", ".eml");
    Files.write(data, message);
    Path script = dir.resolve("submit.py");
    Files.writeString(script, String.join("\n",
        "import smtplib, ssl, sys",
        "host, port, user, password, to, path = sys.argv[1], int(sys.argv[2]), *sys.argv[3:7]",
        "with open(path, 'rb') as f:",
        "    message = f.read()",
        "context = ssl.create_default_context()",
        "context.check_hostname = False",
        "context.verify_mode = ssl.CERT_NONE",
        "with smtplib.SMTP(host, port, local_hostname='client.example.org', timeout=30) as s:",
        "    s.starttls(context=context)",
        "    try:",
        "        code, text = s.login(user, password)",
        "    except smtplib.SMTPAuthenticationError as e:",
        "        print('SMTPAuthenticationError', e.smtp_code, e.smtp_error.decode())",
        "        sys.exit(3)",
        "    print('login', code, text.decode())",
        "    refused = s.sendmail(user, [to], message, mail_options=['BODY=8BITMIME'])",
        "    if refused:",
        "        sys.exit('refused: %r' % refused)",
        ""));
    return Commands.run(dir, CLIENT_TIMEOUT, List.of(python, script.toString(), "127.0.0.1",
        String.valueOf(mta.port("submission")), ALICE, password, BOB, data.toString()));
  }

  private static List<byte[]> bobsMailContaining(String marker) {
    return Maildirs.containing(Maildirs.files(Maildirs.newDir(mta.dataDir(), BOB)), marker);
  }

  /** The one message in {@code user}'s Maildir holding {@code marker}, waiting for it to arrive. */
  private static Delivered onlyDelivery(String user, String marker) throws Exception {
    List<byte[]> found = Maildirs.awaitContaining(Maildirs.newDir(mta.dataDir(), user), marker,
        Maildirs.DELIVERY_TIMEOUT);
    assertThat(found).as("copies of the message in " + user + "'s Maildir").hasSize(1);
    return Delivered.parse(found.get(0));
  }

  /**
   * The delivered message is the one sent, but for the Date and Message-ID that the submission
   * agent adds at the end of the header section when the client left them out (RFC 6409 8).
   */
  private static void assertSubmitted(byte[] delivered, byte[] sent) {
    int headerEnd = Maildirs.indexOf(sent, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 2;
    String text = new String(delivered, StandardCharsets.UTF_8);
    String head = new String(sent, 0, headerEnd, StandardCharsets.UTF_8);
    String rest = new String(sent, headerEnd, sent.length - headerEnd, StandardCharsets.UTF_8);
    assertThat(text).startsWith(head).endsWith(rest);
    assertThat(text.substring(head.length(), text.length() - rest.length()))
        .matches("Date: [^\r\n]+\r\nMessage-ID: <[0-9]{14}\\.[0-9A-Z]+@" + MtaProcess.HOSTNAME.replace(".", "\\.") + ">\r\n");
  }
}
