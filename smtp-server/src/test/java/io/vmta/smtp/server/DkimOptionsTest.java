package io.vmta.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.mailauth.dkim.DkimAlgorithm;
import io.vmta.mailauth.dkim.DkimKeyOptions;
import io.vmta.mailauth.dkim.DkimOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dkim.keys}: read, written back equal, and every bad value named by its key. */
class DkimOptionsTest {

  private static final String TWO_KEYS = "{\"dkim\": {\"keys\": ["
      + "{\"domain\": \"Example.TEST\", \"selector\": \"s1\", \"keyPath\": \"dkim/s1.pem\"},"
      + "{\"domain\": \"example.test\", \"selector\": \"ed\", \"algorithm\": \"ed25519-sha256\", \"keyPath\": \"dkim/ed.pem\"}]}}";

  @Test
  void roundTrip() {
    SmtpServerOptions options = new SmtpServerOptions(new JsonObject(TWO_KEYS));
    List<DkimKeyOptions> keys = options.getDkim().getKeys();
    assertEquals(List.of(
        new DkimKeyOptions("example.test", "s1", DkimAlgorithm.RSA_SHA256, "dkim/s1.pem"),
        new DkimKeyOptions("example.test", "ed", DkimAlgorithm.ED25519_SHA256, "dkim/ed.pem")), keys);
    assertEquals(options, new SmtpServerOptions(options.toJson()));
    assertEquals(options.getDkim(), new DkimOptions(options.getDkim().toJson()));
    assertEquals(new DkimOptions(), new SmtpServerOptions().getDkim());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"keys\": [{\"domain\": \"a.test\", \"selector\": \"s\", \"keyPath\": \"k\", \"key\": 1}]} | dkim.keys[0].key: unknown key",
      "{\"keys\": [{\"selector\": \"s\", \"keyPath\": \"k\"}]}                  | dkim.keys[0].domain: must be set",
      "{\"keys\": [{\"domain\": \"a.test\", \"keyPath\": \"k\"}]}                | dkim.keys[0].selector: must be set",
      "{\"keys\": [{\"domain\": \"a.test\", \"selector\": \"s\"}]}               | dkim.keys[0].keyPath: must be set",
      "{\"keys\": [{\"domain\": \"a.test\", \"selector\": \"s\", \"keyPath\": \"\"}]} | dkim.keys[0].keyPath: must be",
      "{\"keys\": [{\"domain\": \"a..test\", \"selector\": \"s\", \"keyPath\": \"k\"}]} | dkim.keys[0].domain: must be a domain name",
      "{\"keys\": [{\"domain\": \"a.test\", \"selector\": \"s_1\", \"keyPath\": \"k\"}]} | dkim.keys[0].selector: must be a selector",
      "{\"keys\": [{\"domain\": \"a.test\", \"selector\": \"s\", \"keyPath\": \"k\", \"algorithm\": \"rsa-sha1\"}]} | dkim.keys[0].algorithm: must be one of rsa-sha256, ed25519-sha256",
      "{\"keys\": [{\"domain\": \"a.test\", \"selector\": \"s\", \"keyPath\": \"k\"}, {\"domain\": \"a.test\", \"selector\": \"t\", \"keyPath\": \"k2\"}]} | dkim.keys[1]: a second rsa-sha256 key for a.test",
      "{\"keys\": [\"a.test\"]}                                                | dkim.keys[0]: must be an object",
      "{\"keys\": {}}                                                           | dkim.keys: must be a list",
      "{\"key\": []}                                                            | dkim.key: unknown key",
  })
  void badValuesNameTheirKey(String dkim, String message) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new SmtpServerOptions(new JsonObject().put("dkim", new JsonObject(dkim))));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }
}
