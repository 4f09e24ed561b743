package io.vmta.mailauth.dkim;

import static io.vmta.mailauth.dkim.DkimTestKeys.ED;
import static io.vmta.mailauth.dkim.DkimTestKeys.RSA;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.mailauth.testing.FakeDnsServer;
import io.vmta.mailauth.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Type;

/**
 * The verifier against signatures of our signer and hand-made ones, keys served by a DNS server
 * in the test: every check of RFC 6376 6.1 and RFC 8301 gives its result, and bad input gives an
 * outcome. Interop with dkimpy and Mail::DKIM is in {@link DkimVerifierInteropTest}, the RFC 8463 example in
 * {@link Rfc8463ExampleTest}.
 */
class DkimVerifierTest {

  static final String MESSAGE = String.join("\r\n",
      "Received: from client.example.test by mx.example.test",
      "From: Alice <alice@example.test>",
      "To: Bob <bob@remote.example>",
      "Subject: Gr\u00fc\u00dfe   with  spaces\t",
      "Date: Sat, 05 Dec 2026 08:00:00 +0000",
      "Message-ID: <verify@example.test>",
      "",
      "Hello Bob,  \t",
      "8-bit: \u00e4\u00f6\u00fc",
      "",
      "",
      "");
  private static final String RSA_TAGS = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=rsa1; h=from:to:subject";

  private Vertx vertx;
  private FakeDnsServer dns;
  private final TestClock clock = new TestClock();
  private DkimVerifier verifier;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    dns = FakeDnsServer.start();
    DkimTestKeys.publish(dns, "rsa1", "example.test", DkimTestKeys.record(RSA.getPublic()));
    DkimTestKeys.publish(dns, "ed1", "example.test", DkimTestKeys.record(ED.getPublic()));
    verifier = verifier(DkimVerifier.Limits.DEFAULT);
  }

  private DkimVerifier verifier(DkimVerifier.Limits limits) {
    return new DkimVerifier(vertx, new DnsClient(vertx, List.of(dns.address()), Duration.ofMillis(500)), limits,
        clock);
  }

  @AfterEach
  void stop() throws Exception {
    dns.close();
    await(vertx.close());
  }

  @Test
  void ourSignerSignsAndWeVerifyBothAlgorithms() throws Exception {
    List<DkimOutcome> outcomes = verify(signedByUs());

    assertThat(outcomes).extracting(DkimOutcome::result).containsExactly(DkimResult.PASS, DkimResult.PASS);
    assertThat(outcomes).extracting(DkimOutcome::algorithm).containsExactly("ed25519-sha256", "rsa-sha256");
    assertThat(outcomes).extracting(DkimOutcome::selector).containsExactly("ed1", "rsa1");
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.domain()).isEqualTo("example.test");
      assertThat(o.signaturePrefix()).hasSize(8);
      assertThat(o.reason()).isEmpty();
    });
  }

  @Test
  void oneByteOfTheBodyChangedFailsTheBodyHash() throws Exception {
    assertThat(verify(replace(signedByUs(), "Hello Bob", "Hello Rob")))
        .extracting(DkimOutcome::result, DkimOutcome::reason)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(DkimResult.FAIL, "body hash mismatch"));
  }

  @Test
  void oneByteOfASignedHeaderChangedFailsTheSignature() throws Exception {
    assertThat(verify(replace(signedByUs(), "Subject: Gr", "Subject: Gl")))
        .extracting(DkimOutcome::result, DkimOutcome::reason)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(DkimResult.FAIL, "signature does not verify"));
  }

  @Test
  void anAddedFromFailsAndAnAddedUnsignedFieldDoesNot() throws Exception {
    byte[] signed = signedByUs();
    assertThat(verify(replace(signed, "From: Alice", "From: Mallory <m@example.test>\r\nFrom: Alice")))
        .extracting(DkimOutcome::result).containsOnly(DkimResult.FAIL);
    assertThat(verify(replace(signed, "Received: ", "X-Spam: no\r\nReceived: ")))
        .extracting(DkimOutcome::result).containsOnly(DkimResult.PASS);
  }

  @Test
  void whitespaceChangesInTransitPassRelaxedCanonicalization() throws Exception {
    byte[] changed = replace(replace(signedByUs(), "Subject: Gr", "Subject:   Gr"), "Hello Bob,", "Hello   Bob,");
    assertThat(verify(changed)).extracting(DkimOutcome::result).containsOnly(DkimResult.PASS);
  }

  @Test
  void noSignatureNoOutcome() throws Exception {
    assertThat(verify(bytes(MESSAGE))).isEmpty();
  }

  @Test
  void theFutureCompletesOnTheCallersContext() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Boolean> same = new CompletableFuture<>();
    byte[] message = signedByUs();
    context.runOnContext(v -> verifier.verify(Buffer.buffer(message))
        .onComplete(r -> same.complete(Vertx.currentContext() == context && r.succeeded())));
    assertThat(same.get(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void rsaSha1FailsAsRfc8301Says() throws Exception {
    byte[] message = sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS.replace("rsa-sha256", "rsa-sha1"));
    assertThat(one(message)).extracting(DkimOutcome::result, DkimOutcome::reason)
        .containsExactly(DkimResult.FAIL, "rsa-sha1 not accepted (RFC 8301)");
  }

  @Test
  void anUnknownAlgorithmIsNeutral() throws Exception {
    byte[] message = sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS.replace("rsa-sha256", "rsa-sha512"));
    assertThat(one(message)).extracting(DkimOutcome::result, DkimOutcome::algorithm, DkimOutcome::reason)
        .containsExactly(DkimResult.NEUTRAL, "rsa-sha512", "unknown algorithm");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA                  | signature without b=",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; b=AAAA                    | signature without bh=",
      "a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA                | signature without v=",
      "v=2; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA           | unknown signature version",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=to:subject; bh=AAAA; b=AAAA     | From not signed",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from::to; bh=AAAA; b=AAAA       | bad h=",
      "v=1; a=rsa-sha256; d=example.test; d=x.test; s=rsa1; h=from; bh=AAAA; b=AAAA | signature does not parse: duplicate tag",
      "v=1; a=rsa-sha256;; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA          | signature does not parse: empty tag",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA; 1x=y     | signature does not parse: bad tag name",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b               | signature does not parse: tag without '='",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=               | empty b=",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=A*AA           | bad base64 in b=",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA; c=fancy  | unknown canonicalization",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA; q=http   | q= without dns/txt",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA; i=@x.test | i= not in d=",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA; i=nobody | i= not in d=",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA; l=-1     | bad l=",
      "v=1; a=rsa-sha256; d=example.test; s=rsa1; h=from; bh=AAAA; b=AAAA; t=2; x=1 | x= before t=",
      "v=1; a=rsa-sha256; d=exa mple.test; s=rsa1; h=from; bh=AAAA; b=AAAA         | d= is not a domain name",
      "v=1; a=rsa-sha256; d=example.test; s=rs(a1; h=from; bh=AAAA; b=AAAA          | s= is not a selector",
  })
  void aMalformedSignatureIsAPermerror(String tags, String reason) throws Exception {
    DkimOutcome o = one(bytes("DKIM-Signature: " + tags + "\r\n" + MESSAGE));
    assertThat(o.result()).isEqualTo(DkimResult.PERMERROR);
    assertThat(o.reason()).isEqualTo(reason);
  }

  @Test
  void namesThatAreNotWellFormedStayOutOfTheOutcome() throws Exception {
    DkimOutcome o = one(bytes("DKIM-Signature: v=1; a=rsa(x); d=ex ample; s=a;b; h=from; bh=A; b=(((\r\n" + MESSAGE));
    assertThat(o).isEqualTo(new DkimOutcome(DkimResult.PERMERROR, "", "", "", "",
        "signature does not parse: tag without '='"));
    o = one(bytes("DKIM-Signature: v=1; a=rsa(x); d=ex ample; s=a b; h=from; bh=A; b=(((\r\n" + MESSAGE));
    assertThat(o.domain() + o.selector() + o.algorithm() + o.signaturePrefix()).isEmpty();
  }

  @Test
  void keyLookupFailuresArePermanentOrTemporaryAsDnsSays() throws Exception {
    dns.nxdomain("gone._domainkey.example.test").nodata("empty._domainkey.example.test", Type.TXT)
        .servfail("broken._domainkey.example.test", Type.TXT).silent("mute._domainkey.example.test", Type.TXT);
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS.replace("rsa1", "gone"))))
        .extracting(DkimOutcome::result, DkimOutcome::reason).containsExactly(DkimResult.PERMERROR, "no key (NXDOMAIN)");
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS.replace("rsa1", "empty"))))
        .extracting(DkimOutcome::result, DkimOutcome::reason).containsExactly(DkimResult.PERMERROR, "no key record");
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS.replace("rsa1", "broken"))).result())
        .isEqualTo(DkimResult.TEMPERROR);
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS.replace("rsa1", "mute"))).result())
        .isEqualTo(DkimResult.TEMPERROR);
  }

  @Test
  void aKeyNameTooLongForDnsIsAPermerror() throws Exception {
    String label = "a".repeat(63);
    String selector = String.join(".", label, label, label); // each fine alone, together over 255 octets
    DkimOutcome o = one(sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS.replace("s=rsa1", "s=" + selector)
        .replace("d=example.test", "d=" + label + ".test")));
    assertThat(o).extracting(DkimOutcome::result, DkimOutcome::reason)
        .containsExactly(DkimResult.PERMERROR, "key name is not a domain name");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "v=DKIM1; k=rsa; p=                      | PERMERROR | key revoked (empty p=)",
      "v=DKIM1; k=rsa                          | PERMERROR | key record without p=",
      "v=DKIM1; k=rsa; p=AAAAAAAA              | PERMERROR | RSA key does not parse",
      "v=DKIM1; k=rsa; p=***                   | PERMERROR | key record p= is not base64",
      "v=DKIM1; p                              | PERMERROR | key record does not parse: tag without '='",
      "v=DKIM1; p=a; p=b                       | PERMERROR | key record does not parse: duplicate tag",
      "v=DKIM2; p={rsa}                        | PERMERROR | no DKIM1 key record",
      "v=DKIM1; k=ed25519; p={ed}              | PERMERROR | key type does not match a=",
      "v=DKIM1; k=dsa; p={rsa}                 | PERMERROR | unknown key type",
      "v=DKIM1; h=sha1; p={rsa}                | PERMERROR | key not for sha256 (h=)",
      "v=DKIM1; s=tlsrpt; p={rsa}              | PERMERROR | key not for email (s=)",
      "v=DKIM1; h=sha1:sha256; s=email:tlsrpt; p={rsa} | PASS | ''",
      "p={rsa}                                 | PASS      | ''",
      "v=DKIM1; k=rsa; t=y; p={rsa}            | PASS      | key in testing mode (t=y)",
      "v=DKIM1; k=rsa; p={pkcs1}; n=old style  | PASS      | ''",
  })
  void theKeyRecordIsChecked(String record, DkimResult result, String reason) throws Exception {
    String p = DkimTestKeys.p(RSA.getPublic());
    String pkcs1 = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(
        RSA.getPublic().getEncoded(), 24, RSA.getPublic().getEncoded().length));
    DkimTestKeys.publish(dns, "k", "example.test", record.replace("{rsa}", p).replace("{pkcs1}", pkcs1)
        .replace("{ed}", DkimTestKeys.p(ED.getPublic())));
    DkimOutcome o = one(sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS.replace("rsa1", "k")));
    assertThat(o.result()).isEqualTo(result);
    assertThat(o.reason()).isEqualTo(reason);
  }

  @Test
  void aStrictKeyRefusesAnIdentityInASubdomain() throws Exception {
    DkimTestKeys.publish(dns, "strict", "example.test", "t=s; p=" + DkimTestKeys.p(RSA.getPublic()));
    String tags = RSA_TAGS.replace("rsa1", "strict");
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), tags + "; i=a@sub.example.test")).reason())
        .isEqualTo("i= is a subdomain of d= but the key has t=s");
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), tags + "; i=a@example.test")).result())
        .isEqualTo(DkimResult.PASS);
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS + "; i=a@sub.example.test")).result())
        .isEqualTo(DkimResult.PASS);
  }

  @Test
  void rsaKeysUnder1024BitsFail() throws Exception {
    KeyPair weak = DkimTestKeys.pair("RSA", 1000);
    DkimTestKeys.publish(dns, "weak", "example.test", DkimTestKeys.record(weak.getPublic()));
    assertThat(one(sign(bytes(MESSAGE), weak.getPrivate(), RSA_TAGS.replace("rsa1", "weak"))))
        .extracting(DkimOutcome::result, DkimOutcome::reason)
        .containsExactly(DkimResult.FAIL, "RSA key of 1000 bits, under 1024 (RFC 8301)");
  }

  @Test
  void rsaKeysOverTheLimitAreAPermerror() throws Exception {
    DkimVerifier small = verifier(new DkimVerifier.Limits(5, Duration.ofMinutes(5), 1024));
    byte[] message = sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS);
    assertThat(await(small.verify(Buffer.buffer(message))).get(0).reason())
        .isEqualTo("RSA key of 2048 bits, over 1024");
  }

  @Test
  void anExpiredSignatureOrOneFromTheFutureIsAPermerror() throws Exception {
    long now = clock.instant().getEpochSecond();
    String expired = RSA_TAGS + "; t=" + (now - 7200) + "; x=" + (now - 3600);
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), expired)).reason()).isEqualTo("signature expired (x=)");
    String future = RSA_TAGS + "; t=" + (now + 3600);
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), future)).reason()).isEqualTo("t= in the future");
    String skewed = RSA_TAGS + "; t=" + (now + 60) + "; x=" + (now + 3600);
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), skewed)).result()).isEqualTo(DkimResult.PASS);
    String justExpired = RSA_TAGS + "; t=" + (now - 7200) + "; x=" + (now - 60);
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), justExpired)).result()).isEqualTo(DkimResult.PASS);
  }

  @Test
  void aBodyLengthIsHonouredAndSaidInTheReason() throws Exception {
    byte[] message = bytes(MESSAGE);
    int canonicalLength = "Hello Bob,\r\n8-bit: \u00e4\u00f6\u00fc\r\n".getBytes(StandardCharsets.UTF_8).length;
    byte[] signed = sign(message, RSA.getPrivate(), RSA_TAGS + "; l=" + canonicalLength);
    assertThat(one(signed)).extracting(DkimOutcome::result, DkimOutcome::reason)
        .containsExactly(DkimResult.PASS, "l=" + canonicalLength);

    // the signed body's two empty lines at the end now count (4 octets), then "--\r\nunsubscribe here\r\n"
    byte[] appended = concat(signed, bytes("-- \r\nunsubscribe here\r\n"));
    assertThat(one(appended)).extracting(DkimOutcome::result, DkimOutcome::reason)
        .containsExactly(DkimResult.PASS, "l=" + canonicalLength + ", 26 octets of the body not signed");

    byte[] shortened = sign(message, RSA.getPrivate(), RSA_TAGS + "; l=10");
    byte[] truncated = replace(shortened, "8-bit: \u00e4\u00f6\u00fc\r\n", "");
    assertThat(one(replace(truncated, "Hello Bob,  \t", "Hello"))).extracting(DkimOutcome::result, DkimOutcome::reason)
        .containsExactly(DkimResult.FAIL, "body shorter than l=; l=10");
  }

  @Test
  void aHundredSignaturesCostFiveChecks() throws Exception {
    byte[] message = bytes(MESSAGE);
    byte[] one = sign(message, RSA.getPrivate(), RSA_TAGS);
    byte[] field = java.util.Arrays.copyOf(one, one.length - message.length);
    byte[] many = message;
    for (int i = 0; i < 100; i++) {
      many = concat(field, many);
    }
    List<DkimOutcome> outcomes = verify(many);
    assertThat(outcomes).hasSize(DkimVerifier.Limits.MAX_SIGNATURES)
        .extracting(DkimOutcome::result).containsOnly(DkimResult.PASS);
    assertThat(dns.queries("rsa1._domainkey.example.test", Type.TXT)).isEqualTo(1);
    assertThat(await(verifier(new DkimVerifier.Limits(0, Duration.ZERO, 8192)).verify(Buffer.buffer(many))))
        .isEmpty();
  }

  @Test
  void aHeaderOfOneMegabyteIsVerified() throws Exception {
    String big = "x".repeat(70) + "\r\n\t";
    byte[] message = bytes(MESSAGE.replace("Subject: ", "Subject: " + big.repeat(1_000_000 / big.length())));
    assertThat(message.length).isGreaterThan(1_000_000);
    assertThat(one(sign(message, RSA.getPrivate(), RSA_TAGS)).result()).isEqualTo(DkimResult.PASS);

    String hugeH = "h=" + "from:".repeat(200_000) + "from";
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS.replace("h=from:to:subject", hugeH))).result())
        .isEqualTo(DkimResult.PASS);
    assertThat(one(bytes("DKIM-Signature: " + "v=1;".repeat(250_000) + "\r\n" + MESSAGE)).reason())
        .isEqualTo("signature does not parse: duplicate tag");
    // a long run of whitespace inside a list value costs one pass (no backtracking split)
    String spaced = "q=dns/" + " ".repeat(500_000) + "x";
    assertThat(one(sign(bytes(MESSAGE), RSA.getPrivate(), RSA_TAGS + "; " + spaced)).reason())
        .isEqualTo("q= without dns/txt");
  }

  @Test
  void aSignatureOverAHeaderFieldThatIsNotThereStillPasses() throws Exception {
    // RFC 6376 5.4: a name in h= without a field contributes nothing, and adding one later breaks it
    byte[] signed = sign(bytes(MESSAGE), ED.getPrivate(), RSA_TAGS.replace("rsa-sha256", "ed25519-sha256")
        .replace("rsa1", "ed1") + ":reply-to");
    assertThat(one(signed).result()).isEqualTo(DkimResult.PASS);
    assertThat(one(replace(signed, "To: Bob", "Reply-To: m@example.test\r\nTo: Bob")).result())
        .isEqualTo(DkimResult.FAIL);
  }

  @Test
  void everyMutationOfTheSignatureFieldGetsOneOutcomeAndNeverAPass() throws Exception {
    byte[] message = bytes(MESSAGE);
    byte[] signed = sign(message, ED.getPrivate(), RSA_TAGS.replace("rsa-sha256", "ed25519-sha256")
        .replace("rsa1", "ed1") + "; i=@example.test; t=" + clock.instant().getEpochSecond());
    int fieldLength = signed.length - message.length - 2;
    java.util.Random random = new java.util.Random(6376);
    byte[] replacements = bytes(" \t;=:@.-/aZ0+\u00e4\r\n");
    List<Future<List<DkimOutcome>>> results = new java.util.ArrayList<>();
    List<String> what = new java.util.ArrayList<>();
    for (int i = "DKIM-Signature:".length(); i < fieldLength; i++) {
      byte[] changed = signed.clone();
      byte b = replacements[random.nextInt(replacements.length)];
      if (changed[i] == b || changed[i] == '\r' || changed[i] == '\n' || b == '\r' || b == '\n') {
        continue; // a fold moved or broken makes another field, not another signature
      }
      changed[i] = b;
      what.add("octet " + i + " -> " + (char) b);
      results.add(verifier.verify(Buffer.buffer(changed)));
      byte[] cut = concat(java.util.Arrays.copyOf(signed, i), bytes("\r\n" + MESSAGE));
      // base64 padding is optional (RFC 6376 2.4): cutting only "=" leaves the same signature
      boolean padding = new String(signed, i, fieldLength - i, StandardCharsets.US_ASCII).matches("=+");
      what.add((padding ? "padding cut at " : "cut at ") + i);
      results.add(verifier.verify(Buffer.buffer(cut)));
    }
    for (int i = 0; i < results.size(); i++) {
      List<DkimOutcome> outcomes = await(results.get(i));
      assertThat(outcomes).as(what.get(i)).hasSize(1);
      // a change inside folding whitespace or of b= to an equivalent may still pass; anything else must not
      if (outcomes.get(0).result() == DkimResult.PASS) {
        assertThat(what.get(i)).as(outcomes.toString()).matches("(octet|padding cut at) .*");
      }
    }
  }

  /** The message signed by {@link DkimSigner} with an Ed25519 and an RSA key of example.test. */
  private byte[] signedByUs() {
    DkimSigner signer = new DkimSigner(List.of(
        new DkimKey(new DkimKeyOptions("example.test", "rsa1", DkimAlgorithm.RSA_SHA256, "r.pem"), RSA.getPrivate()),
        new DkimKey(new DkimKeyOptions("example.test", "ed1", DkimAlgorithm.ED25519_SHA256, "e.pem"), ED.getPrivate())));
    byte[] message = bytes(MESSAGE);
    return concat(signer.sign(message, clock.instant()), message);
  }

  /**
   * {@code message} with a DKIM-Signature of {@code tags} (all but bh= and b=) in front, relaxed
   * canonicalization whatever c= says, {@code l=} honoured, signed with {@code key}.
   */
  static byte[] sign(byte[] message, PrivateKey key, String tags) throws Exception {
    TagList parsed = TagList.parse(tags);
    List<String> h = List.of(parsed.value("h").split(":"));
    HeaderFields headers = HeaderFields.parse(message);
    String l = parsed.value("l");
    BodyDigest body = new BodyDigest(l == null ? -1 : Long.parseLong(l));
    RelaxedCanonicalizer.body(message, headers.bodyStart(), message.length, body);
    String field = "DKIM-Signature: " + tags + ";\r\n bh=" + Base64.getEncoder().encodeToString(body.digest())
        + ";\r\n b=";
    byte[] input = DkimSigner.signatureInput(message, headers, h, field);
    boolean ed = key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA");
    Signature s = Signature.getInstance(ed ? "Ed25519" : "SHA256withRSA");
    s.initSign(key);
    s.update(ed ? MessageDigest.getInstance("SHA-256").digest(input) : input);
    String b = Base64.getEncoder().encodeToString(s.sign());
    return concat(bytes(field + b.substring(0, 20) + "\r\n\t" + b.substring(20) + "\r\n"), message);
  }

  private DkimOutcome one(byte[] message) throws Exception {
    List<DkimOutcome> outcomes = verify(message);
    assertThat(outcomes).hasSize(1);
    return outcomes.get(0);
  }

  private List<DkimOutcome> verify(byte[] message) throws Exception {
    return await(verifier.verify(Buffer.buffer(message)));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] replace(byte[] message, String from, String to) {
    String text = new String(message, StandardCharsets.UTF_8);
    assertThat(text).contains(from);
    return bytes(text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

}
