package io.vmta.mailauth.dkim;

import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.Names;
import java.util.Locale;
import java.util.Objects;

/**
 * One signing key of {@code dkim.keys}: the {@code d=} domain, the {@code s=} selector, the
 * algorithm and the PEM PKCS#8 private key file.
 *
 * @param domain    the signing domain, lower case, e.g. {@code example.test}
 * @param selector  the selector, e.g. {@code s1} (its key record is {@code s1._domainkey.example.test})
 * @param algorithm {@link DkimAlgorithm#RSA_SHA256} unless configured otherwise
 * @param keyPath   the private key file (PEM, {@code BEGIN PRIVATE KEY})
 */
public record DkimKeyOptions(String domain, String selector, DkimAlgorithm algorithm, String keyPath) {

  /** The algorithm of a key that names none. */
  public static final DkimAlgorithm DEFAULT_ALGORITHM = DkimAlgorithm.RSA_SHA256;

  /** Checks the fields as {@code dkim.keys[i]} would be checked. */
  public DkimKeyOptions {
    domain = Names.domain(Objects.requireNonNull(domain, "domain"), "domain").toLowerCase(Locale.ROOT);
    selector = selector(Objects.requireNonNull(selector, "selector"), "selector");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(keyPath, "keyPath");
  }

  /** Reads one key and ends the reader, e.g. of {@code dkim.keys[0]}; every key but algorithm is required. */
  static DkimKeyOptions read(ConfigReader r) {
    String domain = Names.domain(required(r, "domain"), r.key("domain"));
    String selector = selector(required(r, "selector"), r.key("selector"));
    String a = r.string("algorithm", DEFAULT_ALGORITHM.tag());
    DkimAlgorithm algorithm;
    try {
      algorithm = DkimAlgorithm.fromTag(a);
    } catch (IllegalArgumentException e) {
      throw ConfigReader.bad(r.key("algorithm"), "one of rsa-sha256, ed25519-sha256", a);
    }
    String keyPath = required(r, "keyPath");
    r.end();
    return new DkimKeyOptions(domain, selector, algorithm, keyPath);
  }

  /** The JSON form read by {@link DkimOptions}. */
  public JsonObject toJson() {
    return new JsonObject().put("domain", domain).put("selector", selector)
        .put("algorithm", algorithm.tag()).put("keyPath", keyPath);
  }

  /** This key with another key file path (e.g. resolved against the configuration's directory). */
  public DkimKeyOptions withKeyPath(String path) {
    return new DkimKeyOptions(domain, selector, algorithm, path);
  }

  private static String required(ConfigReader r, String key) {
    String v = r.string(key, null);
    if (v == null) {
      throw new ConfigException(r.key(key), "must be set");
    }
    return v;
  }

  /** RFC 6376 3.1: a selector is one or more dot-separated sub-domain labels. */
  private static String selector(String text, String path) {
    if (!text.matches("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")) {
      throw ConfigReader.bad(path, "a selector of DNS labels (letters, digits, hyphens, dots), e.g. \"s1\"", text);
    }
    return text.toLowerCase(Locale.ROOT);
  }
}
