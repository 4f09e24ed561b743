import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain SMTP load generator for bench/mail-auth-throughput.sh: SESSIONS connections send one
 * given message file (already in wire form, CRLF lines, no final dot) MESSAGES times in all,
 * MAIL/RCPT/DATA pipelined, and print accepted and refused counts and accepted messages per second.
 * Unlike smtp-source, it sends the file's bytes unchanged, so a DKIM signature in it stays valid.
 *
 * <pre>java bench/SmtpLoad.java HOST PORT SESSIONS MESSAGES FILE SENDER RECIPIENT</pre>
 */
public final class SmtpLoad {

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println("usage: java SmtpLoad.java HOST PORT SESSIONS MESSAGES FILE SENDER RECIPIENT");
      System.exit(64);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int sessions = Integer.parseInt(args[2]);
    int messages = Integer.parseInt(args[3]);
    byte[] body = Files.readAllBytes(Path.of(args[4]));
    String sender = args[5];
    String recipient = args[6];
    byte[] transaction = ("MAIL FROM:<" + sender + ">\r\nRCPT TO:<" + recipient + ">\r\nDATA\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] end = ".\r\n".getBytes(StandardCharsets.US_ASCII);
    AtomicInteger left = new AtomicInteger(messages);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      Thread t = new Thread(() -> {
        try (Socket s = new Socket(host, port)) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
          s.setTcpNoDelay(true);
          OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
          reply(in);
          out.write("EHLO load.bench.test\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          reply(in);
          while (left.getAndDecrement() > 0) {
            out.write(transaction);
            out.flush();
            int mail = reply(in);
            int rcpt = reply(in);
            int data = reply(in);
            if (data != 354) {
              refused.incrementAndGet();
              if (mail == 250) {
                out.write("RSET\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                reply(in);
              }
              continue;
            }
            out.write(body);
            out.write(end);
            out.flush();
            if (reply(in) == 250) {
              accepted.incrementAndGet();
            } else {
              refused.incrementAndGet();
            }
          }
          out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException e) {
          System.err.println("session failed: " + e);
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("accepted=%d refused=%d seconds=%.3f msg/s=%.1f%n", accepted.get(), refused.get(),
        seconds, accepted.get() / seconds);
  }

  /** Reads one (possibly multi-line) reply and returns its code. */
  private static int reply(BufferedReader in) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed");
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    return Integer.parseInt(line.substring(0, 3));
  }
}
