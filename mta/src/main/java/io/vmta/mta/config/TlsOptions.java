package io.vmta.mta.config;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The PEM certificate and key of the server; both or neither. When neither is set, a self-signed
 * pair is generated once into {@code dataDir}.
 */
public class TlsOptions {

  /** Default certificate path: none. */
  public static final String DEFAULT_CERT_PATH = null;
  /** Default key path: none. */
  public static final String DEFAULT_KEY_PATH = null;

  private String certPath;
  private String keyPath;

  /** No certificate configured. */
  public TlsOptions() {
    this(DEFAULT_CERT_PATH, DEFAULT_KEY_PATH);
  }

  /** A certificate and key, both null or both set. */
  public TlsOptions(String certPath, String keyPath) {
    this.certPath = certPath;
    this.keyPath = keyPath;
    checkPair("tls");
  }

  /** A copy. */
  public TlsOptions(TlsOptions other) {
    this(other.certPath, other.keyPath);
  }

  /** Reads and validates JSON; errors name keys as {@code tls.certPath}. */
  public TlsOptions(JsonObject json) {
    this(json, "tls");
  }

  TlsOptions(JsonObject json, String path) {
    ConfigReader r = new ConfigReader(json, path, "certPath", "keyPath");
    certPath = r.string("certPath", DEFAULT_CERT_PATH);
    keyPath = r.string("keyPath", DEFAULT_KEY_PATH);
    checkPair(path);
  }

  private void checkPair(String path) {
    String prefix = path.isEmpty() ? "" : path + ".";
    if (certPath != null && keyPath == null) {
      throw new ConfigException(prefix + "keyPath", "must be set when certPath is set");
    }
    if (keyPath != null && certPath == null) {
      throw new ConfigException(prefix + "certPath", "must be set when keyPath is set");
    }
  }

  /** These options as configuration JSON (null paths included). */
  public JsonObject toJson() {
    return new JsonObject().put("certPath", certPath).put("keyPath", keyPath);
  }

  /** Tells whether a certificate and key are configured. */
  public boolean isConfigured() {
    return certPath != null;
  }

  /** The PEM certificate (chain) file, or null. */
  public String getCertPath() {
    return certPath;
  }

  /** The PEM private key file, or null. */
  public String getKeyPath() {
    return keyPath;
  }

  /** Sets both files at once (both null or both set), keeping the pair consistent. */
  public TlsOptions setPaths(String certPath, String keyPath) {
    TlsOptions checked = new TlsOptions(certPath, keyPath);
    this.certPath = checked.certPath;
    this.keyPath = checked.keyPath;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsOptions t
        && Objects.equals(t.certPath, certPath) && Objects.equals(t.keyPath, keyPath);
  }

  @Override
  public int hashCode() {
    return Objects.hash(certPath, keyPath);
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
