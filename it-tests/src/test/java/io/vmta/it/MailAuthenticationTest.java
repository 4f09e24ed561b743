package io.vmta.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * The checks of incoming mail through the real jar, with DNS answered by a server in the test:
 * mail signed by dkimpy (Debian python3-dkim) passes DKIM, SPF and DMARC; a one-byte change to its
 * body fails DKIM; DMARC under p=reject is refused with 550 and nothing is delivered, p=quarantine
 * lands in the Junk folder, p=none is delivered with the failure recorded, sp= rules a subdomain,
 * and a domain under a multi-label public suffix finds its organizational domain through the PSL.
 * Forged results in our name are removed; authenticated submissions are not checked.
 */
class MailAuthenticationTest {

  private static final String BOB = "bob@example.test";

  @TempDir
  static Path dir;
  private static FakeDnsServer dns;
  private static MtaProcess mta;
  private static Path key;

  @BeforeAll
  static void start() throws Exception {
    assertThat(runs("/usr/bin/python3", "-c", "import dkim")).as("python3-dkim is installed (.ci/run)").isTrue();
    dns = FakeDnsServer.start();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    key = dir.resolve("dkim.pem");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    String publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    dns.txt("s1._domainkey.good.example", "v=DKIM1; k=rsa; p=" + publicKey.substring(0, 200), publicKey.substring(200));
    dns.txt("good.example", "v=spf1 ip4:127.0.0.1 -all");
    dns.txt("_dmarc.good.example", "v=DMARC1; p=reject; adkim=s; aspf=s");
    dns.txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine");
    dns.txt("_dmarc.none.example", "v=DMARC1; p=none");
    dns.txt("_dmarc.parent.example", "v=DMARC1; p=none; sp=reject");
    dns.txt("_dmarc.shop.co.uk", "v=DMARC1; p=reject");
    dns.servfail("_dmarc.flaky.example", Type.TXT);
    dns.txt("other.example", "v=spf1 -all");
    mta = MtaProcess.start(dir, MtaProcess.allListeners()
        .put("dns", new JsonObject().put("servers", new JsonArray().add("127.0.0.1:" + dns.address().getPort())))
        .put("authentication", new JsonObject().put("timeout", "5s")), MtaProcess.DEFAULT_JVM_OPTIONS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (mta != null) {
      mta.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  @Test
  void mailSignedByDkimpyPassesEveryCheck() throws Exception {
    byte[] signed = dkimpySigned(message("good.example", "signed-good"));

    assertThat(send("user@good.example", signed).code()).isEqualTo(250);

    String delivered = delivered("signed-good");
    String results = results(delivered);
    assertThat(results).startsWith("Authentication-Results: " + MtaProcess.HOSTNAME + ";");
    assertThat(results).contains("spf=pass", "smtp.mailfrom=good.example",
        "dkim=pass", "header.d=good.example", "header.s=s1", "dmarc=pass", "header.from=good.example");
    assertThat(delivered.indexOf("Authentication-Results:")).isLessThan(delivered.indexOf("Received:"));
  }

  @Test
  void aOneByteChangeToTheSignedBodyFailsDkimAndDmarcRejects() throws Exception {
    byte[] signed = dkimpySigned(message("good.example", "changed-body"));
    String text = new String(signed, StandardCharsets.UTF_8).replace("Hello Bob", "Hello Rob");

    // SPF cannot rescue it either: other.example is not the From domain, and fails anyway.
    TestSmtpClient.Reply reply = send("bounce@other.example", text.getBytes(StandardCharsets.UTF_8));

    assertThat(reply.code()).isEqualTo(550);
    assertThat(reply.text()).contains("5.7.1");
    // The log line is written before the reply, but reaches the test through the process's output later.
    assertThat(mta.awaitLogs(1, Duration.ofSeconds(10), "dkim=fail/good.example", "dmarc=fail/good.example")).hasSize(1);
    assertNothingDelivered("changed-body");
  }

  @Test
  void aOneByteChangeToASignedHeaderFailsDkimWhileAlignedSpfStillPassesDmarc() throws Exception {
    byte[] signed = dkimpySigned(message("good.example", "changed-header"));
    String text = new String(signed, StandardCharsets.UTF_8).replace("Subject: checks", "Subject: chucks");

    assertThat(send("user@good.example", text.getBytes(StandardCharsets.UTF_8)).code()).isEqualTo(250);

    String results = results(delivered("changed-header"));
    assertThat(results).contains("spf=pass", "dkim=fail", "header.d=good.example", "dmarc=pass");
  }

  @Test
  void pQuarantineGoesToTheJunkFolder() throws Exception {
    assertThat(send("user@other.example", message("quarantine.example", "to-junk")).code()).isEqualTo(250);

    Path junk = Maildirs.newDir(mta.dataDir(), BOB).getParent().resolve(".Junk").resolve("new");
    List<byte[]> found = Maildirs.awaitContaining(junk, "to-junk", Maildirs.DELIVERY_TIMEOUT);
    assertThat(results(new String(found.get(0), StandardCharsets.UTF_8))).contains("dmarc=fail", "quarantine");
    assertThat(Maildirs.containing(Maildirs.files(Maildirs.newDir(mta.dataDir(), BOB)), "to-junk")).isEmpty();
  }

  @Test
  void pNoneIsDeliveredWithTheFailureRecorded() throws Exception {
    assertThat(send("user@other.example", message("none.example", "policy-none")).code()).isEqualTo(250);

    assertThat(results(delivered("policy-none"))).contains("spf=fail", "dkim=none", "dmarc=fail", "header.from=none.example");
  }

  @Test
  void spRulesASubdomainOfTheOrganizationalDomain() throws Exception {
    assertThat(send("user@other.example", message("mail.parent.example", "sub-reject")).code()).isEqualTo(550);
    assertThat(send("user@other.example", message("parent.example", "parent-none")).code()).isEqualTo(250);

    assertThat(results(delivered("parent-none"))).contains("dmarc=fail");
    assertNothingDelivered("sub-reject");
  }

  @Test
  void aSubdomainUnderAPublicSuffixFindsItsOrganizationalDomainThroughThePsl() throws Exception {
    // co.uk is a public suffix: the organizational domain of news.shop.co.uk is shop.co.uk.
    assertThat(send("user@other.example", message("news.shop.co.uk", "psl")).code()).isEqualTo(550);
    assertThat(dns.queries("_dmarc.shop.co.uk", Type.TXT)).isPositive();
    assertThat(dns.queries("_dmarc.co.uk", Type.TXT)).isZero();
    assertNothingDelivered("psl");
  }

  @Test
  void dnsTroubleIsATemporaryErrorAndTheMessageIsAccepted() throws Exception {
    assertThat(send("user@other.example", message("flaky.example", "dns-trouble")).code()).isEqualTo(250);

    assertThat(results(delivered("dns-trouble"))).contains("dmarc=temperror");
  }

  @Test
  void resultsForgedInOurNameAreRemovedAndOthersKept() throws Exception {
    String forged = "Authentication-Results: " + MtaProcess.HOSTNAME.toUpperCase() + "; dmarc=pass header.from=none.example\r\n"
        + "Authentication-Results: elsewhere.example; spf=pass smtp.mailfrom=x.example\r\n";
    byte[] mail = (forged + new String(message("none.example", "forged"), StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);

    assertThat(send("user@other.example", mail).code()).isEqualTo(250);

    String delivered = delivered("forged");
    assertThat(delivered).doesNotContain("dmarc=pass header.from=none.example");
    assertThat(delivered).contains("Authentication-Results: elsewhere.example; spf=pass");
    assertThat(delivered.split("Authentication-Results: " + MtaProcess.HOSTNAME, -1)).hasSize(2);
  }

  @Test
  void aSecondFromFieldCannotDodgeDmarc() throws Exception {
    String two = "From: Someone <user@good.example>\r\n" + new String(message("other.example", "two-froms"),
        StandardCharsets.UTF_8);

    assertThat(send("user@other.example", two.getBytes(StandardCharsets.UTF_8)).code()).isEqualTo(550);
    assertNothingDelivered("two-froms");
  }

  @Test
  void anAuthenticatedSubmissionIsNotChecked() throws Exception {
    try (TestSmtpClient c = mta.connect("submission")) {
      c.command("EHLO client.example.test");
      assertThat(c.command("STARTTLS").code()).isEqualTo(220);
      c.upgrade();
      c.command("EHLO client.example.test");
      String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes(StandardCharsets.UTF_8));
      assertThat(c.command("AUTH PLAIN " + plain).code()).isEqualTo(235);
      assertThat(c.command("MAIL FROM:<alice@example.test>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<" + BOB + ">").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.sendBytes(message("example.test", "submitted"));
      c.send(".\r\n");
      assertThat(c.read().code()).isEqualTo(250);
    }
    assertThat(delivered("submitted")).doesNotContain("Authentication-Results:");
  }

  /** A message from {@code user@fromDomain} whose body carries {@code marker}. */
  private static byte[] message(String fromDomain, String marker) {
    return String.join("\r\n",
        "From: Someone <user@" + fromDomain + ">",
        "To: Bob <" + BOB + ">",
        "Subject: checks " + marker,
        "Date: Sat, 05 Dec 2026 10:00:00 +0000",
        "Message-ID: <" + marker + "@" + fromDomain + ">",
        "",
        "Hello Bob, " + marker,
        "").getBytes(StandardCharsets.UTF_8);
  }

  private static TestSmtpClient.Reply send(String mailFrom, byte[] message) throws IOException {
    try (TestSmtpClient c = mta.connect("mx")) {
      c.command("EHLO client.other.example");
      assertThat(c.command("MAIL FROM:<" + mailFrom + ">").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<" + BOB + ">").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.sendBytes(message);
      c.send(".\r\n");
      return c.read();
    }
  }

  private static String delivered(String marker) throws Exception {
    List<byte[]> found = Maildirs.awaitContaining(Maildirs.newDir(mta.dataDir(), BOB), marker, Maildirs.DELIVERY_TIMEOUT);
    assertThat(found).hasSize(1);
    return new String(found.get(0), StandardCharsets.UTF_8);
  }

  /** Refused messages are never queued: the 550 comes before the queue; nothing can arrive later. */
  private static void assertNothingDelivered(String marker) throws IOException {
    for (Path file : Maildirs.allMail(mta.dataDir())) {
      assertThat(Files.readString(file, StandardCharsets.UTF_8)).doesNotContain(marker);
    }
  }

  /** Our Authentication-Results field, unfolded. */
  private static String results(String message) {
    int start = message.indexOf("Authentication-Results: " + MtaProcess.HOSTNAME);
    assertThat(start).as("our Authentication-Results field").isNotNegative();
    int end = start;
    do {
      end = message.indexOf("\r\n", end) + 2;
    } while (message.charAt(end) == ' ' || message.charAt(end) == '\t');
    return message.substring(start, end).replace("\r\n", "");
  }

  private static byte[] dkimpySigned(byte[] message) throws Exception {
    Path file = Files.createTempFile(dir, "message-", ".eml");
    Files.write(file, message);
    Path script = dir.resolve("dkimpy-sign.py");
    if (!Files.exists(script)) {
      try (InputStream in = MailAuthenticationTest.class.getResourceAsStream("/dkim/dkimpy-sign.py")) {
        Files.copy(in, script);
      }
    }
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), file.toString(), key.toString(), "s1",
        "good.example", "rsa-sha256", "relaxed/relaxed", "no").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] field = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    String crlf = new String(field, StandardCharsets.US_ASCII).replace("\r\n", "\n").replace("\n", "\r\n");
    byte[] header = crlf.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[header.length + message.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(message, 0, out, header.length, message.length);
    return out;
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
