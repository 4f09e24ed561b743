package io.vmta.smtp.server.testing;

import io.vmta.smtp.server.ListenerMode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One dialogue test file parsed: the server it needs (header lines starting with {@code @}) and
 * the steps to play over a socket. The format is described in
 * {@code src/test/resources/transcripts/README.md}; a malformed file throws
 * IllegalArgumentException naming the file and line.
 */
public record Transcript(String name, Header header, List<Step> steps) {

  /**
   * The server configuration a transcript needs.
   *
   * @param listeners  the listener modes, in order; the first is where the dialogue starts
   * @param trusted    whether the test client's address is in the trusted networks
   * @param users      login to password; when any, the server offers AUTH and they are its local users
   * @param aliases    aliases added to the fixture's
   * @param settings   option setter name (without {@code set}) to value
   * @param queueFails whether the in-memory queue refuses every message
   */
  public record Header(List<ListenerMode> listeners, boolean trusted, Map<String, String> users,
                       Map<String, List<String>> aliases, Map<String, String> settings, boolean queueFails) {
  }

  /** One thing to do or to check, with the line it comes from. */
  public sealed interface Step {
    /** The 1-based line of the file. */
    int line();
  }

  /** Write these bytes in one write. */
  public record Send(int line, byte[] bytes) implements Step {
  }

  /** The next reply line must equal {@code text}, or start with it when {@code prefix}. */
  public record ExpectLine(int line, String text, boolean prefix) implements Step {
  }

  /** Read a whole (possibly multi-line) reply; its last line must start with {@code prefix}. */
  public record ExpectReply(int line, String prefix) implements Step {
  }

  /** The server must close the connection without sending anything more. */
  public record Closed(int line) implements Step {
  }

  /** The client side of the TLS handshake, after STARTTLS's 220. */
  public record Tls(int line) implements Step {
  }

  /** Close the connection and open a new one to the first listener of {@code mode}. */
  public record Connect(int line, ListenerMode mode) implements Step {
  }

  /** The queue received a message with these envelope fields ({@code from}, {@code to}, {@code auth}, ...). */
  public record Queued(int line, Map<String, String> fields) implements Step {
  }

  /** The last queued message contains {@code text}, or (when {@code body}) is exactly it after the Received header. */
  public record Content(int line, String text, boolean body) implements Step {
  }

  /** Parses the text of a transcript file. */
  public static Transcript parse(String name, String text) {
    List<ListenerMode> listeners = new ArrayList<>();
    boolean trusted = false;
    boolean queueFails = false;
    Map<String, String> users = new LinkedHashMap<>();
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    Map<String, String> settings = new LinkedHashMap<>();
    List<Step> steps = new ArrayList<>();
    ByteArrayOutputStream group = null;
    int groupLine = 0;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int n = i + 1;
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.indexOf(' ');
      String op = space < 0 ? line : line.substring(0, space);
      String arg = space < 0 ? "" : line.substring(space + 1);
      try {
        switch (op) {
          case "@listeners" -> {
            for (String word : words(arg)) {
              listeners.add(ListenerMode.fromJson(word));
            }
          }
          case "@trusted" -> trusted = yes(arg);
          case "@queue" -> {
            if (!arg.equals("fails")) {
              throw new IllegalArgumentException("@queue takes only 'fails'");
            }
            queueFails = true;
          }
          case "@users" -> {
            for (String word : words(arg)) {
              int colon = word.indexOf(':');
              if (colon < 0) {
                throw new IllegalArgumentException("@users wants address:password");
              }
              users.put(word.substring(0, colon), word.substring(colon + 1));
            }
          }
          case "@alias" -> {
            List<String> w = words(arg);
            if (w.size() < 2) {
              throw new IllegalArgumentException("@alias wants an address and its targets");
            }
            aliases.put(w.get(0), w.subList(1, w.size()));
          }
          case "@set" -> {
            for (String word : words(arg)) {
              int eq = word.indexOf('=');
              if (eq < 0) {
                throw new IllegalArgumentException("@set wants name=value");
              }
              settings.put(word.substring(0, eq), word.substring(eq + 1));
            }
          }
          case "{" -> {
            if (group != null) {
              throw new IllegalArgumentException("nested {");
            }
            group = new ByteArrayOutputStream();
            groupLine = n;
          }
          case "}" -> {
            if (group == null) {
              throw new IllegalArgumentException("} without {");
            }
            steps.add(new Send(groupLine, group.toByteArray()));
            group = null;
          }
          case ">", "~>" -> {
            byte[] bytes = unescape(arg, op.equals(">"));
            if (group != null) {
              group.writeBytes(bytes);
            } else {
              steps.add(new Send(n, bytes));
            }
          }
          default -> {
            if (group != null) {
              throw new IllegalArgumentException("only > and ~> inside { }");
            }
            steps.add(step(n, op, arg));
          }
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + ":" + n + ": " + e.getMessage(), e);
      }
    }
    if (group != null) {
      throw new IllegalArgumentException(name + ":" + groupLine + ": { is never closed");
    }
    if (listeners.isEmpty()) {
      listeners.add(ListenerMode.MX);
    }
    return new Transcript(name, new Header(List.copyOf(listeners), trusted, users, aliases, settings, queueFails),
        List.copyOf(steps));
  }

  private static Step step(int n, String op, String arg) {
    return switch (op) {
      case "<" -> new ExpectLine(n, arg, false);
      case "<~" -> new ExpectLine(n, arg, true);
      case "<*" -> new ExpectReply(n, arg);
      case "closed" -> new Closed(n);
      case "tls" -> new Tls(n);
      case "connect" -> new Connect(n, arg.isEmpty() ? null : ListenerMode.fromJson(arg));
      case "queued" -> {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String word : words(arg)) {
          int eq = word.indexOf('=');
          if (eq < 0) {
            throw new IllegalArgumentException("queued wants name=value");
          }
          fields.put(word.substring(0, eq), word.substring(eq + 1));
        }
        yield new Queued(n, fields);
      }
      case "queued-contains" -> new Content(n, new String(unescape(arg, false), StandardCharsets.UTF_8), false);
      case "queued-body" -> new Content(n, new String(unescape(arg, false), StandardCharsets.UTF_8), true);
      default -> throw new IllegalArgumentException("unknown line kind '" + op + "'");
    };
  }

  /**
   * The bytes of {@code text} in UTF-8 with the escapes decoded, CRLF appended when {@code line}:
   * {@code \r \n \0 \t \\ \xHH}, and {@code \{N*text}} for {@code text} (escapes decoded, no braces) repeated N times.
   */
  static byte[] unescape(String text, boolean line) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder plain = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        plain.append(c);
        continue;
      }
      if (i + 1 >= text.length()) {
        throw new IllegalArgumentException("a lone \\ at the end of the line");
      }
      char e = text.charAt(++i);
      switch (e) {
        case 'r' -> plain.append('\r');
        case 'n' -> plain.append('\n');
        case '0' -> plain.append('\0');
        case 't' -> plain.append('\t');
        case '\\' -> plain.append('\\');
        case 'x' -> {
          out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
          plain.setLength(0);
          if (i + 2 >= text.length()) {
            throw new IllegalArgumentException("\\x wants two hex digits");
          }
          out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
          i += 2;
        }
        case '{' -> {
          int close = text.indexOf('}', i);
          int star = text.indexOf('*', i);
          if (close < 0 || star < 0 || star > close) {
            throw new IllegalArgumentException("\\{ wants N*text}");
          }
          String unit = new String(unescape(text.substring(star + 1, close), false), StandardCharsets.UTF_8);
          plain.append(unit.repeat(Integer.parseInt(text.substring(i + 1, star))));
          i = close;
        }
        default -> throw new IllegalArgumentException("unknown escape \\" + e);
      }
    }
    if (line) {
      plain.append("\r\n");
    }
    out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static List<String> words(String text) {
    return text.isBlank() ? List.of() : List.of(text.trim().split(" +"));
  }

  private static boolean yes(String word) {
    return switch (word) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw new IllegalArgumentException("want yes or no, got '" + word + "'");
    };
  }
}
