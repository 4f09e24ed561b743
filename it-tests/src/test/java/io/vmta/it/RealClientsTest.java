package io.vmta.it;

import io.vmta.smtp.server.testing.TestSmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real SMTP clients against the real process (the fat jar): swaks, Python's smtplib, Postfix's
 * smtp-source, and a raw client for BDAT. Each message must arrive byte for byte behind exactly
 * one Received header. A client that is not installed skips its test.
 */
class RealClientsTest {

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  private static MtaProcess mta;

  @BeforeAll
  static void start() throws Exception {
    mta = MtaProcess.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (mta != null) {
      mta.close();
    }
  }

  @Test
  void swaksPlain() throws Exception {
    byte[] message = Messages.eightBit("swaks plain");
    Commands.Result result = swaks(message, "--to", "alice@example.test");
    assertThat(result.exitCode()).as(result.output()).isZero();

    Delivered delivered = onlyDelivery("alice@example.test", "Subject: swaks plain\r\n");
    assertThat(delivered.originalText()).isEqualTo(new String(message, StandardCharsets.UTF_8));
    assertThat(delivered.original()).isEqualTo(message);
    assertThat(delivered.receivedHeaders()).isEqualTo(1);
    assertThat(delivered.receivedLines()).isEqualTo(3);
    assertThat(delivered.received()).startsWith("Received: from client.example.org ([127.0.0.1])\r\n")
        .contains(" with ESMTP id ").contains("\tfor <alice@example.test>; ");
  }

  @Test
  void swaksStartTls() throws Exception {
    byte[] message = Messages.eightBit("swaks starttls");
    Commands.Result result = swaks(message, "--to", "alice@example.test", "-tls");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("=== TLS started with cipher");

    Delivered delivered = onlyDelivery("alice@example.test", "Subject: swaks starttls\r\n");
    assertThat(delivered.original()).isEqualTo(message);
    assertThat(delivered.receivedHeaders()).isEqualTo(1);
    assertThat(delivered.received()).contains(" with ESMTPS id ");
  }

  @Test
  void swaksPipelinedToTwoRecipients() throws Exception {
    byte[] message = Messages.eightBit("swaks pipelined");
    Commands.Result result = swaks(message, "--to", "alice@example.test,bob@example.test", "--pipeline");
    assertThat(result.exitCode()).as(result.output()).isZero();
    // Pipelined: MAIL, both RCPTs and DATA went out before the first reply came back.
    assertThat(result.output()).contains(" -> DATA\n<-  250 2.1.0 Ok\n");

    for (String user : List.of("alice@example.test", "bob@example.test")) {
      Delivered delivered = onlyDelivery(user, "Subject: swaks pipelined\r\n");
      assertThat(delivered.original()).as(user).isEqualTo(message);
      assertThat(delivered.receivedHeaders()).as(user).isEqualTo(1);
    }
  }

  @Test
  void pythonSmtplibPlain() throws Exception {
    byte[] message = Messages.eightBit("smtplib plain");
    Commands.Result result = smtplib(message, "plain");
    assertThat(result.exitCode()).as(result.output()).isZero();

    Delivered delivered = onlyDelivery("alice@example.test", "Subject: smtplib plain\r\n");
    assertThat(delivered.original()).isEqualTo(message);
    assertThat(delivered.receivedHeaders()).isEqualTo(1);
    assertThat(delivered.received()).contains(" with ESMTP id ");
  }

  @Test
  void pythonSmtplibStartTls() throws Exception {
    byte[] message = Messages.eightBit("smtplib starttls");
    Commands.Result result = smtplib(message, "starttls");
    assertThat(result.exitCode()).as(result.output()).isZero();

    Delivered delivered = onlyDelivery("alice@example.test", "Subject: smtplib starttls\r\n");
    assertThat(delivered.original()).isEqualTo(message);
    assertThat(delivered.receivedHeaders()).isEqualTo(1);
    assertThat(delivered.received()).contains(" with ESMTPS id ");
  }

  @Test
  void postfixSmtpSourceTwentyMessagesOverFourSessions() throws Exception {
    String smtpSource = Commands.require("/usr/sbin/smtp-source");
    // smtp-source speaks plain SMTP only (no STARTTLS, no pipelining); -M names it in HELO.
    Commands.Result result = Commands.run(dir, CLIENT_TIMEOUT, List.of(smtpSource, "-c", "-m", "20", "-s", "4",
        "-M", "smtp-source.example.org", "-f", "sender@example.org", "-t", "alice@example.test",
        "127.0.0.1:" + mta.port()));
    assertThat(result.exitCode()).as(result.output()).isZero();

    String marker = "Received: from smtp-source.example.org ([127.0.0.1])";
    Path alice = Maildirs.newDir(mta.dataDir(), "alice@example.test");
    Maildirs.awaitUntil(alice, files -> Maildirs.containing(files, marker).size() >= 20,
        "20 messages from smtp-source", Maildirs.DELIVERY_TIMEOUT);
    List<byte[]> delivered = Maildirs.containing(Maildirs.files(alice), marker);
    assertThat(delivered).hasSize(20);
    assertThat(delivered).allSatisfy(m -> assertThat(Delivered.parse(m).receivedHeaders()).isEqualTo(1));
  }

  @Test
  void bdatChunksPipelinedInOneWriteArriveConcatenated() throws Exception {
    // The first chunk ends in a CR whose LF opens the second: the boundary is not a line end.
    String part1 = "Subject: bdat\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n.no dot-stuffing in BDAT\r\nÄrger\r";
    String part2 = "\nlast line\r\n";
    int size1 = part1.getBytes(StandardCharsets.UTF_8).length;
    int size2 = part2.getBytes(StandardCharsets.UTF_8).length;
    try (TestSmtpClient c = mta.connect()) {
      // EHLO must end a pipelined group (RFC 2920 3.1), so it goes alone; the rest in one write.
      assertThat(c.command("EHLO client.example.org").text()).contains("CHUNKING");
      c.send("MAIL FROM:<sender@example.org>\r\nRCPT TO:<bob@example.test>\r\n"
          + "BDAT " + size1 + "\r\n" + part1 + "BDAT " + size2 + " LAST\r\n" + part2);
      assertThat(c.read().last()).startsWith("250 2.1.0 ");
      assertThat(c.read().last()).startsWith("250 2.1.5 ");
      assertThat(c.read().last()).isEqualTo("250 2.0.0 Ok: " + size1 + " octets received");
      assertThat(c.read().last()).startsWith("250 2.0.0 Ok: queued as ");
      assertThat(c.command("QUIT").code()).isEqualTo(221);
    }
    Delivered delivered = onlyDelivery("bob@example.test", "Subject: bdat\r\n");
    assertThat(delivered.originalText()).isEqualTo(part1 + part2);
    assertThat(delivered.receivedHeaders()).isEqualTo(1);
    assertThat(delivered.received()).contains(" with ESMTP id ");
  }

  /** swaks removes a final {@code CRLF.CRLF} from its data and then adds one: the file ends with ".". */
  private static Commands.Result swaks(byte[] message, String... args) throws Exception {
    String swaks = Commands.require("swaks");
    Path data = Files.createTempFile(dir, "message-", ".eml");
    Files.write(data, message);
    Files.write(data, ".\r\n".getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.APPEND);
    List<String> command = new ArrayList<>(List.of(swaks, "--server", "127.0.0.1:" + mta.port(),
        "--from", "sender@example.org", "--helo", "client.example.org", "--data", "@" + data,
        "--timeout", "30"));
    command.addAll(List.of(args));
    return Commands.run(dir, CLIENT_TIMEOUT, command);
  }

  private static Commands.Result smtplib(byte[] message, String mode) throws Exception {
    String python = Commands.require("python3");
    Path data = Files.createTempFile(dir, "message-", ".eml");
    Files.write(data, message);
    Path script = dir.resolve("send.py");
    Files.writeString(script, String.join("\n",
        "import smtplib, ssl, sys",
        "host, port, mode, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]",
        "with open(path, 'rb') as f:",
        "    message = f.read()",
        "with smtplib.SMTP(host, port, local_hostname='client.example.org', timeout=30) as s:",
        "    s.ehlo()",
        "    if mode == 'starttls':",
        "        context = ssl.create_default_context()",
        "        context.check_hostname = False",
        "        context.verify_mode = ssl.CERT_NONE",
        "        s.starttls(context=context)",
        "        s.ehlo()",
        "    refused = s.sendmail('sender@example.org', ['alice@example.test'], message,",
        "                         mail_options=['BODY=8BITMIME'])",
        "    if refused:",
        "        sys.exit('refused: %r' % refused)",
        ""));
    return Commands.run(dir, CLIENT_TIMEOUT,
        List.of(python, script.toString(), "127.0.0.1", String.valueOf(mta.port()), mode, data.toString()));
  }

  /** The one message in {@code user}'s Maildir holding {@code marker}, waiting for it to arrive. */
  private static Delivered onlyDelivery(String user, String marker) throws Exception {
    List<byte[]> found = Maildirs.awaitContaining(Maildirs.newDir(mta.dataDir(), user), marker,
        Maildirs.DELIVERY_TIMEOUT);
    assertThat(found).as("copies of the message in " + user + "'s Maildir").hasSize(1);
    return Delivered.parse(found.get(0));
  }
}
