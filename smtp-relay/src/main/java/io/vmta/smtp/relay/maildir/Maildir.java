package io.vmta.smtp.relay.maildir;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Local delivery into Maildir folders (https://cr.yp.to/proto/maildir.html): write in tmp/, fsync,
 * link into new/ (never overwriting), unlink the tmp/ name, fsync new/. All file work runs on worker
 * threads; a mailbox that cannot be written gives a failed future, so the queue retries.
 *
 * <p>The mailbox of {@code Local@Example.TEST} is {@code <root>/example.test/local}: domains are
 * case-insensitive, and local parts of our own users are treated case-insensitively too, so the
 * directory name is the lower-cased local part.
 */
public final class Maildir {

  private static final Logger LOG = LoggerFactory.getLogger(Maildir.class);
  private static final AtomicLong COUNTER = new AtomicLong();
  /** The empty file that marks a Maildir++ subfolder (Courier, Dovecot). */
  static final String FOLDER_MARKER = "maildirfolder";
  /** The folder a quarantined message goes to, as Dovecot names it. */
  public static final String JUNK = "Junk";
  private static final long PID = ProcessHandle.current().pid();
  private static volatile String host;

  private final Vertx vertx;
  private final Path root;

  /** Maildir folders under {@code root}, normally {@code <dataDir>/mail}. */
  public Maildir(Vertx vertx, Path root) {
    this.vertx = vertx;
    this.root = root.toAbsolutePath().normalize();
  }

  /** Delivers into {@code <root>/<domain>/<local-part>/new}; completes after the file and new/ are fsynced, with the file name. */
  public Future<String> deliver(String domain, String localPart, Buffer content) {
    return deliver(domain, localPart, null, content);
  }

  /**
   * Delivers into the Maildir++ folder {@code folder} of the mailbox ({@code <mailbox>/.<folder>/new},
   * as Dovecot and Courier lay folders out, with their {@code maildirfolder} marker), or into the
   * inbox when {@code folder} is null.
   */
  public Future<String> deliver(String domain, String localPart, String folder, Buffer content) {
    Path box;
    try {
      box = folder == null ? mailboxPath(domain, localPart)
          : mailboxPath(domain, localPart).resolve("." + folder(folder));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> write(box, folder != null, content), false)
        .onFailure(e -> LOG.warn("maildir {}: delivery failed: {}", box, e.toString()));
  }

  /** The mailbox directory of this address; throws IllegalArgumentException for unsafe names. */
  public Path mailboxPath(String domain, String localPart) {
    Path box = root.resolve(component(domain, "domain")).resolve(component(localPart, "local part"));
    if (!box.normalize().startsWith(root) || box.getNameCount() != root.getNameCount() + 2) {
      throw new IllegalArgumentException("mailbox outside the mail root");
    }
    return box;
  }

  /** A folder name as written (Maildir++ folder names keep their case), checked like the others. */
  private static String folder(String name) {
    component(name, "folder");
    return name;
  }

  private static String component(String value, String what) {
    if (value == null || value.isEmpty() || value.indexOf('/') >= 0 || value.indexOf('\0') >= 0
        || value.startsWith(".")) {
      throw new IllegalArgumentException("unsafe " + what + " for a mailbox name");
    }
    return value.toLowerCase(Locale.ROOT);
  }

  private String write(Path box, boolean subfolder, Buffer content) throws IOException {
    Path tmp = box.resolve("tmp");
    Path fresh = box.resolve("new");
    ensureDir(tmp);
    ensureDir(fresh);
    ensureDir(box.resolve("cur"));
    if (subfolder) {
      // A Maildir++ folder lives inside a Maildir: make the inbox too, as a reader expects it.
      for (String sub : new String[] {"tmp", "new", "cur"}) {
        ensureDir(box.getParent().resolve(sub));
      }
    }
    if (subfolder && !Files.exists(box.resolve(FOLDER_MARKER))) {
      try {
        Files.createFile(box.resolve(FOLDER_MARKER));
      } catch (FileAlreadyExistsException raced) {
        // Another delivery made it first.
      }
    }
    String name = uniqueName();
    Path tmpFile = tmp.resolve(name);
    try {
      try (FileChannel ch = FileChannel.open(tmpFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes());
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        ch.force(true);
      }
      try {
        Files.createLink(fresh.resolve(name), tmpFile);
        Files.delete(tmpFile);
      } catch (UnsupportedOperationException noHardLinks) {
        Files.move(tmpFile, fresh.resolve(name));
      }
      fsync(fresh);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmpFile);
      throw e;
    }
    LOG.debug("maildir {}: delivered {} ({} bytes)", box, name, content.length());
    return name;
  }

  /** Creates the directory and missing parents under the root, fsyncing each parent that changed. */
  private void ensureDir(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    ensureDir(dir.getParent());
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException raced) {
      if (!Files.isDirectory(dir)) {
        throw raced;
      }
      return;
    }
    fsync(dir.getParent());
  }

  private static void fsync(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** {@code <seconds>.M<micros>P<pid>Q<counter>R<random hex>.<hostname>}, unique per the Maildir convention. */
  static String uniqueName() {
    Instant now = Instant.now();
    return now.getEpochSecond() + ".M" + now.getNano() / 1000 + "P" + PID + "Q" + COUNTER.incrementAndGet()
        + "R" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "." + hostname();
  }

  /** The host name with "/" and ":" written as \057 and \072, as the Maildir convention asks. */
  static String escapeHost(String name) {
    return name.replace("/", "\\057").replace(":", "\\072");
  }

  private static String hostname() {
    String h = host;
    if (h == null) {
      try {
        h = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        h = "localhost";
      }
      h = escapeHost(h);
      host = h;
    }
    return h;
  }
}
