package io.vmta.mta;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmta.smtp.auth.PasswordHashes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashPasswordCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(InputStream in) {
    return HashPasswordCommand.run(in, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private int run(String input) {
    return run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3cret pässword\r\nsecond line\n", "s3cret pässword\n",
      "s3cret pässword"})
  void printsAHashOfTheFirstLineOnly(String input) {
    assertThat(run(input)).isEqualTo(HashPasswordCommand.OK);

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).endsWith(System.lineSeparator());
    String hash = printed.strip();
    assertThat(hash).startsWith("$pbkdf2$").doesNotContain("s3cret");
    assertThat(PasswordHashes.verify(hash, "s3cret pässword")).isTrue();
    assertThat(err.size()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "\r\n", "\nsecond line\n"})
  void anEmptyPasswordIsAnError(String input) {
    assertThat(run(input)).isEqualTo(HashPasswordCommand.USAGE);
    assertThat(out.size()).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no password given");
  }

  @Test
  void anUnreadableInputIsAnError() {
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("boom");
      }
    };
    assertThat(run(broken)).isEqualTo(HashPasswordCommand.IO_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read standard input");
  }
}
