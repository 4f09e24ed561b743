package io.vmta.mailauth.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.testing.FakeDnsServer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 8463 Appendix A: signing its message with its keys reproduces its two signatures exactly
 * (Ed25519 and RSASSA-PKCS1-v1_5 are both deterministic), and its body hash; and the signed
 * message verifies with the published keys.
 */
class Rfc8463ExampleTest {

  /** A.3: the message both signatures sign (RFC 6376 Appendix A.1). */
  static final String MESSAGE = String.join("\r\n",
      "From: Joe SixPack <joe@football.example.com>",
      "To: Suzie Q <suzie@shopping.example.net>",
      "Subject: Is dinner ready?",
      "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
      "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
      "",
      "Hi.",
      "",
      "We lost the game.  Are you hungry yet?",
      "",
      "Joe.",
      "",
      "");

  /** A.2: the Ed25519 private key (the RFC 8032 7.1 TEST 1 secret), base64 of its 32 bytes. */
  static final String ED25519_SECRET = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
  /** A.2: its public key as published in DNS. */
  static final String ED25519_PUBLIC = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
  /** A.2: the 1024-bit RSA test key, converted from PKCS#1 to PKCS#8 with openssl pkcs8 -topk8. */
  static final String RSA_PKCS8 = "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAOQeU5CgFPNZGIazlXo2k/eJ1jpaTTxrmqF1"
      + "HrDLlt04pvaMtCJj8nXoliLRC/H9vJjMI1vdb3XLcW60AIN/PBD8EL97/y4GwJH7LPUvGP48vqUe+owqszesbiGy1PlCO8c70/OjFnJVgvMF87"
      + "YR4Lcincb7aSvI5MgpP6X8rjDdAgMBAAECgYAfRzE6EVkODNdaEOGcAkPDmziug5c3g6GOJdrxbtjeuFfcUmqYlI+4Lw329CbpJVtosAThIbmY"
      + "sy54eWHgpd98Sm4sSI2n1Kzc7hh8uJCltGoTtOblLEqO+9Chll7MeiuKY5oKFEvaK3juK5bHPFKJEy/hz6PvQaJZ3FefF7hSgQJBAPMkH/RTnx"
      + "btFnLp6cZWPaRYXvfYKhYVlbOLUWJy52sEWjLrdDByjCmgJrMq29kYw2U9acLvH/qjwZy5J7SBrbECQQDwLs+Kk+bX/V9NFC+PWj90OZmnbjfT"
      + "jhk3LGOD78483ShYJtcgbHJa+ZlteuI5ahIAslOMTESCtocSCdeyy6TtAkEAuXkgKxgy7qEzE7veCd81rI2A/F1YVXpntQucrJXsdJVgXSGBg4"
      + "eN5h72Boy2IliijTMY34vcAC00/2G6qRaXMQJATVqWJwh5WWjV76onoyCqvRDsBrt9qVnjjxxxtIVgQ8PqgXGI6X1j2x72Jgdkop8hyy2jsNTD"
      + "X+HPYKTg3kmuBQJBALIq942+POSR3weNizRLAzR8+MrXr//moNnZSIMac564TPEEMCvnXxnxUVtHjWKfdbhjfIIOBCUuVwROtL7Nhws=";
  static final String BODY_HASH = "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=";
  static final List<String> SIGNED = List.of("from", "to", "subject", "date", "message-id", "from", "subject", "date");

  @Test
  void bodyHashIsTheRfcs() {
    byte[] message = MESSAGE.getBytes(StandardCharsets.US_ASCII);
    HeaderFields headers = HeaderFields.parse(message);
    assertEquals(BODY_HASH, Base64.getEncoder().encodeToString(DkimSigner.bodyHash(message, headers.bodyStart())));
  }

  @Test
  void ed25519SignatureIsTheRfcs() throws Exception {
    String field = fieldWithoutB("ed25519-sha256", "brisbane");
    DkimKey key = new DkimKey(options(DkimAlgorithm.ED25519_SHA256, "brisbane"), DkimKey.parse(pem(
        "302e020100300506032b657004220420" + HexFormat.of().formatHex(Base64.getDecoder().decode(ED25519_SECRET))),
        DkimAlgorithm.ED25519_SHA256, "keyPath"));
    byte[] signature = sign(key, field);
    assertEquals("/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
        Base64.getEncoder().encodeToString(signature));
    // and the published public key verifies it over the SHA-256 hash of the data (RFC 8463 3)
    PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
        HexFormat.of().parseHex("302a300506032b6570032100"
            + HexFormat.of().formatHex(Base64.getDecoder().decode(ED25519_PUBLIC)))));
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(publicKey);
    byte[] message = MESSAGE.getBytes(StandardCharsets.US_ASCII);
    verifier.update(java.security.MessageDigest.getInstance("SHA-256").digest(
        DkimSigner.signatureInput(message, HeaderFields.parse(message), SIGNED, field)));
    assertTrue(verifier.verify(signature));
  }

  @Test
  void rsaSignatureIsTheRfcs() {
    String field = fieldWithoutB("rsa-sha256", "test");
    DkimKey key = new DkimKey(options(DkimAlgorithm.RSA_SHA256, "test"),
        DkimKey.parse("-----BEGIN PRIVATE KEY-----\n" + RSA_PKCS8 + "\n-----END PRIVATE KEY-----\n",
            DkimAlgorithm.RSA_SHA256, "keyPath"));
    assertEquals("F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGd"
            + "aSGsgeefOsk2JzdA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=",
        Base64.getEncoder().encodeToString(sign(key, field)));
  }

  /** A.2: the RSA key record (the RFC splits it into these two strings). */
  static final String[] RSA_RECORD = {
      "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3id",
      "Y6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9Pzo"
          + "xZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"};

  /**
   * A.3: the signed message, both fields folded as the RFC prints them, verifies through
   * {@link DkimVerifier} with A.2's key records served by DNS; a changed body fails both.
   */
  @Test
  void theSignedMessageVerifies() throws Exception {
    String signed = fieldWithoutB("ed25519-sha256", "brisbane")
        + "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bu\r\n sFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
        + fieldWithoutB("rsa-sha256", "test")
        + "F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGd\r\n"
        + " aSGsgeefOsk2JzdA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n"
        + MESSAGE;
    Vertx vertx = Vertx.vertx();
    try (FakeDnsServer dns = FakeDnsServer.start()) {
      dns.txt("brisbane._domainkey.football.example.com", "v=DKIM1; k=ed25519; p=" + ED25519_PUBLIC);
      dns.txt("test._domainkey.football.example.com", RSA_RECORD);
      DkimVerifier verifier = new DkimVerifier(vertx, new DnsClient(vertx, List.of(dns.address()),
          Duration.ofSeconds(1)), DkimVerifier.Limits.DEFAULT);

      List<DkimOutcome> outcomes = DkimVerifierTest.await(verifier.verify(Buffer.buffer(signed.getBytes(
          StandardCharsets.US_ASCII))));
      assertEquals(List.of(
          new DkimOutcome(DkimResult.PASS, "football.example.com", "brisbane", "ed25519-sha256", "/gCrinpc", ""),
          new DkimOutcome(DkimResult.PASS, "football.example.com", "test", "rsa-sha256", "F45dVWDf", "")), outcomes);

      outcomes = DkimVerifierTest.await(verifier.verify(Buffer.buffer(signed.replace("Hi.", "Hi!")
          .getBytes(StandardCharsets.US_ASCII))));
      assertEquals(List.of(DkimResult.FAIL, DkimResult.FAIL), outcomes.stream().map(DkimOutcome::result).toList());
    } finally {
      DkimVerifierTest.await(vertx.close());
    }
  }

  /** The RFC's DKIM-Signature field as folded in A.3, up to {@code b=}. */
  private static String fieldWithoutB(String algorithm, String selector) {
    return "DKIM-Signature: v=1; a=" + algorithm + "; c=relaxed/relaxed;\r\n"
        + " d=football.example.com; i=@football.example.com;\r\n"
        + " q=dns/txt; s=" + selector + "; t=1528637909; h=from : to :" + (algorithm.startsWith("rsa") ? "" : "\r\n")
        + (algorithm.startsWith("rsa") ? " subject :\r\n date : message-id : from : subject : date;\r\n"
            : " subject : date : message-id : from : subject : date;\r\n")
        + " bh=" + BODY_HASH + ";\r\n b=";
  }

  private static byte[] sign(DkimKey key, String field) {
    byte[] message = MESSAGE.getBytes(StandardCharsets.US_ASCII);
    return DkimSigner.sign(key, DkimSigner.signatureInput(message, HeaderFields.parse(message), SIGNED, field));
  }

  private static DkimKeyOptions options(DkimAlgorithm algorithm, String selector) {
    return new DkimKeyOptions("football.example.com", selector, algorithm, "unused.pem");
  }

  private static String pem(String derHex) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(derHex))
        + "\n-----END PRIVATE KEY-----\n";
  }
}
