package io.vmta.smtp.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * smtp-core is the codec and model, without sockets or cluster: none of its sources or classes
 * may use Vert.x internals or the cluster SPI (their workarounds live in the modules that need
 * them, each in one class named VertxInternals; see docs/architecture.md).
 */
class NoVertxInternalsTest {

  private static final List<String> FORBIDDEN = List.of("io.vertx.core.internal", "io.vertx.core.spi.cluster");

  @Test
  void noSourceMentionsAVertxInternalPackage() throws IOException {
    Path sources = Path.of("src/main/java");
    assertThat(filesMentioning(sources, ".java", FORBIDDEN)).isEmpty();
    assertThat(filesMentioning(sources, ".java", List.of("package io.vmta.smtp.core")))
        .as("the scan reads the sources").isNotEmpty();
  }

  @Test
  void noClassReferencesAVertxInternalPackage() throws Exception {
    // The compiled classes too: a fully qualified name needs no import.
    Path classes = Path.of(Reply.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> binaryNames = FORBIDDEN.stream().map(p -> p.replace('.', '/')).toList();
    assertThat(filesMentioning(classes, ".class", binaryNames)).isEmpty();
    assertThat(filesMentioning(classes, ".class", List.of("io/vmta/smtp/core/Reply")))
        .as("the scan reads the classes").isNotEmpty();
  }

  private static List<Path> filesMentioning(Path root, String suffix, List<String> names) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(suffix))
          .filter(f -> names.stream().anyMatch(read(f)::contains))
          .toList();
    }
  }

  /** The file's bytes as ISO-8859-1: class-file constants (ASCII here) survive as they are. */
  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
