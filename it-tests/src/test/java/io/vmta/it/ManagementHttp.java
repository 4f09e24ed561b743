package io.vmta.it;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Requests to a management endpoint on loopback with the JDK's HTTP client, from the test thread. */
final class ManagementHttp {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A response: status, Content-Type and body text. */
  record Response(int status, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private ManagementHttp() {
  }

  static Response request(String method, int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
        response.body());
  }

  static Response get(int port, String path) throws IOException, InterruptedException {
    return request("GET", port, path);
  }

  /** {@code GET /metrics} as samples: the name with its labels as printed, to the value. */
  static Map<String, String> scrape(int port) throws IOException, InterruptedException {
    Response r = get(port, "/metrics");
    if (r.status() != 200) {
      throw new AssertionError("GET /metrics: " + r);
    }
    return samples(r.body());
  }

  /**
   * Scrapes until {@code done} holds, at most {@code timeout}: the meters are fed by events that
   * the MTA handles on its own event loops, a little after the log line or event a test waits for.
   */
  static Map<String, String> scrapeUntil(int port, Predicate<Map<String, String>> done, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, String> samples = scrape(port);
      if (done.test(samples)) {
        return samples;
      }
      if (System.nanoTime() > deadline) {
        return samples; // the caller's assertions say what is missing
      }
    }
  }

  /** Sample lines of the Prometheus text format: the name with its labels, as printed, to the value. */
  static Map<String, String> samples(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        out.put(line.substring(0, space).trim(), line.substring(space + 1).trim());
      }
    }
    return out;
  }
}
