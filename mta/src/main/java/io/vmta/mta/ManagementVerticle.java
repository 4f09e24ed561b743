package io.vmta.mta;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vmta.mta.config.ManagementOptions;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.Names;
import io.vmta.smtp.core.queue.QueueAddresses;
import io.vmta.smtp.relay.RelayOptions;
import io.vmta.smtp.relay.RelayTlsOptions;
import io.vmta.smtp.relay.client.TlsLevel;
import io.vmta.smtp.relay.mtasts.MtaSts;
import io.vmta.smtp.relay.mtasts.MtaStsPolicy;
import io.vmta.smtp.server.SmtpServerVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;

/**
 * The management HTTP endpoint, on every node: {@code GET /health} of this node's parts
 * ({@link NodeParts}), queue administration answered by this node's queue over
 * {@code mta.queue.admin} (503 on a node without one), and {@code GET /metrics}, the Prometheus
 * text exposition of {@link MtaMetrics}, and {@code GET /tls-policy/<domain>}, the outbound TLS
 * level for a domain and where it came from. Loopback only by default; on any other address every
 * request needs {@code Authorization: Bearer <management.token>}.
 */
public class ManagementVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ManagementVerticle.class);
  private static final long HEALTH_TIMEOUT_MS = 2000;
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  /** The content type of the Prometheus text exposition format. */
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final ManagementOptions options;
  private final MtaMetrics metrics;
  private final NodeParts parts;
  private final RelayOptions relay;
  private final java.nio.file.Path mtaStsDir;
  private HttpServer server;
  private volatile int actualPort = -1;

  /**
   * What {@code /health} checks on this node.
   *
   * @param listeners  whether the SMTP listeners are up (read on every check, from the endpoint's
   *                   event loop); null when this node has none (no {@code server} role)
   * @param localQueue whether this node has a queue: it must answer, and {@code /queue} is served;
   *                   without one, some queue in the cluster must answer and {@code /queue} is 503
   */
  public record NodeParts(BooleanSupplier listeners, boolean localQueue) {
    /** A node with a queue and no listeners to check. */
    public static final NodeParts QUEUE_ONLY = new NodeParts(null, true);
  }

  /** The endpoint of a node with a queue ({@link NodeParts#QUEUE_ONLY}), without metrics. */
  public ManagementVerticle(ManagementOptions options) {
    this(options, null);
  }

  /** With {@code GET /metrics} answered from {@code metrics} (none when null), for a node with a queue. */
  public ManagementVerticle(ManagementOptions options, MtaMetrics metrics) {
    this(options, metrics, NodeParts.QUEUE_ONLY);
  }

  /** With {@code GET /metrics} answered from {@code metrics} (none when null), for a node with {@code parts}. */
  public ManagementVerticle(ManagementOptions options, MtaMetrics metrics, NodeParts parts) {
    this(options, metrics, parts, null);
  }

  /** As above, with {@code GET /tls-policy/<domain>} answered from {@code relay} (none when null). */
  public ManagementVerticle(ManagementOptions options, MtaMetrics metrics, NodeParts parts, RelayOptions relay) {
    this(options, metrics, parts, relay, null);
  }

  /**
   * As above, with the MTA-STS policies the relay keeps in {@code mtaStsDir} (e.g.
   * {@code <dataDir>/mta-sts}; none when null) shown by {@code GET /tls-policy/<domain>}.
   */
  public ManagementVerticle(ManagementOptions options, MtaMetrics metrics, NodeParts parts, RelayOptions relay,
      java.nio.file.Path mtaStsDir) {
    this.mtaStsDir = mtaStsDir;
    this.options = new ManagementOptions(options);
    this.metrics = metrics;
    this.parts = parts;
    this.relay = relay == null ? null : new RelayOptions(relay);
  }

  /** The bound port (useful with port 0); -1 before start. */
  public int actualPort() {
    return actualPort;
  }

  @Override
  public Future<?> start() {
    options.validate("management");
    Router router = Router.router(vertx);
    if (!ManagementOptions.isLoopback(options.getHost())) {
      byte[] expected = ("Bearer " + options.getToken()).getBytes(StandardCharsets.UTF_8);
      router.route().handler(ctx -> {
        String given = ctx.request().getHeader("Authorization");
        if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
          ctx.next();
        } else {
          ctx.response().putHeader("WWW-Authenticate", "Bearer");
          error(ctx, 401, "unauthorized");
        }
      });
    }
    router.get("/health").handler(this::health);
    if (!parts.localQueue()) {
      router.route("/queue*").handler(ctx -> error(ctx, 503, "no queue on this node"));
    }
    router.get("/queue").handler(this::list);
    router.post("/queue/flush").handler(ctx -> admin(ctx, new JsonObject().put("action", "flush")));
    router.get("/queue/:id").handler(ctx -> admin(ctx, withId(ctx, "show")));
    router.post("/queue/:id/retry").handler(ctx -> admin(ctx, withId(ctx, "retry")));
    router.delete("/queue/:id").handler(this::delete);
    if (metrics != null) {
      router.get("/metrics").handler(this::metrics);
    }
    if (relay != null) {
      router.get("/tls-policy/:domain").handler(this::tlsPolicy);
    }
    router.route().last().handler(ctx -> error(ctx, 404, "not found"));
    return vertx.createHttpServer().requestHandler(router).listen(options.getPort(), options.getHost())
        .onSuccess(s -> {
          server = s;
          actualPort = s.actualPort();
          log.info("management endpoint on {}:{}", options.getHost(), actualPort);
        })
        .recover(e -> Future.failedFuture(SmtpServerVerticle.cannotListen(
            options.getHost() + ":" + options.getPort() + " (management)", e)));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * 200 when every part of this node is up, else 503; the body names each part: {@code listeners}
   * (bound and not stopping; absent without the server role) and {@code queue} (this node's queue,
   * or without one some queue in the cluster, answers {@code mta.queue.health} within 2 s).
   */
  private void health(RoutingContext ctx) {
    Boolean listeners = parts.listeners() == null ? null : parts.listeners().getAsBoolean();
    vertx.eventBus().request(QueueAddresses.HEALTH, null,
            new DeliveryOptions().setSendTimeout(HEALTH_TIMEOUT_MS).setLocalOnly(parts.localQueue()))
        .transform(ar -> Future.succeededFuture(ar.succeeded()))
        .onSuccess(queue -> {
          boolean up = queue && !Boolean.FALSE.equals(listeners);
          JsonObject body = new JsonObject().put("status", state(up));
          if (listeners != null) {
            body.put("listeners", state(listeners));
          }
          json(ctx, up ? 200 : 503, body.put("queue", state(queue)));
        });
  }

  private static String state(boolean up) {
    return up ? "UP" : "DOWN";
  }

  private void metrics(RoutingContext ctx) {
    // Scraping walks every meter: off the event loop.
    vertx.executeBlocking(metrics::scrape, false)
        .onSuccess(text -> ctx.response().setStatusCode(200).putHeader("Content-Type", PROMETHEUS_CONTENT_TYPE).end(text))
        .onFailure(e -> error(ctx, 500, "metrics unavailable"));
  }

  /**
   * The TLS level the relay would apply now to mail for the domain, and where it came from:
   * {@code {"domain", "level", "effective", "source"}}; {@code effective} differs from
   * {@code level} for {@code dane} (what a host without usable TLSA records gets; DANE decides per
   * MX host at delivery). With MTA-STS on and a policy of the domain kept by the relay, unexpired
   * and not {@code none}: {@code mtaSts} describes it, and under {@code enforce} the level is
   * {@code verify} for the MX hosts it names (the others get no mail), with {@code source}
   * {@code "mta-sts enforce, id=..."}.
   */
  private void tlsPolicy(RoutingContext ctx) {
    String domain;
    try {
      domain = Names.domain(ctx.pathParam("domain"), "domain");
    } catch (ConfigException e) {
      error(ctx, 400, "not a domain name");
      return;
    }
    RelayTlsOptions.Match match = relay.appliedTlsPolicy(domain);
    JsonObject body = new JsonObject().put("domain", domain).put("level", match.level().jsonName())
        .put("effective", match.level().effective().jsonName()).put("source", match.source());
    if (mtaStsDir == null || !relay.isMtaSts() || relay.getSmarthost() != null) {
      json(ctx, 200, body);
      return;
    }
    vertx.executeBlocking(() -> MtaSts.kept(mtaStsDir, domain), false).onComplete(ar -> {
      MtaStsPolicy sts = ar.succeeded() ? ar.result() : null;
      if (sts != null && sts.isFresh(java.time.Instant.now()) && sts.mode() != MtaStsPolicy.Mode.NONE) {
        body.put("mtaSts", new JsonObject().put("mode", sts.mode().word()).put("id", sts.id())
            .put("mx", new io.vertx.core.json.JsonArray(sts.mx())).put("expires", sts.expires().toString()));
        if (sts.mode() == MtaStsPolicy.Mode.ENFORCE) {
          body.put("level", TlsLevel.VERIFY.jsonName()).put("effective", TlsLevel.VERIFY.jsonName())
              .put("source", sts.source());
        }
      }
      json(ctx, 200, body);
    });
  }

  private void list(RoutingContext ctx) {
    JsonObject request = new JsonObject().put("action", "list");
    for (String key : new String[] {"offset", "limit"}) {
      String v = ctx.request().getParam(key);
      if (v != null) {
        try {
          request.put(key, Integer.parseInt(v));
        } catch (NumberFormatException e) {
          error(ctx, 400, key + " must be a non-negative integer");
          return;
        }
      }
    }
    admin(ctx, request);
  }

  private void delete(RoutingContext ctx) {
    String discard = ctx.request().getParam("discard");
    if (discard != null && !discard.equals("true") && !discard.equals("false")) {
      error(ctx, 400, "discard must be true or false");
      return;
    }
    admin(ctx, withId(ctx, "delete").put("discard", "true".equals(discard)));
  }

  private static JsonObject withId(RoutingContext ctx, String action) {
    return new JsonObject().put("action", action).put("id", ctx.pathParam("id"));
  }

  /** Sends the request to this node's queue; its failure codes become HTTP statuses. */
  private void admin(RoutingContext ctx, JsonObject request) {
    vertx.eventBus().<JsonObject>request(QueueAddresses.ADMIN, request,
            new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS).setLocalOnly(true))
        .onSuccess(r -> json(ctx, 200, r.body()))
        .onFailure(e -> {
          if (e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            int code = re.failureCode() >= 400 && re.failureCode() < 600 ? re.failureCode() : 500;
            error(ctx, code, re.getMessage());
          } else {
            error(ctx, 503, "queue unavailable");
          }
        });
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
