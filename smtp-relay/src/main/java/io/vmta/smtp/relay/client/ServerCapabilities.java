package io.vmta.smtp.relay.client;

import io.vmta.smtp.core.Reply;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The service extensions a server announced in its EHLO reply (RFC 5321 section 4.1.1.1): one
 * keyword per line after the first, with optional parameters.
 *
 * @param esmtp         whether the server answered EHLO (false after the HELO fallback)
 * @param pipelining    PIPELINING (RFC 2920)
 * @param size          SIZE was announced (RFC 1870)
 * @param maxSize       the SIZE limit in octets; 0 when none is fixed (RFC 1870 section 4)
 * @param eightBitMime  8BITMIME (RFC 6152)
 * @param smtputf8      SMTPUTF8 (RFC 6531)
 * @param startTls      STARTTLS (RFC 3207)
 * @param chunking      CHUNKING (RFC 3030)
 * @param authMechanisms the SASL mechanisms after AUTH (RFC 4954), upper case
 * @param requireTls    REQUIRETLS (RFC 8689 section 2)
 */
public record ServerCapabilities(boolean esmtp, boolean pipelining, boolean size, long maxSize,
    boolean eightBitMime, boolean smtputf8, boolean startTls, boolean chunking,
    Set<String> authMechanisms, boolean requireTls) {

  /** What a server that only answered HELO offers: nothing. */
  public static final ServerCapabilities NONE =
      new ServerCapabilities(false, false, false, 0, false, false, false, false, Set.of(), false);

  /** Copies the mechanisms. */
  public ServerCapabilities {
    authMechanisms = Set.copyOf(authMechanisms);
  }

  /** Without REQUIRETLS. */
  public ServerCapabilities(boolean esmtp, boolean pipelining, boolean size, long maxSize,
      boolean eightBitMime, boolean smtputf8, boolean startTls, boolean chunking, Set<String> authMechanisms) {
    this(esmtp, pipelining, size, maxSize, eightBitMime, smtputf8, startTls, chunking, authMechanisms, false);
  }

  /** Reads the extensions from a positive EHLO reply; unknown keywords are ignored. */
  public static ServerCapabilities fromEhlo(Reply reply) {
    boolean pipelining = false;
    boolean size = false;
    long maxSize = 0;
    boolean eightBit = false;
    boolean utf8 = false;
    boolean tls = false;
    boolean chunking = false;
    boolean requireTls = false;
    Set<String> auth = new LinkedHashSet<>();
    for (String line : reply.lines().subList(1, reply.lines().size())) {
      String[] words = line.trim().toUpperCase(Locale.ROOT).split(" +");
      String keyword = words[0];
      switch (keyword) {
        case "PIPELINING" -> pipelining = true;
        case "SIZE" -> {
          size = true;
          maxSize = words.length > 1 ? parseSize(words[1]) : 0;
        }
        case "8BITMIME" -> eightBit = true;
        case "SMTPUTF8" -> utf8 = true;
        case "STARTTLS" -> tls = true;
        case "CHUNKING" -> chunking = true;
        case "REQUIRETLS" -> requireTls = true;
        case "AUTH" -> auth.addAll(Arrays.asList(words).subList(1, words.length));
        default -> {
          // Some old servers announce "AUTH=PLAIN LOGIN" (before RFC 4954 was final).
          if (keyword.startsWith("AUTH=")) {
            auth.add(keyword.substring(5));
            auth.addAll(Arrays.asList(words).subList(1, words.length));
          }
        }
      }
    }
    auth.remove("");
    return new ServerCapabilities(true, pipelining, size, maxSize, eightBit, utf8, tls, chunking,
        auth, requireTls);
  }

  /** Whether a message of {@code octets} exceeds the announced SIZE limit. */
  public boolean tooBig(long octets) {
    return size && maxSize > 0 && octets > maxSize;
  }

  private static long parseSize(String value) {
    try {
      return Math.max(0, Long.parseLong(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
