package io.vmta.smtp.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The users file: one {@code address:hash} line per user, where the hash comes from
 * {@link PasswordHashes#hash}; {@code #} comments and blank lines are ignored.
 *
 * <p>Addresses are lower-cased. Error messages name the source, the line and the problem, and
 * never contain a hash (nor the text of a line that has no ':', which may be a stray secret).
 * Instances are immutable.
 */
public final class UsersFile {

  private static final UsersFile EMPTY = new UsersFile("(empty)", Map.of());

  private final String source;
  private final Map<String, String> hashes;

  private UsersFile(String source, Map<String, String> hashes) {
    this.source = source;
    this.hashes = hashes;
  }

  /** A users file with no users. */
  public static UsersFile empty() {
    return EMPTY;
  }

  /** Reads and parses a UTF-8 users file (blocking: run on a worker). */
  public static UsersFile load(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read users file " + path + ": " + e, e);
    }
    return parse(text, path.toString());
  }

  /**
   * Parses the text of a users file; {@code sourceName} names it in error messages.
   *
   * @throws IllegalArgumentException naming the source, the line number and the problem
   */
  public static UsersFile parse(String text, String sourceName) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sourceName, "sourceName");
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    Map<String, String> hashes = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw error(sourceName, lineNo, "expected address:hash");
      }
      String address = line.substring(0, colon);
      String hash = line.substring(colon + 1);
      String problem = addressProblem(address);
      if (problem != null) {
        throw error(sourceName, lineNo, "invalid address: " + problem);
      }
      address = address.toLowerCase(Locale.ROOT);
      if (hash.isEmpty()) {
        throw error(sourceName, lineNo, "missing hash after ':' for " + address);
      }
      if (!PasswordHashes.isWellFormed(hash)) {
        throw error(sourceName, lineNo, "the hash for " + address
            + " is not a $pbkdf2$ hash as printed by hash-password");
      }
      Integer previous = firstLine.putIfAbsent(address, lineNo);
      if (previous != null) {
        throw error(sourceName, lineNo,
            "duplicate address " + address + " (first on line " + previous + ")");
      }
      hashes.put(address, hash);
    }
    return new UsersFile(sourceName, Collections.unmodifiableMap(hashes));
  }

  /** The addresses of all users, lower-cased, in file order. */
  public Set<String> addresses() {
    return hashes.keySet();
  }

  /** The stored hash of a user, looked up case-insensitively. */
  public Optional<String> hashOf(String address) {
    return address == null
        ? Optional.empty()
        : Optional.ofNullable(hashes.get(address.toLowerCase(Locale.ROOT)));
  }

  /** Tells whether a user exists, case-insensitively. */
  public boolean contains(String address) {
    return hashOf(address).isPresent();
  }

  /** The number of users. */
  public int size() {
    return hashes.size();
  }

  /** Names the source and the number of users; never the hashes. */
  @Override
  public String toString() {
    return "UsersFile[" + source + ", " + hashes.size() + " users]";
  }

  private static String addressProblem(String address) {
    if (address.isEmpty()) {
      return "empty";
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
        return "contains whitespace or a control character";
      }
    }
    int at = address.indexOf('@');
    if (at < 0 || at != address.lastIndexOf('@')) {
      return "needs exactly one '@'";
    }
    if (at == 0 || at == address.length() - 1) {
      return "needs a local part and a domain around the '@'";
    }
    return null;
  }

  private static IllegalArgumentException error(String source, int line, String problem) {
    return new IllegalArgumentException(source + ":" + line + ": " + problem);
  }
}
