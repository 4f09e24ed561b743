package io.vmta.mta;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The data directory is locked by another MTA, in another process or in this JVM: two queues on
 * one spool would deliver each other's messages and overwrite each other's {@code listeners.json}.
 */
public final class DataDirInUseException extends IllegalStateException {

  private final transient Path lockFile;
  private final transient OptionalLong holder;

  /** {@code dataDir} (as configured) is locked through {@code lockFile} by process {@code holder}, if known. */
  public DataDirInUseException(Path dataDir, Path lockFile, OptionalLong holder) {
    super("data directory " + dataDir + " is in use by "
        + (holder.isPresent() ? "process " + holder.getAsLong() : "another process") + " (" + lockFile + ")");
    this.lockFile = lockFile;
    this.holder = holder;
  }

  /** The lock file. */
  public Path lockFile() {
    return lockFile;
  }

  /** The pid of the process holding the lock, when it had written it yet. */
  public OptionalLong holder() {
    return holder;
  }
}
