package io.vmta.smtp.server;

import io.vmta.smtp.server.testing.Transcript;
import io.vmta.smtp.server.testing.TranscriptPlayer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every dialogue under {@code src/test/resources/transcripts/} (format in its README.md), each
 * played against its own server over a real socket: one test per file.
 */
class TranscriptTest {

  @TestFactory
  Stream<DynamicTest> transcripts() throws Exception {
    Path dir = directory();
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".smtp")).sorted().toList();
    }
    assertThat(files).as("transcripts in " + dir).isNotEmpty();
    return files.stream().map(file -> {
      String name = file.getFileName().toString();
      return DynamicTest.dynamicTest(name, file.toUri(), () ->
          TranscriptPlayer.play(Transcript.parse(name, Files.readString(file, StandardCharsets.UTF_8))));
    });
  }

  /**
   * The source directory when the test runs in the module (Maven, IDEs), so that a file deleted
   * there is not still played from a stale copy in target/; else the copy on the class path.
   */
  private static Path directory() throws Exception {
    Path source = Path.of("src/test/resources/transcripts");
    return Files.isDirectory(source) ? source : Path.of(TranscriptTest.class.getResource("/transcripts").toURI());
  }
}
