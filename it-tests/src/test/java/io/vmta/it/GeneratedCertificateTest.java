package io.vmta.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vmta.mta.MtaVerticle;
import io.vmta.mta.config.MtaOptions;
import io.vmta.smtp.server.testing.TestSmtpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no {@code tls} configured, the MTA presents a certificate of its own that names the
 * hostname in a subjectAltName and is valid for months; one of the old kind (Vert.x's, valid
 * until 9999, no SAN) left in the data directory is replaced at start, a good one is kept.
 */
class GeneratedCertificateTest {

  @TempDir
  Path dir;

  @Test
  void anOldGeneratedCertificateIsReplacedAtStartAndANewOneKept() throws Exception {
    Path tls = Files.createDirectories(dir.resolve("data/tls"));
    SelfSignedCertificate old = SelfSignedCertificate.create("mx.example.test");
    Files.copy(Path.of(old.certificatePath()), tls.resolve("cert.pem"));
    Files.copy(Path.of(old.privateKeyPath()), tls.resolve("key.pem"));
    old.delete();

    X509Certificate first = presented();
    assertThat(first.getSubjectAlternativeNames()).containsExactly(List.of(2, "mx.example.test"));
    assertThat(first.getNotAfter().toInstant().toEpochMilli() - first.getNotBefore().getTime())
        .as("valid for months, not until 9999").isLessThan(TimeUnit.DAYS.toMillis(366));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("key.pem"))))
        .isEqualTo("rw-------");

    assertThat(presented()).as("kept at the next start").isEqualTo(first);
  }

  /** Starts the MTA on the data directory, and returns the certificate its smtps listener presents. */
  private X509Certificate presented() throws Exception {
    MtaOptions options = new MtaOptions(new JsonObject()
        .put("hostname", "mx.example.test")
        .put("dataDir", dir.resolve("data").toString())
        .put("management", new JsonObject().put("port", 0))
        .put("listeners", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("mode", "smtps")))
        .put("domains", new JsonArray().add("example.test")));
    Vertx vertx = Vertx.vertx();
    try {
      MtaVerticle mta = new MtaVerticle(options, 1);
      vertx.deployVerticle(mta).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      try (TestSmtpClient c = new TestSmtpClient("127.0.0.1", mta.boundListeners().get(0).getPort())) {
        SSLSocket socket = c.upgrade(s -> { });
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
