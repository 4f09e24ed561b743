package io.vmta.mailauth.dkim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.JsonOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of DKIM signing, the {@code dkim} object of the configuration: {@code keys}, a list of
 * {@link DkimKeyOptions}. No keys (the default) means no signing. At most one key per domain and
 * algorithm; a domain with both an RSA and an Ed25519 key gets both signatures.
 */
public final class DkimOptions extends JsonOptions {

  private List<DkimKeyOptions> keys = List.of();

  /** The defaults: no keys. */
  public DkimOptions() {
  }

  /** A copy. */
  public DkimOptions(DkimOptions other) {
    keys = other.keys;
  }

  /** Reads the JSON form given alone; errors name keys as {@code dkim.keys[0].keyPath}. */
  public DkimOptions(JsonObject json) {
    this(ConfigReader.root(json, "dkim"), true);
  }

  /** Reads the {@code dkim} object of a larger configuration; the caller ends the reader. */
  public DkimOptions(ConfigReader r) {
    this(r, false);
  }

  private DkimOptions(ConfigReader r, boolean whole) {
    JsonArray array = r.array("keys");
    if (array != null) {
      List<DkimKeyOptions> out = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        String itemPath = r.key("keys") + "[" + i + "]";
        Object item = array.getValue(i);
        if (!(item instanceof JsonObject json)) {
          throw ConfigReader.bad(itemPath, "an object like {\"domain\": \"example.test\", \"selector\": \"s1\","
              + " \"keyPath\": \"dkim/s1.pem\"}", item);
        }
        out.add(DkimKeyOptions.read(ConfigReader.root(json, itemPath)));
      }
      keys = checked(out, r.key("keys"));
    }
    if (whole) {
      r.endAndLog();
    }
  }

  /** The JSON form: {@code {"keys": [...]}}. */
  @Override
  public JsonObject toJson() {
    JsonArray ks = new JsonArray();
    keys.forEach(k -> ks.add(k.toJson()));
    return new JsonObject().put("keys", ks);
  }

  /** The signing keys (unmodifiable). */
  public List<DkimKeyOptions> getKeys() {
    return keys;
  }

  /** Sets the signing keys (checked: one per domain and algorithm). */
  public DkimOptions setKeys(List<DkimKeyOptions> keys) {
    this.keys = checked(keys, "dkim.keys");
    return this;
  }

  private static List<DkimKeyOptions> checked(List<DkimKeyOptions> keys, String path) {
    for (int i = 0; i < keys.size(); i++) {
      for (int j = 0; j < i; j++) {
        DkimKeyOptions a = keys.get(i);
        DkimKeyOptions b = keys.get(j);
        if (a.domain().equals(b.domain()) && a.algorithm() == b.algorithm()) {
          throw new ConfigException(path + "[" + i + "]", "a second " + a.algorithm().tag() + " key for "
              + a.domain() + " (" + path + "[" + j + "] is one); a domain has one key per algorithm");
        }
      }
    }
    return List.copyOf(keys);
  }
}
