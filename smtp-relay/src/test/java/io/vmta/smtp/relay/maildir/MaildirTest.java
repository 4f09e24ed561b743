package io.vmta.smtp.relay.maildir;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class MaildirTest {

  @TempDir
  Path dir;

  @Test
  void deliveredBytesAreIdenticalAndLandInNew(Vertx vertx, VertxTestContext tc) {
    Buffer content = Buffer.buffer("Received: from x\r\nSubject: t\r\n\r\n");
    for (int i = 0; i < 256; i++) {
      content.appendByte((byte) i);
    }
    Maildir maildir = new Maildir(vertx, dir.resolve("mail"));
    maildir.deliver("Example.TEST", "Alice", content).onComplete(tc.succeeding(name -> tc.verify(() -> {
      Path box = dir.resolve("mail").resolve("example.test").resolve("alice");
      assertThat(maildir.mailboxPath("example.test", "ALICE")).isEqualTo(box.toAbsolutePath());
      assertThat(Files.readAllBytes(box.resolve("new").resolve(name))).isEqualTo(content.getBytes());
      assertThat(list(box.resolve("tmp"))).isEmpty();
      assertThat(box.resolve("cur")).isDirectory();
      assertThat(name).matches("\\d+\\.M\\d+P\\d+Q\\d+R[0-9a-f]+\\..+");
      tc.completeNow();
    })));
  }

  @Test
  void aFolderIsAMaildirPlusPlusSubfolderThatDovecotReads(Vertx vertx, VertxTestContext tc) {
    Maildir maildir = new Maildir(vertx, dir);
    Buffer content = Buffer.buffer("Subject: junk\r\n\r\nbody\r\n");
    maildir.deliver("example.test", "alice", Maildir.JUNK, content)
        .compose(first -> maildir.deliver("example.test", "alice", Maildir.JUNK, content).map(first))
        .onComplete(tc.succeeding(name -> tc.verify(() -> {
          Path junk = dir.resolve("example.test").resolve("alice").resolve(".Junk");
          assertThat(Files.readAllBytes(junk.resolve("new").resolve(name))).isEqualTo(content.getBytes());
          assertThat(list(junk.resolve("new"))).hasSize(2);
          assertThat(junk.resolve("cur")).isDirectory();
          assertThat(junk.resolve("maildirfolder")).isRegularFile();
          assertThat(list(junk.getParent().resolve("new"))).isEmpty();
          tc.completeNow();
        })));
  }

  @ParameterizedTest
  @CsvSource({"../evil", ".hidden", "a/b"})
  void anUnsafeFolderNameIsRefused(String folder, Vertx vertx, VertxTestContext tc) {
    new Maildir(vertx, dir).deliver("example.test", "alice", folder, Buffer.buffer("x\r\n"))
        .onComplete(tc.failing(e -> tc.verify(() -> {
          assertThat(e).hasMessageContaining("unsafe folder");
          tc.completeNow();
        })));
  }

  @Test
  void namesAreUniqueUnderAThousandConcurrentDeliveries(Vertx vertx, VertxTestContext tc) {
    Maildir maildir = new Maildir(vertx, dir);
    List<Future<String>> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(maildir.deliver("example.test", "bob", Buffer.buffer("message " + i + "\r\n")));
    }
    Future.all(all).onComplete(tc.succeeding(v -> tc.verify(() -> {
      Set<String> names = new HashSet<>();
      all.forEach(f -> names.add(f.result()));
      assertThat(names).hasSize(1000);
      Path fresh = maildir.mailboxPath("example.test", "bob").resolve("new");
      assertThat(list(fresh)).hasSize(1000).containsExactlyInAnyOrderElementsOf(names);
      Set<String> bodies = new HashSet<>();
      for (String n : names) {
        bodies.add(Files.readString(fresh.resolve(n)));
      }
      assertThat(bodies).hasSize(1000);
      tc.completeNow();
    })));
  }

  @Test
  void readOnlyMailboxFailsTheFuture(Vertx vertx, VertxTestContext tc) throws Exception {
    Maildir maildir = new Maildir(vertx, dir);
    Path box = maildir.mailboxPath("example.test", "carol");
    for (String sub : List.of("tmp", "new", "cur")) {
      Files.createDirectories(box.resolve(sub));
      Files.setPosixFilePermissions(box.resolve(sub), PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    Assumptions.assumeFalse(Files.isWritable(box.resolve("tmp")), "permissions are not enforced (root?)");
    maildir.deliver("example.test", "carol", Buffer.buffer("x")).onComplete(tc.failing(e -> tc.verify(() -> {
      assertThat(list(box.resolve("new"))).isEmpty();
      tc.completeNow();
    })));
  }

  @Test
  void mailboxThatIsNotADirectoryFailsTheFuture(Vertx vertx, VertxTestContext tc) throws Exception {
    Maildir maildir = new Maildir(vertx, dir);
    Path box = maildir.mailboxPath("example.test", "dave");
    Files.createDirectories(box.getParent());
    Files.writeString(box, "not a directory");
    maildir.deliver("example.test", "dave", Buffer.buffer("x")).onComplete(tc.failing(e -> tc.verify(() -> {
      assertThat(Files.readString(box)).isEqualTo("not a directory");
      tc.completeNow();
    })));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "example.test | ..", "example.test | .", "example.test | .hidden", "example.test | a/b",
      "example.test | ../../etc", ".. | alice", ". | alice", "a/b | alice", ".example.test | alice",
      "example.test | ''"})
  void unsafeNamesAreRefused(String domain, String local, Vertx vertx, VertxTestContext tc) {
    Maildir maildir = new Maildir(vertx, dir.resolve("mail"));
    maildir.deliver(domain, local, Buffer.buffer("x")).onComplete(tc.failing(e -> tc.verify(() -> {
      assertThat(e).isInstanceOf(IllegalArgumentException.class);
      assertThat(list(dir)).isEmpty();
      tc.completeNow();
    })));
  }

  @Test
  void nulInANameIsRefused(Vertx vertx, VertxTestContext tc) {
    new Maildir(vertx, dir).deliver("example.test", "a\0b", Buffer.buffer("x"))
        .onComplete(tc.failing(e -> tc.verify(() -> {
          assertThat(e).isInstanceOf(IllegalArgumentException.class);
          tc.completeNow();
        })));
  }

  @Test
  void hostnameSlashAndColonAreEscaped() {
    assertThat(Maildir.escapeHost("a/b:c")).isEqualTo("a\\057b\\072c");
    assertThat(Maildir.uniqueName()).doesNotContain("/").doesNotContain(":");
  }

  private static List<String> list(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
