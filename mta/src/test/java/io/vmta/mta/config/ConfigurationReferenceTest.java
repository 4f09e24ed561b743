package io.vmta.mta.config;

import static io.vmta.mta.config.ConfigReference.canonical;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds {@code docs/configuration.md} to the configuration, both ways: every key the options write
 * is documented, every documented key exists, the documented defaults are the code's, every example
 * value is accepted, deprecated names are still read, and the complete example names every key.
 * The code's keys come from the options themselves ({@code toJson()} of the defaults and of
 * {@link #PROBE}), not from a list kept here.
 */
class ConfigurationReferenceTest {

  /**
   * Keys the reference already documents but the code on this branch does not read yet: they
   * arrive with the move of the configuration into the module options (issue 9, branch cfg).
   * EMPTY THIS SET WHEN THAT BRANCH IS MERGED; the test then checks these keys like the others,
   * and fails while one of them is still listed here but exists in the code.
   */
  private static final Set<String> PENDING = Set.of();

  /** Everything optional set, so that nullable keys, list items and map entries appear. */
  private static final JsonObject PROBE = new JsonObject("""
      {"listeners": [{"host": "::1", "port": 0, "mode": "smtps"}],
       "tls": {"certPath": "cert.pem", "keyPath": "key.pem"},
       "dkim": {"keys": [{"domain": "example.test", "selector": "s1", "keyPath": "s1.pem"}]},
       "aliases": {"postmaster@example.test": ["alice@example.test"]},
       "relay": {"smarthost": {"host": "smtp.example.test", "port": 465, "tls": "implicit",
                               "username": "u@example.test", "password": "p"},
                 "tls": {"caFile": "ca.pem", "policy": {"example.org": "verify"}}},
       "management": {"host": "127.0.0.1", "token": "t"}}
      """);

  private static ConfigReference doc;
  private static ConfigReference.Walk defaults;
  private static ConfigReference.Walk probe;

  @BeforeAll
  static void read() throws IOException {
    doc = ConfigReference.read();
    defaults = new ConfigReference.Walk(new MtaOptions().toJson());
    probe = new ConfigReference.Walk(new MtaOptions(PROBE).toJson());
  }

  @Test
  void everyKeyOfTheCodeIsDocumented() {
    Set<String> undocumented = new TreeSet<>();
    for (String key : codeKeys()) {
      String replacement = doc.deprecated.get(key);
      if (replacement != null && PENDING.contains(replacement)) {
        continue;  // the rename has not happened on this branch yet
      }
      if (replacement != null || !doc.rows.containsKey(key)) {
        undocumented.add(key);
      }
    }
    assertThat(undocumented)
        .as("keys the configuration writes that %s lacks (or lists only as deprecated)",
            ConfigReference.FILE)
        .isEmpty();
  }

  @Test
  void everyDocumentedKeyIsInTheCode() {
    Set<String> code = new LinkedHashSet<>(codeKeys());
    code.addAll(defaults.sections);
    code.addAll(probe.sections);
    Set<String> unknown = new TreeSet<>(doc.rows.keySet());
    unknown.removeAll(code);
    unknown.removeAll(PENDING);
    assertThat(unknown).as("keys %s documents that the configuration lacks", ConfigReference.FILE)
        .isEmpty();
    assertThat(doc.rows.keySet()).as("PENDING keys are documented").containsAll(PENDING);
    assertThat(PENDING).as("PENDING keys that the code has now: remove them from PENDING")
        .doesNotContainAnyElementsOf(code);
    assertThat(doc.rows.keySet()).as("deprecated names in the key tables")
        .doesNotContainAnyElementsOf(doc.deprecated.keySet());
  }

  @Test
  void documentedDefaultsAreTheCodes() {
    Map<String, Object> code = codeDefaults();
    Map<String, String> wrong = new LinkedHashMap<>();
    for (ConfigReference.Row row : doc.rows.values()) {
      if (row.defaultJson() == null || PENDING.contains(row.key()) || !code.containsKey(row.key())) {
        continue;  // no default, or one that only the reading of a value knows (smarthost.port)
      }
      Object documented = Json.decodeValue(row.defaultJson());
      Object actual = canonical(code.get(row.key()));
      if (!Objects.equals(canonical(documented), actual)) {
        wrong.put(row.key(), "documented " + row.defaultJson() + ", code " + Json.encode(actual));
      }
    }
    assertThat(wrong).as("defaults in %s", ConfigReference.FILE).isEmpty();
  }

  @Test
  void everyExampleValueIsAccepted() {
    JsonObject base = ConfigReference.without(doc.jsonExample, PENDING);
    for (ConfigReference.Row row : doc.rows.values()) {
      if (PENDING.contains(row.key())) {
        continue;
      }
      JsonObject json = ConfigReference.with(base, row.key(), Json.decodeValue(row.exampleJson()));
      assertThatCode(() -> new MtaOptions(json)).as("example of %s: %s", row.key(), row.exampleJson())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void deprecatedNamesAreStillRead() {
    assertThat(doc.deprecated).as("the deprecated names of %s", ConfigReference.FILE).isNotEmpty();
    doc.deprecated.forEach((old, replacement) -> {
      assertThat(doc.rows).as("%s replaces %s", replacement, old).containsKey(replacement);
      Object value = Json.decodeValue(doc.rows.get(replacement).exampleJson());
      JsonObject json = ConfigReference.with(new JsonObject(), old, value);
      assertThatCode(() -> new MtaOptions(json)).as("reading %s", old).doesNotThrowAnyException();
      if (!PENDING.contains(replacement)) {
        ConfigReference.Walk read = new ConfigReference.Walk(new MtaOptions(json).toJson());
        assertThat(canonical(read.keys.get(replacement))).as("%s read as %s", old, replacement)
            .isEqualTo(canonical(value));
        assertThat(read.keys).as("written under its new name only").doesNotContainKey(old);
      }
    });
  }

  @Test
  void completeExampleIsOneFileInTwoFormatsWithEveryKey() {
    assertThat(doc.yamlExample).as("the YAML and the JSON example are the same").isEqualTo(doc.jsonExample);
    ConfigReference.Walk example = new ConfigReference.Walk(doc.jsonExample);
    Set<String> missing = new TreeSet<>(doc.rows.keySet());
    missing.removeAll(example.keys.keySet());
    missing.removeAll(example.sections);
    assertThat(missing).as("documented keys the complete example lacks").isEmpty();
    assertThat(doc.rows.keySet()).as("keys of the complete example that are documented")
        .containsAll(example.keys.keySet());
    JsonObject accepted = ConfigReference.without(doc.jsonExample, PENDING);
    assertThatCode(() -> new MtaOptions(accepted)).doesNotThrowAnyException();
  }

  private static Set<String> codeKeys() {
    Set<String> keys = new LinkedHashSet<>(defaults.keys.keySet());
    keys.addAll(probe.keys.keySet());
    return keys;
  }

  /**
   * The code's defaults by key: the values of {@code new MtaOptions()}, and for the items of a
   * list of objects the values of an item given as {@code {}}.
   */
  private static Map<String, Object> codeDefaults() {
    Map<String, Object> out = new LinkedHashMap<>();
    defaults.keys.forEach((key, value) -> {
      if (!key.contains("[]")) {
        out.put(key, value);
      }
    });
    defaults.keys.forEach((key, value) -> {
      if (!key.contains("[]") && value instanceof JsonArray list && !list.isEmpty()
          && list.getValue(0) instanceof JsonObject) {
        JsonObject oneEmptyItem = ConfigReference.with(new JsonObject(), key,
            new JsonArray().add(new JsonObject()));
        new ConfigReference.Walk(new MtaOptions(oneEmptyItem).toJson()).keys.forEach((k, v) -> {
          if (k.startsWith(key + "[].")) {
            out.put(k, v);
          }
        });
      }
    });
    return out;
  }
}
