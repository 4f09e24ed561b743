package io.vmta.mailauth.testing;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The sockets of {@link FakeDnsServer}: a UDP socket and a TCP listener on the same port of
 * 127.0.0.1, each served by its own daemon thread, DNS over TCP framed by a two-octet length
 * (RFC 1035 section 4.2.2).
 */
final class FakeDnsTransport implements AutoCloseable {

  private static final int BIND_ATTEMPTS = 20;

  private final UnaryOperator<Message> responder;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final List<DatagramPacket> held = new ArrayList<>();
  private boolean holding;
  private volatile boolean truncateUdp;

  FakeDnsTransport(UnaryOperator<Message> responder) throws IOException {
    this.responder = responder;
    InetAddress loopback = InetAddress.getLoopbackAddress();
    DatagramSocket datagrams = null;
    ServerSocket listener = null;
    for (int attempt = 1; listener == null; attempt++) {
      datagrams = new DatagramSocket(new InetSocketAddress(loopback, 0));
      try {
        listener = new ServerSocket(datagrams.getLocalPort(), 50, loopback);
      } catch (BindException e) {
        // The TCP port of that number is taken: try another free UDP port.
        datagrams.close();
        if (attempt == BIND_ATTEMPTS) {
          throw e;
        }
      }
    }
    udp = datagrams;
    tcp = listener;
    start("fake-dns-udp", this::serveUdp);
    start("fake-dns-tcp", this::serveTcp);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
  }

  void truncateUdp(boolean truncate) {
    truncateUdp = truncate;
  }

  synchronized void hold() {
    holding = true;
  }

  void release() {
    List<DatagramPacket> pending;
    synchronized (this) {
      holding = false;
      pending = new ArrayList<>(held);
      held.clear();
    }
    for (DatagramPacket packet : pending) {
      send(packet);
    }
  }

  @Override
  public void close() {
    udp.close();
    try {
      tcp.close();
      for (Socket socket : connections) {
        socket.close();
      }
    } catch (IOException e) {
      // Closing is all that is wanted.
    }
    for (Thread thread : threads) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void start(String name, Runnable loop) {
    Thread thread = new Thread(loop, name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  private void serveUdp() {
    byte[] buffer = new byte[65_535];
    while (!udp.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        return;
      }
      byte[] wire = respond(Arrays.copyOf(packet.getData(), packet.getLength()), true);
      if (wire != null) {
        DatagramPacket answer = new DatagramPacket(wire, wire.length, packet.getSocketAddress());
        synchronized (this) {
          if (holding) {
            held.add(answer);
            continue;
          }
        }
        send(answer);
      }
    }
  }

  private void send(DatagramPacket packet) {
    try {
      udp.send(packet);
    } catch (IOException e) {
      // The socket was closed under us: the test is over.
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      Socket socket;
      try {
        socket = tcp.accept();
      } catch (IOException e) {
        return;
      }
      // dnsjava keeps a connection open for more queries: serve each on its own thread.
      connections.add(socket);
      start("fake-dns-tcp-connection", () -> serveConnection(socket));
    }
  }

  private void serveConnection(Socket socket) {
    try (socket) {
      answerStream(socket);
    } catch (IOException e) {
      // The client went away, or close() closed the socket.
    } finally {
      connections.remove(socket);
    }
  }

  private void answerStream(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    while (true) {
      int length;
      try {
        length = in.readUnsignedShort();
      } catch (EOFException e) {
        return;
      }
      byte[] query = new byte[length];
      in.readFully(query);
      byte[] wire = respond(query, false);
      if (wire != null) {
        out.writeShort(wire.length);
        out.write(wire);
        out.flush();
      }
    }
  }

  /** The wire form of the answer, or null for none (a silent script or an unreadable query). */
  private byte[] respond(byte[] query, boolean overUdp) {
    Message message;
    try {
      message = new Message(query);
    } catch (IOException e) {
      return null;
    }
    Message response = responder.apply(message);
    if (response == null) {
      return null;
    }
    if (overUdp && truncateUdp) {
      for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
        response.removeAllRecords(section);
      }
      response.getHeader().setFlag(Flags.TC);
    }
    byte[] wire = response.toWire();
    // RFC 6891 section 6.2.5: an answer larger than the client's UDP payload size is truncated.
    int limit = message.getOPT() == null ? 512 : Math.max(512, message.getOPT().getPayloadSize());
    if (overUdp && wire.length > limit) {
      for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
        response.removeAllRecords(section);
      }
      response.getHeader().setFlag(Flags.TC);
      wire = response.toWire();
    }
    return wire;
  }
}
