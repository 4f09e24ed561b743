package io.vmta.mta;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A blocking HTTP client of the management endpoint for the command line, on the JDK's
 * {@link HttpClient}: a command runs one request and exits, so an event loop would buy nothing.
 * Every failure to get an answer is a {@link Failure} with one readable line.
 */
final class ManagementClient {

  /** How long to wait for the TCP connection. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** How long to wait for the answer (a delete may wait 5 s for an attempt under way). */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** An answer: the status and the body as received. */
  record Response(int status, String body) {
  }

  private final URI base;
  private final String token;
  private final HttpClient http;

  /** A client of the endpoint at {@code base} ({@code http://host:port}), sending {@code token} if not null. */
  ManagementClient(URI base, String token) {
    this.base = base;
    this.token = token;
    // HTTP/1.1: the JDK's default would first try an h2c upgrade, which buys nothing here.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** The endpoint's address, as shown in messages. */
  URI base() {
    return base;
  }

  /** Whether a token is sent. */
  boolean hasToken() {
    return token != null;
  }

  /** Sends {@code method} (GET, POST, DELETE) to {@code path} (with its query) and returns the answer. */
  Response send(String method, String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json")
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = http.send(request.build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while waiting for the management endpoint at " + base);
    } catch (IOException e) {
      throw new Failure("cannot reach the management endpoint at " + base + ": " + describe(e));
    }
  }

  /** A short reason for a failed exchange: connection refused, timed out, ... */
  private static String describe(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
    }
    boolean connecting = false;
    String message = null;
    for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      connecting |= t instanceof ConnectException;
      if (message == null && t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage().toLowerCase(Locale.ROOT);
      }
    }
    // The JDK's client says nothing more than ConnectException when nothing listens.
    return message != null ? message : connecting ? "connection refused" : e.getClass().getSimpleName();
  }

  /** A request that got no usable answer, or an answer that is an error: one line for standard error. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }
}
