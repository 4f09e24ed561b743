package io.vmta.smtp.server.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately simple SMTP client over a real blocking socket, for dialogue tests run on the
 * test thread: it writes exactly the bytes it is given and reads replies line by line, so a test
 * can misbehave (pipeline, inject, send bare LFs) as an attacker would.
 */
public final class TestSmtpClient implements AutoCloseable {

  /** A reply as read: the code of its last line and the text of every line. */
  public record Reply(int code, List<String> lines) {
    public String text() {
      return String.join("\n", lines);
    }

    public String last() {
      return lines.get(lines.size() - 1);
    }
  }

  private Socket socket;
  private InputStream in;
  private OutputStream out;

  public TestSmtpClient(String host, int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Connects with implicit TLS (trusting any certificate). */
  public static TestSmtpClient tls(String host, int port) throws IOException {
    TestSmtpClient client = new TestSmtpClient(host, port);
    client.upgrade();
    return client;
  }

  /** Writes raw bytes (a string in UTF-8) without adding anything. */
  public TestSmtpClient send(String raw) throws IOException {
    return sendBytes(raw.getBytes(StandardCharsets.UTF_8));
  }

  public TestSmtpClient sendBytes(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
    return this;
  }

  /** Sends one command line (CRLF added) and reads its reply. */
  public Reply command(String line) throws IOException {
    send(line + "\r\n");
    return read();
  }

  /** Reads one (possibly multi-line) reply. */
  public Reply read() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine();
      if (line == null) {
        throw new IOException("connection closed after " + lines);
      }
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
      }
    }
  }

  /** Whether the server has closed the connection (reads until EOF; fails on any other data). */
  public boolean closedByServer() throws IOException {
    try {
      int b = in.read();
      if (b != -1) {
        throw new IOException("expected the connection to be closed, got more data: " + (char) b + readLine());
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by peer
    }
  }

  /** Everything the server sends until it closes or is silent for {@code millis}. */
  public byte[] drain(int millis) throws IOException {
    socket.setSoTimeout(millis);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try {
      for (int b = in.read(); b != -1; b = in.read()) {
        got.write(b);
      }
    } catch (SocketTimeoutException silent) {
      // nothing more came
    } catch (IOException reset) {
      // closed with a reset
    }
    return got.toByteArray();
  }

  /** STARTTLS's second half: the TLS handshake over the same socket, trusting any certificate. */
  public void upgrade() throws IOException {
    upgrade(tls -> { });
  }

  /** {@link #upgrade()} with the TLS socket set up by {@code configure} first (protocols, suites). */
  public SSLSocket upgrade(java.util.function.Consumer<SSLSocket> configure) throws IOException {
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {new TrustAll()}, null);
      SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(socket,
          socket.getInetAddress().getHostAddress(), socket.getPort(), true);
      tls.setUseClientMode(true);
      configure.accept(tls);
      tls.startHandshake();
      socket = tls;
      in = tls.getInputStream();
      out = tls.getOutputStream();
      return tls;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /** The socket as it is now (the TLS one after {@link #upgrade()}): to write raw bytes. */
  public Socket socket() {
    return socket;
  }

  /** One reply line without its CRLF; null when the server closed the connection first. */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b == -1) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      if (prev == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      prev = b;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
