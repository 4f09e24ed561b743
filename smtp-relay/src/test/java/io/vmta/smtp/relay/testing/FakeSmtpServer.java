package io.vmta.smtp.relay.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SelfSignedCertificate;
import io.vmta.smtp.core.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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

  private Reply greeting = Reply.of(220, null, "fake.test ESMTP");
  private boolean rejectEhlo;
  private boolean pipelining;
  private long size = -1;
  private boolean eightBitMime;
  private boolean smtputf8;
  private boolean startTls;
  private String injectAfterStartTls = "";
  private boolean implicitTls;
  private String authUser;
  private String authPassword;
  private String authMechanisms;
  private Reply mailReply = Reply.of(250, "2.1.0", "Ok");
  private final Map<String, Reply> rcptReplies = new HashMap<>();
  private Reply dataReply = Reply.of(354, null, "End data with <CR><LF>.<CR><LF>");
  private Reply endReply = Reply.of(250, "2.0.0", "Ok: queued");
  private String dropOn = "";
  private String silentOn = "";
  private boolean holdRepliesUntilData;

  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final List<String> commandsOverTls = new CopyOnWriteArrayList<>();
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private NetServer server;

  public FakeSmtpServer greeting(Reply v) { greeting = v; return this; }
  /** Answer EHLO with 502, so that the client falls back to HELO. */
  public FakeSmtpServer rejectEhlo() { rejectEhlo = true; return this; }
  public FakeSmtpServer pipelining() { pipelining = true; return this; }
  /** Offer SIZE with this limit; 0 for no fixed limit. */
  public FakeSmtpServer size(long v) { size = v; return this; }
  public FakeSmtpServer eightBitMime() { eightBitMime = true; return this; }
  public FakeSmtpServer smtputf8() { smtputf8 = true; return this; }
  public FakeSmtpServer startTls() { startTls = true; return this; }
  /** Offer STARTTLS and send {@code text} in plaintext right behind the 220 (an injection). */
  public FakeSmtpServer startTlsInjecting(String text) { startTls = true; injectAfterStartTls = text; return this; }
  public FakeSmtpServer implicitTls() { implicitTls = true; return this; }
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
  /** The verbs of {@link #commands()}, upper case. */
  public List<String> verbs() { return commands.stream().map(FakeSmtpServer::verb).toList(); }
  /** Every message received, in order. */
  public List<Message> messages() { return List.copyOf(messages); }
  /** How many connections were accepted. */
  public int connections() { return connections.get(); }

  /** Listens on 127.0.0.1 on a free port. */
  public Future<FakeSmtpServer> start(Vertx vertx) {
    server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0)
        .setKeyCertOptions(CERT.keyCertOptions()).setSsl(implicitTls));
    server.connectHandler(socket -> {
      connections.incrementAndGet();
      new Session(socket).start();
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

  private static String verb(String line) {
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

  /** One connection's state. */
  private final class Session {
    private final NetSocket socket;
    private Buffer input = Buffer.buffer();
    private boolean tls = implicitTls;
    private boolean inData;
    private int scanFrom;
    private int accepted;
    private String authStep;
    private String loginUser;
    private boolean holding;
    private final StringBuilder held = new StringBuilder();

    Session(NetSocket socket) {
      this.socket = socket;
    }

    void start() {
      socket.handler(this::onData);
      socket.write(greeting.format(true));
    }

    private void onData(Buffer chunk) {
      input.appendBuffer(chunk);
      int pos = 0;
      while (pos < input.length()) {
        int next = inData ? endOfData(pos) : endOfLine(pos);
        if (next < 0) {
          break;
        }
        if (inData) {
          pos = finishData(pos, next);
        } else {
          String line = input.getString(pos, next, StandardCharsets.UTF_8.name());
          pos = next + 2;
          if (!command(line)) {
            return;
          }
        }
      }
      if (pos > 0) {
        input = input.getBuffer(pos, input.length());
        scanFrom = Math.max(0, scanFrom - pos);
      }
    }

    private int endOfLine(int from) {
      for (int i = from; i + 1 < input.length(); i++) {
        if (input.getByte(i) == '\r' && input.getByte(i + 1) == '\n') {
          return i;
        }
      }
      return -1;
    }

    /** The index of the final ".\r\n" of the data starting at {@code from}, or -1. */
    private int endOfData(int from) {
      if (matches(from, ".\r\n")) {
        return from;
      }
      for (int i = Math.max(from, scanFrom); i + 4 < input.length(); i++) {
        if (input.getByte(i) == '\r' && matches(i, "\r\n.\r\n")) {
          return i + 2;
        }
      }
      scanFrom = Math.max(from, input.length() - 4);
      return -1;
    }

    private boolean matches(int at, String ascii) {
      if (at + ascii.length() > input.length()) {
        return false;
      }
      for (int i = 0; i < ascii.length(); i++) {
        if (input.getByte(at + i) != ascii.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    private int finishData(int from, int dot) {
      Buffer raw = input.getBuffer(from, dot);
      messages.add(new Message(raw, unstuff(raw)));
      inData = false;
      scanFrom = 0;
      accepted = 0;
      if (dropOn.equals("DOT")) {
        socket.close();
      } else if (!silentOn.equals("DOT")) {
        reply(endReply);
      }
      return dot + 3;
    }

    /** Handles one command line; false when the session stops reading this input. */
    private boolean command(String line) {
      commands.add(line);
      if (tls) {
        commandsOverTls.add(line);
      }
      if (authStep != null) {
        authStep(line);
        return true;
      }
      String verb = verb(line);
      if (verb.equals(dropOn)) {
        socket.close();
        return false;
      }
      if (verb.equals(silentOn)) {
        return true;
      }
      switch (verb) {
        case "EHLO" -> reply(rejectEhlo ? Reply.of(502, "5.5.1", "EHLO not implemented") : ehloReply());
        case "HELO" -> reply(Reply.of(250, null, "fake.test"));
        case "STARTTLS" -> {
          if (!startTls || tls) {
            reply(Reply.of(454, "4.7.0", "TLS not available"));
            return true;
          }
          input = Buffer.buffer();
          socket.upgradeToSsl(Buffer.buffer("220 2.0.0 Ready to start TLS\r\n" + injectAfterStartTls))
              .onSuccess(v -> tls = true);
          return false;
        }
        case "AUTH" -> auth(line.substring(4).trim());
        case "MAIL" -> {
          holding = holdRepliesUntilData;
          reply(mailReply);
        }
        case "RCPT" -> {
          String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
          Reply r = rcptReplies.getOrDefault(address, Reply.of(250, "2.1.5", "Ok"));
          accepted += r.code() / 100 == 2 ? 1 : 0;
          reply(r);
        }
        case "DATA" -> {
          holding = false;
          Reply r = accepted == 0 ? Reply.of(554, "5.5.1", "Error: no valid recipients") : dataReply;
          inData = r.code() == 354;
          reply(r);
        }
        case "RSET" -> {
          accepted = 0;
          reply(Reply.of(250, "2.0.0", "Ok"));
        }
        case "NOOP" -> reply(Reply.of(250, "2.0.0", "Ok"));
        case "QUIT" -> {
          reply(Reply.of(221, "2.0.0", "Bye"));
          socket.close();
          return false;
        }
        default -> reply(Reply.of(502, "5.5.2", "Error: command not recognized"));
      }
      return true;
    }

    private Reply ehloReply() {
      List<String> lines = new ArrayList<>(List.of("fake.test", "ENHANCEDSTATUSCODES"));
      if (pipelining) {
        lines.add("PIPELINING");
      }
      if (size >= 0) {
        lines.add("SIZE " + size);
      }
      if (eightBitMime) {
        lines.add("8BITMIME");
      }
      if (smtputf8) {
        lines.add("SMTPUTF8");
      }
      if (startTls && !tls) {
        lines.add("STARTTLS");
      }
      if (authUser != null) {
        lines.add("AUTH " + authMechanisms);
      }
      return new Reply(250, null, lines);
    }

    private void auth(String args) {
      String[] words = args.split(" ");
      switch (words[0].toUpperCase(Locale.ROOT)) {
        case "PLAIN" -> {
          if (words.length > 1) {
            checkPlain(words[1]);
          } else {
            authStep = "PLAIN";
            reply(Reply.of(334, null, ""));
          }
        }
        case "LOGIN" -> {
          authStep = "USER";
          reply(Reply.of(334, null, "VXNlcm5hbWU6"));
        }
        default -> reply(Reply.of(504, "5.5.4", "Unrecognized authentication type"));
      }
    }

    private void authStep(String line) {
      String step = authStep;
      authStep = null;
      switch (step) {
        case "PLAIN" -> checkPlain(line);
        case "USER" -> {
          loginUser = decode(line);
          authStep = "PASSWORD";
          reply(Reply.of(334, null, "UGFzc3dvcmQ6"));
        }
        default -> authResult(authUser.equals(loginUser) && authPassword.equals(decode(line)));
      }
    }

    private void checkPlain(String response) {
      authResult(("\0" + authUser + "\0" + authPassword).equals(decode(response)));
    }

    private void authResult(boolean ok) {
      reply(ok ? Reply.of(235, "2.7.0", "Authentication successful")
          : Reply.of(535, "5.7.8", "Error: authentication failed"));
    }

    private String decode(String base64) {
      try {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return "";
      }
    }

    private void reply(Reply r) {
      held.append(r.format(true));
      if (!holding) {
        socket.write(held.toString());
        held.setLength(0);
      }
    }
  }
}
