package io.vmta.it.docs;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vmta.mta.Cli;
import io.vmta.mta.Console;
import io.vmta.smtp.server.SmtpServerOptions;
import io.vmta.mta.config.MtaOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps {@code docs/embedding.md}, {@code docs/deployment.md}, {@code docs/configuration.md} and the README true to the code. */
class DocsTest {

  private static final Path DOCS = Path.of("..", "docs");
  private static final Path EXAMPLES =
      Path.of("src", "test", "java", "io", "vmta", "it", "docs", "EmbeddingExamplesTest.java");
  /** The longest a SIGTERM'd MTA with the default grace takes: the grace plus Cli's slack. */
  private static final long SHUTDOWN_SECONDS = SmtpServerOptions.DEFAULT_SHUTDOWN_GRACE.toSeconds() + Cli.SHUTDOWN_SLACK_SECONDS;

  @Test
  void embeddingSnippetsAreTheTaggedRegionsOfTheExamplesTest() throws IOException {
    String test = read(EXAMPLES);
    String doc = read(DOCS.resolve("embedding.md"));
    List<String> tags = List.of("server-only", "queue-only", "whole-mta");
    for (String tag : tags) {
      Matcher region = Pattern.compile("// tag::" + tag + "\\[]\n(.*?)\n\\s*// end::" + tag + "\\[]", Pattern.DOTALL)
          .matcher(test);
      assertThat(region.find()).as("tag %s in EmbeddingExamplesTest", tag).isTrue();
      String snippet = "```java\n// from EmbeddingExamplesTest, tag::" + tag + "[]\n" + dedent(region.group(1)) + "\n```";
      assertThat(doc).as("docs/embedding.md holds the region %s exactly", tag).contains(snippet);
    }
  }

  @Test
  void deploymentYamlExamplesAreValidConfigurations() throws IOException {
    List<String> blocks = blocks(read(DOCS.resolve("deployment.md")), "yaml");
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
    for (String yaml : blocks) {
      Map<String, Object> map = new Yaml().load(yaml);
      // Validates every key and value; the files it names need not exist here.
      MtaOptions options = new MtaOptions(new JsonObject(map));
      assertThat(options.getHostname()).isNotBlank();
    }
  }

  @Test
  void unitStopTimeoutExceedsTheShutdownGrace() throws IOException {
    List<String> units = blocks(read(DOCS.resolve("deployment.md")), "ini");
    assertThat(units).hasSize(1);
    Matcher timeout = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(units.get(0));
    assertThat(timeout.find()).isTrue();
    assertThat(Long.parseLong(timeout.group(1))).isGreaterThan(SHUTDOWN_SECONDS);
    assertThat(units.get(0)).contains("ExecStart=/usr/bin/java", "-jar /opt/vmta/mta.jar --config /etc/vmta/mta.yaml",
        "User=vmta", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
        "NoNewPrivileges=yes");
  }

  /**
   * Every {@code java -jar .../mta.jar queue ...} and {@code check-config} line in the shell blocks
   * of the README, deployment.md and configuration.md is accepted by the command line: run against a scripted endpoint that answers
   * 503, a queue command fails at run time (status 1, the request was made), never with the usage.
   */
  @Test
  void documentedCommandLinesAreAcceptedByTheCli(@TempDir Path dir) throws IOException {
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer endpoint = vertx.createHttpServer()
          .requestHandler(req -> req.response().setStatusCode(503).end("{\"error\":\"queue unavailable\"}"))
          .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      String url = "http://127.0.0.1:" + endpoint.actualPort();
      int queueLines = 0;
      for (Path doc : List.of(DOCS.resolve("deployment.md"), DOCS.resolve("configuration.md"), Path.of("..", "README.md"))) {
        String shellBlocks = String.join("\n", blocks(read(doc), "sh"));
        Matcher line = Pattern.compile("java -jar \\S*mta\\.jar ([^|&#\n]*)").matcher(shellBlocks);
        while (line.find()) {
          List<String> args = new ArrayList<>(List.of(line.group(1).strip().split("\\s+")));
          if (args.get(0).equals("queue")) {
            queueLines++;
            // Not the files of a production host: the scripted endpoint instead.
            for (String option : List.of("--config", "--url", "--token-file")) {
              int at = args.indexOf(option);
              if (at >= 0) {
                args.subList(at, at + 2).clear();
              }
            }
            args.addAll(List.of("--url", url));
            Result r = cli(args);
            assertThat(r.status()).as("%s: %s\n%s", doc, args, r.err()).isEqualTo(1);
            assertThat(r.err()).as("%s: %s", doc, args).startsWith("vmta: the queue is unavailable at " + url);
          } else if (args.get(0).equals("check-config")) {
            args.set(args.indexOf("--config") + 1, dir.resolve("absent.yaml").toString());
            Result r = cli(args);
            assertThat(r.status()).as("%s: %s\n%s", doc, args, r.err()).isEqualTo(2);
            assertThat(r.err()).as("%s: %s", doc, args).endsWith(": no such file\n").doesNotContain("usage:");
          }
        }
      }
      assertThat(queueLines).isGreaterThanOrEqualTo(7);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      vertx.close();
    }
  }

  /** A clone has no {@code ../shared}: the README and docs/ point only into the repository. */
  @Test
  void docsPointOnlyIntoTheRepository() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(Path.of("..", "README.md")));
    try (var files = Files.list(DOCS)) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    assertThat(docs).contains(DOCS.resolve("configuration.md"));
    for (Path doc : docs) {
      assertThat(read(doc)).as("%s", doc).doesNotContain("../shared", "DESIGN.md");
    }
  }

  private record Result(int status, String out, String err) {
  }

  private static Result cli(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Cli.run(args, new Console(new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static List<String> blocks(String markdown, String language) {
    Matcher m = Pattern.compile("(?m)^```" + language + "\n(.*?)^```$", Pattern.DOTALL).matcher(markdown);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String dedent(String text) {
    List<String> lines = text.lines().toList();
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return String.join("\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
