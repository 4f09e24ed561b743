package io.vmta.mta;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmta.mailauth.dkim.DkimAlgorithm;
import io.vmta.mailauth.dkim.DkimKeyOptions;
import io.vmta.mailauth.dkim.DkimOptions;
import io.vmta.mailauth.dkim.DkimSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code dkim-keygen}: a key the server loads, mode 0600, never overwritten, and its TXT record. */
class DkimKeygenCommandTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"rsa-sha256", "ed25519-sha256"})
  void writesALoadableKeyAndPrintsItsRecord(String algorithm) throws IOException {
    Path out = dir.resolve("dkim");
    CliRunner.Result r = CliRunner.run("dkim-keygen", "--domain", "Example.COM", "--selector", "s1",
        "--algorithm", algorithm, "--out", out.toString());
    assertThat(r.status()).as(r.printed()).isZero();
    Path file = out.resolve("s1.example.com.pem");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    DkimAlgorithm a = DkimAlgorithm.fromTag(algorithm);
    // the server loads it (as it does at start and in check-config)
    DkimSigner.load(new DkimOptions().setKeys(List.of(new DkimKeyOptions("example.com", "s1", a, file.toString()))));
    String record = r.out().lines().filter(l -> !l.startsWith(";")).findFirst().orElseThrow();
    Matcher m = Pattern.compile("^s1\\._domainkey\\.example\\.com\\. IN TXT \\( ((?:\"[^\"]*\" ?)+)\\)$").matcher(record);
    assertThat(m.matches()).as(record).isTrue();
    List<String> strings = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1)).results().map(x -> x.group(1)).toList();
    strings.forEach(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
    String text = String.join("", strings);
    assertThat(text).startsWith("v=DKIM1; k=" + (a == DkimAlgorithm.RSA_SHA256 ? "rsa" : "ed25519") + "; p=");
    int keyLength = java.util.Base64.getDecoder().decode(text.substring(text.indexOf("p=") + 2)).length;
    if (a == DkimAlgorithm.RSA_SHA256) {
      assertThat(strings).hasSize(2);  // a 2048-bit key's record does not fit in one string
      assertThat(keyLength).isEqualTo(294);  // SubjectPublicKeyInfo of RSA-2048
    } else {
      assertThat(strings).hasSize(1);
      assertThat(keyLength).isEqualTo(32);  // RFC 8463 4.2: the raw public key
    }
  }

  @Test
  void anExistingFileIsNeverOverwritten() throws IOException {
    Files.writeString(dir.resolve("s1.example.com.pem"), "mine");
    CliRunner.Result r = CliRunner.run("dkim-keygen", "--domain", "example.com", "--selector", "s1", "--out", dir.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("exists; it is never overwritten");
    assertThat(Files.readString(dir.resolve("s1.example.com.pem"))).isEqualTo("mine");
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertThat(CliRunner.run("dkim-keygen", "--domain", "example.com", "--out", dir.toString()).status()).isEqualTo(2);
    assertThat(CliRunner.run("dkim-keygen", "--domain", "a..b", "--selector", "s", "--out", dir.toString()).err())
        .contains("domain");
    CliRunner.Result r = CliRunner.run("dkim-keygen", "--domain", "example.com", "--selector", "s",
        "--algorithm", "rsa-sha1", "--out", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--algorithm must be rsa-sha256 or ed25519-sha256");
    assertThat(CliRunner.run("dkim-keygen", "--help").out()).startsWith("usage: java -jar mta.jar dkim-keygen");
  }

  @Test
  void checkConfigNamesAKeyThatDoesNotLoad() throws IOException {
    Files.writeString(dir.resolve("s1.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    Path config = dir.resolve("mta.yaml");
    Files.writeString(config, "dkim:\n  keys:\n"
        + "    - {domain: example.test, selector: s1, keyPath: s1.pem}\n");
    CliRunner.Result r = CliRunner.run("check-config", "--config", config.toString());
    assertThat(r.status()).as(r.printed()).isEqualTo(2);
    assertThat(r.err()).startsWith("vmta: " + config + ": dkim.keys[0].keyPath: must be a PEM PKCS#8 private key");
    Files.delete(dir.resolve("s1.pem"));
    r = CliRunner.run("check-config", "--config", config.toString());
    assertThat(r.err()).startsWith("vmta: " + config + ": dkim.keys[0].keyPath: no such file: " + dir.resolve("s1.pem"));
  }
}
