package io.vmta.mta;

import io.vertx.core.net.SelfSignedCertificate;
import io.vmta.smtp.auth.PasswordHashes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code check-config}, and {@code run} refusing the same configurations before it starts anything. */
class CliCheckConfigTest {

  @TempDir
  Path dir;

  @BeforeEach
  void users() throws IOException {
    String hash = PasswordHashes.hash("secret");
    Files.writeString(dir.resolve("users.txt"), "alice@example.test:" + hash + "\nbob@example.test:" + hash + "\n");
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  /** A failed check: status 2, nothing on standard output, one line on standard error. */
  private static String refused(CliRunner.Result r) {
    assertThat(r.status()).as(r.printed()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).as(r.printed()).hasSize(1);
    return r.err();
  }

  @Test
  void aGoodFileIsOkWithASummaryThatShowsNoSecret() throws IOException {
    Path config = write("mta.json", """
        {"hostname": "mx.example.test", "dataDir": "data", "users": "users.txt",
         "domains": ["example.test", "example.org"],
         "listeners": [{"host": "127.0.0.1", "port": 2525, "mode": "mx"},
                       {"host": "::1", "port": 2587, "mode": "submission"}],
         "management": {"host": "127.0.0.1", "port": 8025, "token": "t0ken-value"}}
        """);
    CliRunner.Result r = CliRunner.run("check-config", "--config", config.toString());
    assertThat(r.status()).as(r.printed()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().lines().findFirst()).hasValue("configuration OK: " + config);
    assertThat(r.out())
        .contains("  hostname    mx.example.test\n")
        .contains("  listeners   mx 127.0.0.1:2525, submission [::1]:2587\n")
        .contains("  domains     example.test, example.org\n")
        .contains("  users       2 in " + dir.resolve("users.txt") + "\n")
        .contains("  roles       server, relay; not clustered\n")
        .contains("  management  127.0.0.1:8025 (token set)\n")
        .doesNotContain("t0ken-value");
  }

  @Test
  void aKeyUnderItsOldNameIsOkWithAWarning() throws IOException {
    Path config = write("mta.yaml", "users: users.txt\nlimits: {commandTimeout: 45s}\n");
    CliRunner.Result r = CliRunner.run("check-config", "--config", config.toString());
    assertThat(r.status()).as(r.printed()).isZero();
    assertThat(r.out().lines().limit(2)).containsExactly("configuration OK: " + config,
        "warning: limits.commandTimeout is deprecated: rename it limits.queueTimeout");
  }

  @Test
  void yamlAndAConfiguredCertificateArePassed() throws IOException {
    SelfSignedCertificate cert = SelfSignedCertificate.create("mx.example.test");
    try {
      Path config = write("mta.yaml", "hostname: mx.example.test\nusers: users.txt\n"
          + "tls: {certPath: " + cert.certificatePath() + ", keyPath: " + cert.privateKeyPath() + "}\n"
          + "cluster: {roles: [relay]}\n");
      CliRunner.Result r = CliRunner.run("check-config", "--config", config.toString());
      assertThat(r.status()).as(r.printed()).isZero();
      assertThat(r.out()).contains("  tls         " + cert.certificatePath() + ", " + cert.privateKeyPath() + "\n")
          .contains("  listeners   none (no server role)\n")
          .contains("  roles       relay; not clustered\n");
    } finally {
      cert.delete();
    }
  }

  @Test
  void withoutConfigTheEmbeddedDefaultsAreChecked() {
    CliRunner.Result r = CliRunner.run("check-config");
    assertThat(r.status()).as(r.printed()).isZero();
    assertThat(r.out()).startsWith("configuration OK: (embedded defaults)\n")
        .contains("  listeners   mx 0.0.0.0:2525, submission 0.0.0.0:2587, smtps 0.0.0.0:2465\n")
        .contains("  management  127.0.0.1:8025\n");
  }

  @Test
  void aBadValueIsOneLineNamingTheKey() throws IOException {
    Path config = write("bad.json", "{\"limits\": {\"maxMessageSize\": \"big\"}}");
    assertThat(refused(CliRunner.run("check-config", "--config", config.toString())))
        .startsWith("vmta: " + config + ": limits.maxMessageSize: ");
  }

  @Test
  void aMissingFileIsRefused() {
    Path config = dir.resolve("absent.json");
    assertThat(refused(CliRunner.run("check-config", "--config", config.toString())))
        .isEqualTo("vmta: " + config + ": no such file\n");
  }

  @Test
  void aManagementHostOffLoopbackNeedsAToken() throws IOException {
    Path config = write("open.json", "{\"management\": {\"host\": \"0.0.0.0\"}}");
    assertThat(refused(CliRunner.run("check-config", "--config", config.toString())))
        .contains("management.token: required when host is not a loopback address");
  }

  @Test
  void aBadUsersLineIsRefusedNamingUsers() throws IOException {
    write("broken-users.txt", "this line has no hash\n");
    Path config = write("users.json", "{\"users\": \"broken-users.txt\"}");
    assertThat(refused(CliRunner.run("check-config", "--config", config.toString())))
        .startsWith("vmta: " + config + ": users: ");
  }

  @Test
  void aCertificateThatIsNotPemIsRefusedByCheckConfigAndByRun() throws IOException {
    write("cert.pem", "not a certificate\n");
    write("key.pem", "not a key\n");
    Path config = write("tls.json", "{\"tls\": {\"certPath\": \"cert.pem\", \"keyPath\": \"key.pem\"}}");
    assertThat(refused(CliRunner.run("check-config", "--config", config.toString())))
        .startsWith("vmta: " + config + ": tls: cannot use the certificate and key (" + dir.resolve("cert.pem"));
    // run checks the same way before it starts anything: the same line, the same status.
    CliRunner.Result run = CliRunner.run("run", "--config", config.toString());
    assertThat(refused(run)).startsWith("vmta: " + config + ": tls: cannot use the certificate and key");
  }

  @Test
  void aMissingKeyFileIsNamed() throws IOException {
    SelfSignedCertificate cert = SelfSignedCertificate.create("mx.example.test");
    try {
      Path config = write("nokey.json", "{\"tls\": {\"certPath\": \"" + cert.certificatePath()
          + "\", \"keyPath\": \"nokey.pem\"}}");
      assertThat(refused(CliRunner.run("check-config", "--config", config.toString())))
          .contains("tls.keyPath: no such file: " + dir.resolve("nokey.pem"));
    } finally {
      cert.delete();
    }
  }

  @Test
  void aCaFileIsResolvedNextToTheConfigurationAndMustHoldACertificate() throws IOException {
    write("ca.pem", "no certificate in here\n");
    Path config = write("ca.json", "{\"relay\": {\"tls\": {\"caFile\": \"ca.pem\"}}}");
    assertThat(refused(CliRunner.run("check-config", "--config", config.toString())))
        .startsWith("vmta: " + config + ": relay.tls.caFile: " + dir.resolve("ca.pem") + " holds no PEM certificate");
    CliRunner.Result run = CliRunner.run("run", "--config", config.toString());
    assertThat(refused(run)).startsWith("vmta: " + config + ": relay.tls.caFile: ");
    Path missing = write("missing.json", "{\"relay\": {\"tls\": {\"caFile\": \"missing.pem\"}}}");
    assertThat(refused(CliRunner.run("check-config", "--config", missing.toString())))
        .contains("relay.tls.caFile: no such file: " + dir.resolve("missing.pem"));
  }
}
