package io.vmta.mta;

import io.vmta.smtp.auth.PasswordHashes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code hash-password}: reads a password from the first line of standard input and prints the
 * hash to put after {@code address:} in the users file.
 */
public final class HashPasswordCommand {

  /** Exit status on success. */
  public static final int OK = 0;
  /** Exit status when standard input cannot be read. */
  public static final int IO_ERROR = 1;
  /** Exit status when no password was given. */
  public static final int USAGE = 2;

  /** The usage of this command. */
  static final String USAGE_TEXT = String.join("\n",
      "usage: java -jar mta.jar hash-password",
      "",
      "  Reads a password from the first line of standard input and prints its hash, to put after",
      "  \"address:\" in the users file. The password never goes on the command line:",
      "    printf '%s\\n' \"$PASSWORD\" | java -jar mta.jar hash-password",
      "",
      Cli.EXIT_STATUS);

  private HashPasswordCommand() {}

  /**
   * Runs the command: the first line of {@code in} (UTF-8, CR/LF stripped) is the password; the
   * hash goes to {@code out}, problems to {@code err}; returns the exit status.
   */
  public static int run(InputStream in, PrintStream out, PrintStream err) {
    String password;
    try {
      password = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      err.println("hash-password: cannot read standard input: " + e.getMessage());
      return IO_ERROR;
    }
    if (password == null || password.isEmpty()) {
      err.println("hash-password: no password given; write it as the first line of standard input,"
          + " e.g. printf '%s\\n' \"$PASSWORD\" | java -jar mta.jar hash-password");
      return USAGE;
    }
    out.println(PasswordHashes.hash(password));
    out.flush();
    return OK;
  }
}
