package io.vmta.mta.config;

import io.vmta.smtp.core.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vmta.smtp.auth.PasswordHashes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

  @TempDir
  Path dir;

  /** A check on a loaded value that may throw. */
  interface Check<T> {
    void accept(T value) throws Throwable;
  }

  private static <T> void succeeds(Future<T> future, VertxTestContext ctx, Check<T> check) {
    future.onComplete(ctx.succeeding(value -> ctx.verify(() -> {
      check.accept(value);
      ctx.completeNow();
    })));
  }

  private static void failsWith(Future<?> future, VertxTestContext ctx, String messageStart) {
    future.onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertThat(e).isInstanceOf(ConfigException.class);
      assertThat(e.getMessage()).startsWith(messageStart).doesNotContain("\n");
      ctx.completeNow();
    })));
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private Path copyResource(String resource, String name) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/config/" + resource)) {
      Path file = dir.resolve(name);
      Files.copy(in, file);
      return file;
    }
  }

  /** The example names users.txt explicitly, so that file must exist. */
  private MtaOptions designExample() throws IOException {
    write("users.txt", "# no users yet\n");
    MtaOptions expected = new MtaOptions().setLocal(new io.vmta.smtp.core.config.LocalMailOptions()
        .setHostname("mx.example.test")
        .setAliases(java.util.Map.of("postmaster@example.test",
            java.util.List.of("alice@example.test"))));
    return expected.setUsers(dir.resolve("users.txt").toString());
  }

  @Test
  void loadsTheDesignExampleAsJson(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = copyResource("design-example.json", "mta.json");
    MtaOptions expected = designExample();
    succeeds(ConfigLoader.load(vertx, file), ctx,
        options -> assertThat(options).isEqualTo(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mta.yaml", "mta.yml", "MTA.YAML"})
  void loadsTheDesignExampleAsYaml(String name, Vertx vertx, VertxTestContext ctx)
      throws IOException {
    Path file = copyResource("design-example.yaml", name);
    MtaOptions expected = designExample();
    succeeds(ConfigLoader.load(vertx, file), ctx,
        options -> assertThat(options).isEqualTo(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "# nothing configured\n", "---\n# nothing\n...\n", "{}\n"})
  void anEmptyYamlFileIsTheDefaults(String content, Vertx vertx, VertxTestContext ctx)
      throws IOException {
    Path file = write("mta.yaml", content);
    succeeds(ConfigLoader.load(vertx, file), ctx, options -> {
      assertThat(options.getUsers()).isEqualTo(dir.resolve("users.txt").toString());
      assertThat(options.setUsers("users.txt")).isEqualTo(ConfigLoader.defaults());
    });
  }

  @Test
  void resolvesConfiguredFilesAgainstTheConfigDirectory(Vertx vertx, VertxTestContext ctx)
      throws IOException {
    Files.createDirectories(dir.resolve("tls"));
    write("tls/cert.pem", "cert");
    write("tls/key.pem", "key");
    write("people.txt", "alice@example.test:" + PasswordHashes.hash("pw") + "\n");
    Path file = write("mta.yaml", """
        users: people.txt
        tls: {certPath: tls/cert.pem, keyPath: tls/key.pem}
        """);
    succeeds(ConfigLoader.load(vertx, file).compose(options -> {
      assertThat(options.getUsers()).isEqualTo(dir.resolve("people.txt").toString());
      assertThat(options.getServer().getCertPath()).isEqualTo(dir.resolve("tls/cert.pem").toString());
      assertThat(options.getServer().getKeyPath()).isEqualTo(dir.resolve("tls/key.pem").toString());
      return ConfigLoader.loadUsers(vertx, options);
    }), ctx, users -> assertThat(users.addresses()).containsExactly("alice@example.test"));
  }

  @Test
  void aMissingDefaultUsersFileMeansNoUsers(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = write("mta.json", "{}");
    succeeds(ConfigLoader.load(vertx, file).compose(o -> ConfigLoader.loadUsers(vertx, o)), ctx,
        users -> assertThat(users.addresses()).isEmpty());
  }

  @Test
  void aMissingConfiguredUsersFileIsAnError(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = write("mta.json", "{\"users\": \"nobody.txt\"}");
    failsWith(ConfigLoader.load(vertx, file), ctx,
        file + ": users: no such file: " + dir.resolve("nobody.txt"));
  }

  @Test
  void aMissingTlsFileIsAnError(Vertx vertx, VertxTestContext ctx) throws IOException {
    write("cert.pem", "cert");
    Path file = write("mta.yaml", "tls: {certPath: cert.pem, keyPath: key.pem}\n");
    failsWith(ConfigLoader.load(vertx, file), ctx,
        file + ": tls.keyPath: no such file: " + dir.resolve("key.pem"));
  }

  @Test
  void aBadUsersFileFailsLoadingUsers(Vertx vertx, VertxTestContext ctx) throws IOException {
    write("users.txt", "# users\nalice@example.test:plaintext\n");
    Path file = write("mta.json", "{}");
    failsWith(ConfigLoader.load(vertx, file).compose(o -> ConfigLoader.loadUsers(vertx, o)), ctx,
        "users: " + dir.resolve("users.txt") + ":2: the hash for alice@example.test");
  }

  @Test
  void aValidationErrorNamesTheFileAndTheKey(Vertx vertx, VertxTestContext ctx)
      throws IOException {
    Path file = write("mta.yaml", "limits:\n  maxMessageSize: big\n");
    failsWith(ConfigLoader.load(vertx, file), ctx,
        file + ": limits.maxMessageSize: must be a positive integer, got \"big\"");
  }

  @Test
  void anUnknownKeyIsRefused(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = write("mta.json", "{\"limits\": {\"maxMesageSize\": 1000}}");
    failsWith(ConfigLoader.load(vertx, file), ctx,
        file + ": limits.maxMesageSize: unknown key; did you mean maxMessageSize?");
  }

  @Test
  void yamlBooleansAreNotStrings(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = write("mta.yaml", "cluster:\n  enabled: yes\n");
    succeeds(ConfigLoader.load(vertx, file), ctx,
        options -> assertThat(options.getCluster().isEnabled()).isTrue());
  }

  @Test
  void aMissingFileIsAnError(Vertx vertx, VertxTestContext ctx) {
    Path file = dir.resolve("absent.yaml");
    failsWith(ConfigLoader.load(vertx, file), ctx, file + ": no such file");
  }

  @Test
  void anUnknownExtensionIsAnError(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = write("mta.conf", "{}");
    failsWith(ConfigLoader.load(vertx, file), ctx,
        file + ": the file name must end in .json, .yaml or .yml");
  }

  @Test
  void badYamlNamesTheProblemAndItsLine(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = write("mta.yaml", "limits:\n  maxRecipients: 5\n bad: [\n");
    failsWith(ConfigLoader.load(vertx, file), ctx, file + ": not valid YAML: while parsing a block"
        + " mapping at line 1, column 1; expected <block end>, but found '<block mapping start>'"
        + " at line 3, column 2");
  }

  @Test
  void yamlTagsAreRefused(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = write("mta.yaml", "x: !!javax.script.ScriptEngineManager []\n");
    failsWith(ConfigLoader.load(vertx, file), ctx,
        file + ": not valid YAML: Global tag is not allowed");
  }

  @Test
  void badJsonNamesTheProblemAndItsLine(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = write("mta.json", "{\"limits\": {\"maxRecipients\": 5,}\n");
    failsWith(ConfigLoader.load(vertx, file), ctx, file + ": not valid JSON: Unexpected character"
        + " ('}' (code 125)): was expecting double-quote to start field name at [line: 1, column: 32]");
  }

  @Test
  void anEmptyJsonFileIsAnError(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = write("mta.json", " \n");
    failsWith(ConfigLoader.load(vertx, file), ctx,
        file + ": empty file; write {} for the defaults");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mta.yaml|- a\n- b\n", "mta.yaml|just a string\n", "mta.yaml|~\n",
      "mta.json|[1, 2]", "mta.json|\"text\""})
  void theTopLevelMustBeAMapping(String nameAndContent, Vertx vertx, VertxTestContext ctx)
      throws IOException {
    String[] parts = nameAndContent.split("\\|", 2);
    Path file = write(parts[0], parts[1]);
    failsWith(ConfigLoader.load(vertx, file), ctx, file + ": not valid "
        + (parts[0].endsWith("json") ? "JSON: the top level must be an object"
            : "YAML: the top level must be a mapping of keys"));
  }
}
