package io.vmta.smtp.relay.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vmta.smtp.core.Reply;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted SMTP server for client tests, on 127.0.0.1 and a free port: configure what it
 * offers and answers with the fluent setters before {@link #start}, then assert on what it
 * received. Not a real server: it checks nothing it is not told to.
 */
public final class FakeSmtpServer {

  /** The certificate for STARTTLS and implicit TLS, made once. */
  private static final SelfSignedCertificate CERT = SelfSignedCertificate.create("fake.test");

  /** One message as it arrived: the wire bytes between 354 and the final dot, and un-stuffed. */
  public record Message(Buffer raw, Buffer content) {
  }

  // The script and the records, read and written by FakeSmtpSession.
  Reply greeting = Reply.of(220, null, "fake.test ESMTP");
  boolean rejectEhlo;
  boolean pipelining;
  long size = -1;
  boolean eightBitMime;
  boolean smtputf8;
  boolean startTls;
  boolean requireTls;
  String injectAfterStartTls = "";
  boolean implicitTls;
  boolean brokenTls;
  String authUser;
  String authPassword;
  String authMechanisms;
  Reply mailReply = Reply.of(250, "2.1.0", "Ok");
  final Map<String, Reply> rcptReplies = new HashMap<>();
  Reply dataReply = Reply.of(354, null, "End data with <CR><LF>.<CR><LF>");
  Reply endReply = Reply.of(250, "2.0.0", "Ok: queued");
  String dropOn = "";
  String silentOn = "";
  boolean holdRepliesUntilData;

  final List<String> commands = new CopyOnWriteArrayList<>();
  final List<String> commandsOverTls = new CopyOnWriteArrayList<>();
  final List<Message> messages = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private io.vertx.core.net.KeyCertOptions keyCert = CERT.keyCertOptions();
  private NetServer server;
  private String bindHost = "127.0.0.1";
  private int bindPort;

  /**
   * Listen on {@code host} and {@code port} instead of 127.0.0.1 and a free port: a second
   * loopback address (127.0.0.2) on the port of another fake server stands for a second MX host,
   * as the relay connects to one port for every host.
   */
  public FakeSmtpServer bind(String host, int port) { bindHost = host; bindPort = port; return this; }
  public FakeSmtpServer greeting(Reply v) { greeting = v; return this; }
  /** Answer EHLO with 502, so that the client falls back to HELO. */
  public FakeSmtpServer rejectEhlo() { rejectEhlo = true; return this; }
  public FakeSmtpServer pipelining() { pipelining = true; return this; }
  /** Offer SIZE with this limit; 0 for no fixed limit. */
  public FakeSmtpServer size(long v) { size = v; return this; }
  public FakeSmtpServer eightBitMime() { eightBitMime = true; return this; }
  public FakeSmtpServer smtputf8() { smtputf8 = true; return this; }
  public FakeSmtpServer startTls() { startTls = true; return this; }
  /** Offer REQUIRETLS (RFC 8689), in the EHLO reply under TLS only, as a real server does. */
  public FakeSmtpServer requireTls() { requireTls = true; return this; }
  /** Offer STARTTLS and send {@code text} in plaintext right behind the 220 (an injection). */
  public FakeSmtpServer startTlsInjecting(String text) { startTls = true; injectAfterStartTls = text; return this; }
  public FakeSmtpServer implicitTls() { implicitTls = true; return this; }
  /** Present this certificate (see {@link TestCa}) instead of the self-signed one for "fake.test". */
  public FakeSmtpServer certificate(io.vertx.core.net.KeyCertOptions v) { keyCert = v; return this; }
  /** Offer STARTTLS, say 220, then answer the TLS handshake with plaintext junk and close. */
  public FakeSmtpServer brokenTls() { startTls = true; brokenTls = true; return this; }
  /** Offer AUTH PLAIN LOGIN and accept these credentials only. */
  public FakeSmtpServer auth(String user, String password) { return auth(user, password, "PLAIN LOGIN"); }
  /** Offer AUTH with these mechanisms (PLAIN and LOGIN understood) and accept these credentials only. */
  public FakeSmtpServer auth(String user, String password, String mechanisms) {
    authUser = user;
    authPassword = password;
    authMechanisms = mechanisms;
    return this;
  }
  public FakeSmtpServer mailReply(Reply v) { mailReply = v; return this; }
  public FakeSmtpServer rcptReply(String address, Reply v) { rcptReplies.put(address, v); return this; }
  public FakeSmtpServer dataReply(Reply v) { dataReply = v; return this; }
  public FakeSmtpServer endReply(Reply v) { endReply = v; return this; }
  /** Close the connection instead of answering {@code verb}; "DOT" is the end of the data. */
  public FakeSmtpServer dropOn(String verb) { dropOn = verb; return this; }
  /** Never answer {@code verb}; "DOT" is the end of the data. */
  public FakeSmtpServer silentOn(String verb) { silentOn = verb; return this; }
  /** Hold the replies to MAIL and RCPT until DATA arrives: only a pipelining client gets them. */
  public FakeSmtpServer holdRepliesUntilData() { holdRepliesUntilData = true; return this; }

  /** Every command line received, AUTH responses included, in order. */
  public List<String> commands() { return List.copyOf(commands); }
  /** The command lines received over TLS. */
  public List<String> commandsOverTls() { return List.copyOf(commandsOverTls); }
  /**
   * The ESMTP parameters of each MAIL FROM received, upper case, in order: one list per command
   * ({@code [SIZE=42, REQUIRETLS]}).
   */
  public List<List<String>> mailParameters() {
    return commands.stream().filter(c -> verb(c).equals("MAIL")).map(c -> {
      int close = c.indexOf('>');
      String rest = close < 0 ? "" : c.substring(close + 1).trim();
      return rest.isEmpty() ? List.<String>of() : List.of(rest.toUpperCase(Locale.ROOT).split(" +"));
    }).toList();
  }
  /** The verbs of {@link #commands()}, upper case. */
  public List<String> verbs() { return commands.stream().map(FakeSmtpServer::verb).toList(); }
  /** Every message received, in order. */
  public List<Message> messages() { return List.copyOf(messages); }
  /** How many connections were accepted. */
  public int connections() { return connections.get(); }

  /** Listens on 127.0.0.1 on a free port (or as {@link #bind} says). */
  public Future<FakeSmtpServer> start(Vertx vertx) {
    server = vertx.createNetServer(new NetServerOptions().setHost(bindHost).setPort(bindPort)
        .setKeyCertOptions(keyCert).setSsl(implicitTls));
    server.connectHandler(socket -> {
      connections.incrementAndGet();
      new FakeSmtpSession(this, socket).start();
    });
    return server.listen().map(s -> this);
  }

  /** The port listened on. */
  public int port() {
    return server.actualPort();
  }

  /** Stops listening. */
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  static String verb(String line) {
    int space = line.indexOf(' ');
    return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
  }

  /** Removes the dot that RFC 5321 section 4.5.2 put in front of lines starting with one. */
  static Buffer unstuff(Buffer raw) {
    byte[] in = raw.getBytes();
    byte[] out = new byte[in.length];
    int n = 0;
    boolean lineStart = true;
    for (int i = 0; i < in.length; i++) {
      if (!(lineStart && in[i] == '.')) {
        out[n++] = in[i];
      }
      lineStart = in[i] == '\n' && i > 0 && in[i - 1] == '\r';
    }
    return Buffer.buffer().appendBytes(out, 0, n);
  }
}
