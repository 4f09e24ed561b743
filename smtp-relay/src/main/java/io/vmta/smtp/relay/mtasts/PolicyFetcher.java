package io.vmta.smtp.relay.mtasts;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import io.vmta.mailauth.dns.DnsAnswer;
import io.vmta.mailauth.dns.DnsClient;
import io.vmta.smtp.relay.client.PeerVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Fetches the policy body of a domain from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * (RFC 8461 section 3.3) with Vert.x's HTTP client: the host's address through the relay's DNS
 * client (A, else AAAA), TLS verified during the handshake (the JDK's trust store and
 * {@code relay.tls.caFile}, the name {@code mta-sts.<domain>} checked), no redirect followed (a
 * 3xx is a failure), no HTTP cache, a {@code text/plain} body of at most {@link #MAX_BODY} bytes,
 * all of it within a timeout. Any failure fails the future with a one-line reason.
 */
final class PolicyFetcher {

  /** The largest policy body read (RFC 8461 section 3.3 suggests 64 KiB). */
  static final int MAX_BODY = 64 * 1024;
  /** The path of the policy (RFC 8461 section 3.3). */
  static final String PATH = "/.well-known/mta-sts.txt";

  private final DnsClient dns;
  private final HttpClient http;
  private final int port;
  private final long timeoutMillis;

  /** A fetcher on {@code port} (443; tests give their server's), each fetch bounded by {@code timeout}. */
  PolicyFetcher(Vertx vertx, DnsClient dns, PeerVerifier verifier, int port, Duration timeout) {
    this.dns = dns;
    this.port = port;
    this.timeoutMillis = timeout.toMillis();
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setSsl(true)
        .setVerifyHost(true)
        .setForceSni(true)
        .setTrustOptions(TrustOptions.wrap(verifier.trustManager()))
        .setKeepAlive(false)
        .setMaxRedirects(0)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis)));
  }

  /** The policy body of {@code domain} (lower case, A-labels). */
  Future<String> fetch(String domain) {
    String host = "mta-sts." + domain;
    return address(host).compose(address -> {
      RequestOptions request = new RequestOptions()
          .setMethod(HttpMethod.GET)
          .setHost(host)
          .setPort(port)
          .setServer(SocketAddress.inetSocketAddress(port, address))
          .setURI(PATH)
          .setFollowRedirects(false)
          .setIdleTimeout(timeoutMillis)
          .putHeader("Cache-Control", "no-cache");
      return http.request(request).compose(r -> r.send()).compose(this::body);
    }).timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Closes the HTTP client. */
  Future<Void> close() {
    return http.close();
  }

  private Future<String> address(String host) {
    return dns.lookup(host, Type.A).compose(a -> {
      List<String> v4 = addresses(a);
      if (!v4.isEmpty()) {
        return Future.succeededFuture(v4.get(0));
      }
      return dns.lookup(host, Type.AAAA).compose(aaaa -> {
        List<String> v6 = addresses(aaaa);
        return v6.isEmpty() ? Future.failedFuture(new IllegalStateException(host + " has no address"))
            : Future.succeededFuture(v6.get(0));
      });
    });
  }

  private static List<String> addresses(DnsAnswer answer) {
    List<String> out = new ArrayList<>();
    for (Record r : answer.records()) {
      if (r instanceof ARecord a) {
        out.add(a.getAddress().getHostAddress());
      } else if (r instanceof AAAARecord aaaa) {
        out.add(aaaa.getAddress().getHostAddress());
      }
    }
    return out;
  }

  private Future<String> body(HttpClientResponse response) {
    if (response.statusCode() != 200) {
      discard(response);
      return Future.failedFuture(new IllegalStateException("HTTP status " + response.statusCode()
          + (response.statusCode() / 100 == 3 ? " (redirects are not followed)" : "")));
    }
    String type = response.getHeader("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!media.equals("text/plain")) {
      discard(response);
      return Future.failedFuture(new IllegalStateException("Content-Type is not text/plain: " + type));
    }
    Promise<String> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_BODY) {
        if (promise.tryFail(new IllegalStateException("policy larger than " + MAX_BODY + " bytes"))) {
          discard(response);
        }
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(promise::tryFail);
    response.endHandler(v -> promise.tryComplete(body.toString(StandardCharsets.UTF_8)));
    return promise.future();
  }

  /** Stops reading a response not wanted: the stream is reset (the connection is not kept anyway). */
  private static void discard(HttpClientResponse response) {
    response.exceptionHandler(e -> { });
    response.handler(null);
    response.request().reset();
  }
}
