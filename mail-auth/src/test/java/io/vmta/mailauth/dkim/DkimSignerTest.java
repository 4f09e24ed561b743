package io.vmta.mailauth.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What is signed, with which key, and how the field looks; interop is proven in it-tests (DkimInteropTest). */
class DkimSignerTest {

  private static final KeyPair RSA = pair("RSA");
  private static final KeyPair ED = pair("Ed25519");
  private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "From: a@Example.TEST                          | example.test",
      "From: \"Doe, John\" <john@example.test>       | example.test",
      "From: John (a@other.test) <john@example.test> | example.test",
      "From: <john@example.test> (comment)           | example.test",
      "From: a@example.test, b@example.test          |",
      "From: undisclosed:;                           |",
      "From: no-address                              |",
      "To: only@example.test                         |",
  })
  void theKeyIsChosenByTheOneFromAddress(String header, String domain) {
    byte[] message = (header + "\r\nSubject: x\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
    assertEquals(domain, FromDomain.of(message, HeaderFields.parse(message)));
  }

  @Test
  void twoFromFieldsChooseNothing() {
    byte[] message = "From: a@example.test\r\nFrom: b@example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertNull(FromDomain.of(message, HeaderFields.parse(message)));
  }

  @Test
  void fromIsSignedOnceMoreThanItOccursAndAbsentFieldsAreLeftOut() {
    byte[] message = "Received: x\r\nFrom: a@example.test\r\nTo: b@x.test\r\nTo: c@x.test\r\nX-Mailer: m\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    assertEquals(List.of("from", "from", "to", "to"), DkimSigner.signedNames(HeaderFields.parse(message)));
  }

  @Test
  void bothKeysOfTheDomainSignEd25519First() throws Exception {
    DkimSigner signer = new DkimSigner(List.of(
        new DkimKey(new DkimKeyOptions("example.test", "rsa1", DkimAlgorithm.RSA_SHA256, "r.pem"), RSA.getPrivate()),
        new DkimKey(new DkimKeyOptions("example.test", "ed1", DkimAlgorithm.ED25519_SHA256, "e.pem"), ED.getPrivate()),
        new DkimKey(new DkimKeyOptions("other.test", "o", DkimAlgorithm.RSA_SHA256, "o.pem"), RSA.getPrivate())));
    byte[] message = "From: A <a@example.test>\r\nSubject: hi\r\n\r\nbody \u00e9\r\n".getBytes(StandardCharsets.UTF_8);
    String fields = new String(signer.sign(message, NOW), StandardCharsets.US_ASCII);
    List<String> tags = Pattern.compile("a=([a-z0-9-]+); c=relaxed/relaxed;\r\n\td=example.test; s=(\\w+); t=1800000000;")
        .matcher(fields).results().map(m -> m.group(1) + "/" + m.group(2)).toList();
    assertEquals(List.of("ed25519-sha256/ed1", "rsa-sha256/rsa1"), tags);
    assertTrue(fields.contains("h=from:from:subject;"), fields);
    assertTrue(!fields.contains("l="), fields);
    for (String line : fields.split("\r\n")) {
      assertTrue(line.length() <= 78, line);
    }
  }

  @Test
  void theSignatureVerifiesWithTheRsaPublicKey() throws Exception {
    DkimSigner signer = new DkimSigner(List.of(
        new DkimKey(new DkimKeyOptions("example.test", "s", DkimAlgorithm.RSA_SHA256, "r.pem"), RSA.getPrivate())));
    byte[] message = "From: a@example.test\r\nTo: b@x.test\r\n\r\nHello\r\n".getBytes(StandardCharsets.US_ASCII);
    String field = new String(signer.sign(message, NOW), StandardCharsets.US_ASCII);
    Matcher b = Pattern.compile("b=([A-Za-z0-9+/=\r\n\t ]+)$").matcher(field.substring(0, field.length() - 2));
    assertTrue(b.find(), field);
    String unsigned = field.substring(0, b.start() + 2);
    byte[] input = DkimSigner.signatureInput(message, HeaderFields.parse(message), List.of("from", "from", "to"), unsigned);
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(RSA.getPublic());
    verifier.update(input);
    assertTrue(verifier.verify(Base64.getMimeDecoder().decode(b.group(1).replaceAll("\\s", ""))));
  }

  @Test
  void aDomainWithoutKeyGetsNothing() {
    DkimSigner signer = new DkimSigner(List.of(
        new DkimKey(new DkimKeyOptions("example.test", "s", DkimAlgorithm.RSA_SHA256, "r.pem"), RSA.getPrivate())));
    byte[] message = "From: a@elsewhere.test\r\n\r\nHello\r\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0, signer.sign(message, NOW).length);
  }

  private static KeyPair pair(String algorithm) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("RSA")) {
        g.initialize(2048);
      }
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
