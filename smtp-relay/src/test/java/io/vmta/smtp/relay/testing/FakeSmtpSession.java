package io.vmta.smtp.relay.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vmta.smtp.core.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** One connection to the {@link FakeSmtpServer}: plays its script and records what arrives. */
final class FakeSmtpSession {

  private final FakeSmtpServer script;
  private final NetSocket socket;
  private Buffer input = Buffer.buffer();
  private boolean tls;
  private boolean inData;
  private int scanFrom;
  private int accepted;
  private String authStep;
  private String loginUser;
  private boolean holding;
  private final StringBuilder held = new StringBuilder();

  FakeSmtpSession(FakeSmtpServer script, NetSocket socket) {
    this.script = script;
    this.socket = socket;
    this.tls = script.implicitTls;
  }

  void start() {
    socket.handler(this::onData);
    socket.write(script.greeting.format(true));
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
    script.messages.add(new FakeSmtpServer.Message(raw, FakeSmtpServer.unstuff(raw)));
    inData = false;
    scanFrom = 0;
    accepted = 0;
    if (script.dropOn.equals("DOT")) {
      socket.close();
    } else if (!script.silentOn.equals("DOT")) {
      reply(script.endReply);
    }
    return dot + 3;
  }

  /** Handles one command line; false when the session stops reading this input. */
  private boolean command(String line) {
    script.commands.add(line);
    if (tls) {
      script.commandsOverTls.add(line);
    }
    if (authStep != null) {
      authStep(line);
      return true;
    }
    String verb = FakeSmtpServer.verb(line);
    if (verb.equals(script.dropOn)) {
      socket.close();
      return false;
    }
    if (verb.equals(script.silentOn)) {
      return true;
    }
    switch (verb) {
      case "EHLO" -> reply(script.rejectEhlo ? Reply.of(502, "5.5.1", "EHLO not implemented") : ehloReply());
      case "HELO" -> reply(Reply.of(250, null, "fake.test"));
      case "STARTTLS" -> {
        if (!script.startTls || tls) {
          reply(Reply.of(454, "4.7.0", "TLS not available"));
          return true;
        }
        input = Buffer.buffer();
        if (script.brokenTls) {
          reply(Reply.of(220, "2.0.0", "Ready to start TLS"));
          socket.handler(junk -> socket.write("this is not TLS\r\n").eventually(socket::close));
          return false;
        }
        socket.upgradeToSsl(Buffer.buffer("220 2.0.0 Ready to start TLS\r\n" + script.injectAfterStartTls))
            .onSuccess(v -> tls = true);
        return false;
      }
      case "AUTH" -> auth(line.substring(4).trim());
      case "MAIL" -> {
        holding = script.holdRepliesUntilData;
        reply(script.mailReply);
      }
      case "RCPT" -> {
        String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
        Reply r = script.rcptReplies.getOrDefault(address, Reply.of(250, "2.1.5", "Ok"));
        accepted += r.code() / 100 == 2 ? 1 : 0;
        reply(r);
      }
      case "DATA" -> {
        holding = false;
        Reply r = accepted == 0 ? Reply.of(554, "5.5.1", "Error: no valid recipients") : script.dataReply;
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
    if (script.pipelining) {
      lines.add("PIPELINING");
    }
    if (script.size >= 0) {
      lines.add("SIZE " + script.size);
    }
    if (script.eightBitMime) {
      lines.add("8BITMIME");
    }
    if (script.smtputf8) {
      lines.add("SMTPUTF8");
    }
    if (script.startTls && !tls) {
      lines.add("STARTTLS");
    }
    if (script.authUser != null) {
      lines.add("AUTH " + script.authMechanisms);
    }
    if (script.requireTls && tls) {
      lines.add("REQUIRETLS");
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
      default -> authResult(script.authUser.equals(loginUser) && script.authPassword.equals(decode(line)));
    }
  }

  private void checkPlain(String response) {
    authResult(("\0" + script.authUser + "\0" + script.authPassword).equals(decode(response)));
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
