package io.vmta.smtp.relay.transport;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.queue.Envelope;
import io.vmta.smtp.relay.maildir.Maildir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Delivery into the Maildir of each local recipient; a Maildir that cannot be written defers. */
public final class LocalTransport implements Transport {

  private final Maildir maildir;

  public LocalTransport(Maildir maildir) {
    this.maildir = maildir;
  }

  @Override
  public Future<Map<String, DeliveryResult>> deliver(Envelope envelope, List<String> recipients, Buffer content) {
    List<Future<DeliveryResult>> results = new ArrayList<>();
    for (String rcpt : recipients) {
      int at = rcpt.lastIndexOf('@');
      String folder = envelope.quarantine() ? Maildir.JUNK : null;
      results.add(maildir.deliver(rcpt.substring(at + 1), rcpt.substring(0, at), folder, content)
          .<DeliveryResult>map(name -> new DeliveryResult.Delivered("local", folder == null
              ? "delivered to maildir as " + name : "delivered to maildir folder " + folder + " as " + name))
          .otherwise(e -> new DeliveryResult.Transient("local", "4.3.0", "maildir: " + e.getMessage())));
    }
    return Future.join(results).map(v -> {
      Map<String, DeliveryResult> out = new LinkedHashMap<>();
      for (int i = 0; i < recipients.size(); i++) {
        out.put(recipients.get(i), results.get(i).result());
      }
      return out;
    });
  }
}
