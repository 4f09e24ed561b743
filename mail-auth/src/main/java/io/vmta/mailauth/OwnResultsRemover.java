package io.vmta.mailauth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Removes the {@code Authentication-Results} fields that claim one authserv-id from a message's
 * header section (RFC 8601 5), copying everything else byte for byte. One pass over the header.
 */
final class OwnResultsRemover {

  private static final byte[] NAME = "authentication-results".getBytes(StandardCharsets.US_ASCII);

  private OwnResultsRemover() {
  }

  static byte[] remove(byte[] message, String authservId) {
    String ours = authservId.strip();
    byte[] out = null;
    int outLength = 0;
    int copiedUpTo = 0;
    int i = 0;
    int n = message.length;
    while (i < n) {
      if (i + 1 < n && message[i] == '\r' && message[i + 1] == '\n') {
        break; // the empty line: the body follows
      }
      int end = fieldEnd(message, i);
      if (isOurs(message, i, end, ours)) {
        if (out == null) {
          out = new byte[n];
        }
        System.arraycopy(message, copiedUpTo, out, outLength, i - copiedUpTo);
        outLength += i - copiedUpTo;
        copiedUpTo = end;
      }
      i = end;
    }
    if (out == null) {
      return message;
    }
    System.arraycopy(message, copiedUpTo, out, outLength, n - copiedUpTo);
    return Arrays.copyOf(out, outLength + n - copiedUpTo);
  }

  /** The offset after the CRLF that ends the field starting at {@code start} (its continuations too). */
  private static int fieldEnd(byte[] m, int start) {
    int i = start;
    int n = m.length;
    while (i < n) {
      if (m[i] == '\r' && i + 1 < n && m[i + 1] == '\n') {
        i += 2;
        if (i >= n || (m[i] != ' ' && m[i] != '\t')) {
          return i;
        }
      } else {
        i++;
      }
    }
    return n;
  }

  /** Whether the field in {@code [start, end)} is Authentication-Results with our authserv-id. */
  private static boolean isOurs(byte[] m, int start, int end, String ours) {
    if (end - start <= NAME.length) {
      return false;
    }
    for (int k = 0; k < NAME.length; k++) {
      byte b = m[start + k];
      if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != NAME[k]) {
        return false;
      }
    }
    int i = start + NAME.length;
    while (i < end && (m[i] == ' ' || m[i] == '\t')) {
      i++;
    }
    if (i >= end || m[i] != ':') {
      return false;
    }
    i = skipCfws(m, i + 1, end);
    String id = i < end && m[i] == '"' ? quoted(m, i + 1, end) : token(m, i, end);
    return id != null && id.equalsIgnoreCase(ours);
  }

  /** Skips white space, line folds and (nested) comments. */
  private static int skipCfws(byte[] m, int i, int end) {
    int depth = 0;
    while (i < end) {
      byte b = m[i];
      if (depth > 0 && b == '\\') {
        i += 2;
        continue;
      }
      if (b == '(') {
        depth++;
      } else if (b == ')' && depth > 0) {
        depth--;
      } else if (depth == 0 && b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return i;
      }
      i++;
    }
    return end;
  }

  /** An RFC 2045 token starting at {@code i}, or null when empty. */
  private static String token(byte[] m, int i, int end) {
    int s = i;
    while (i < end && m[i] > ' ' && m[i] < 0x7f && "()<>@,;:\\\"/[]?=".indexOf(m[i]) < 0) {
      i++;
    }
    return i == s ? null : new String(m, s, i - s, StandardCharsets.ISO_8859_1);
  }

  /** The content of a quoted-string whose opening quote is before {@code i}, or null if unclosed. */
  private static String quoted(byte[] m, int i, int end) {
    StringBuilder id = new StringBuilder();
    while (i < end) {
      byte b = m[i];
      if (b == '"') {
        return id.toString();
      }
      if (b == '\\' && i + 1 < end) {
        i++;
        b = m[i];
      }
      if (b != '\r' && b != '\n') {
        id.append((char) (b & 0xff));
      }
      i++;
    }
    return null;
  }
}
