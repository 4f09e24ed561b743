package io.vmta.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsersFileTest {

  // Well-formed but fake hashes keep these tests fast; PasswordHashesTest covers real ones.
  private static final String H1 = "$pbkdf2$it=210000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA";
  private static final String H2 = "$pbkdf2$it=210000$b3RoZXJvdGhlcm90aGVyb3Ro$ZGlmZmVyZW50ZGlmZmVyZW50";

  private static String realHash;

  @BeforeAll
  static void hashOnce() {
    realHash = PasswordHashes.hash("s3cret");
  }

  @Test
  void parsesUsersSkippingCommentsAndBlankLines() {
    UsersFile users = UsersFile.parse("""
        # users of example.test
        Alice@Example.TEST:%s

          # indented comment
        bob@example.test:%s\r
        """.formatted(H1, H2), "users.txt");

    assertThat(users.addresses()).containsExactly("alice@example.test", "bob@example.test");
    assertThat(users.size()).isEqualTo(2);
    assertThat(users.hashOf("ALICE@example.test")).contains(H1);
    assertThat(users.hashOf("bob@example.test")).contains(H2);
    assertThat(users.contains("Bob@Example.Test")).isTrue();
    assertThat(users.contains("carol@example.test")).isFalse();
    assertThat(users.hashOf(null)).isEmpty();
    assertThat(users.toString()).doesNotContain(H1).contains("2 users");
  }

  @Test
  void aRealHashParsesAndVerifies() {
    UsersFile users = UsersFile.parse("alice@example.test:" + realHash + "\n", "users.txt");
    assertThat(PasswordHashes.verify(users.hashOf("alice@example.test").orElseThrow(), "s3cret"))
        .isTrue();
  }

  @Test
  void emptyHasNoUsers() {
    assertThat(UsersFile.empty().addresses()).isEmpty();
    assertThat(UsersFile.parse("", "x").addresses()).isEmpty();
    assertThat(UsersFile.parse("\uFEFF# only a comment\n", "x").addresses()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no colon                | alice@example.test                 | users.txt:3: expected address:hash
      no at                   | alice:HASH                         | users.txt:3: invalid address: needs exactly one '@'
      two ats                 | a@b@example.test:HASH              | users.txt:3: invalid address: needs exactly one '@'
      empty local part        | @example.test:HASH                 | users.txt:3: invalid address: needs a local part
      empty domain            | alice@:HASH                        | users.txt:3: invalid address: needs a local part
      empty address           | :HASH                              | users.txt:3: invalid address: empty
      space in address        | al ice@example.test:HASH           | users.txt:3: invalid address: contains whitespace
      tab in address          | alice@exa\tmple.test:HASH          | users.txt:3: invalid address: contains whitespace
      missing hash            | alice@example.test:                | users.txt:3: missing hash after ':' for alice@example.test
      plaintext password      | alice@example.test:hunter2         | users.txt:3: the hash for alice@example.test is not a $pbkdf2$ hash
      hash with a colon       | alice@example.test:HASH:extra      | users.txt:3: the hash for alice@example.test is not a $pbkdf2$ hash
      duplicate, other case   | OWNER@example.test:HASH            | users.txt:3: duplicate address owner@example.test (first on line 2)
      """)
  void parseErrorsNameTheSourceLineAndProblem(String name, String line, String expected) {
    String text = "# header\nowner@example.test:" + H2 + "\n"
        + line.replace("\\t", "\t").replace("HASH", H1) + "\n";
    assertThatThrownBy(() -> UsersFile.parse(text, "users.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(expected)
        .message().doesNotContain(H1).doesNotContain(H2).doesNotContain("hunter2")
        .doesNotContain("\n");
  }

  @Test
  void aLineThatIsOnlyAHashIsNotEchoed() {
    assertThatThrownBy(() -> UsersFile.parse(realHash, "u"))
        .hasMessage("u:1: expected address:hash");
  }

  @Test
  void loadsFromAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("users.txt");
    Files.writeString(file, "alice@example.test:" + H1 + "\n");
    assertThat(UsersFile.load(file).addresses()).containsExactly("alice@example.test");
  }

  @Test
  void loadErrorsNameTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("users.txt");
    Files.writeString(file, "\nbroken\n");
    assertThatThrownBy(() -> UsersFile.load(file)).hasMessage(file + ":2: expected address:hash");
    assertThatThrownBy(() -> UsersFile.load(dir.resolve("missing.txt")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("missing.txt");
  }
}
