package io.vmta.mta;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The data directory's lock within one JVM; across processes, see StartRefusalTest in it-tests. */
class DataDirLockTest {

  @TempDir
  Path dir;

  @Test
  void createsTheDirectoryAndWritesThePidIntoTheLockFile() throws Exception {
    Path dataDir = dir.resolve("data");
    try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
      assertThat(Files.readString(dataDir.resolve("lock"))).isEqualTo(ProcessHandle.current().pid() + "\n");
    }
    assertThat(Files.readString(dataDir.resolve("lock"))).as("no stale pid once released").isEmpty();
  }

  @Test
  void aSecondLockInThisJvmIsRefusedEvenUnderAnotherNameForTheDirectory() throws Exception {
    Path dataDir = dir.resolve("data");
    Files.createDirectories(dataDir);
    Path link = Files.createSymbolicLink(dir.resolve("link"), dataDir);
    try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
      assertThatThrownBy(() -> DataDirLock.acquire(link))
          .isInstanceOfSatisfying(DataDirInUseException.class, e -> {
            assertThat(e.holder()).isEqualTo(OptionalLong.of(ProcessHandle.current().pid()));
            assertThat(e.lockFile()).isEqualTo(link.resolve("lock"));
          })
          .hasMessage("data directory " + link + " is in use by process " + ProcessHandle.current().pid()
              + " (" + link.resolve("lock") + ")");
      // The refused attempt left the first lock as it was.
      assertThat(Files.readString(dataDir.resolve("lock"))).isEqualTo(ProcessHandle.current().pid() + "\n");
    }
    try (DataDirLock again = DataDirLock.acquire(link)) {
      assertThat(Files.readString(dataDir.resolve("lock"))).isNotEmpty();
    }
  }
}
