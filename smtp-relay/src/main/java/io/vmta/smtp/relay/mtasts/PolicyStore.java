package io.vmta.smtp.relay.mtasts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS policies fetched, kept so that a restart keeps them (RFC 8461 section 5.1: a cached
 * policy still applies when DNS or the HTTPS fetch fails): in memory for the most recently used
 * {@code capacity} domains (and which domains have none on disk), and one file per domain,
 * {@code <dir>/<domain>.json}, written atomically (a temporary file moved over it) on a worker;
 * a policy found expired is deleted. Without a directory, memory only. Used on one Vert.x context.
 */
final class PolicyStore {

  private static final Logger log = LoggerFactory.getLogger(PolicyStore.class);

  private final Vertx vertx;
  private final Path dir;
  private final Map<String, Optional<MtaStsPolicy>> memory;

  PolicyStore(Vertx vertx, Path dir, int capacity) {
    this.vertx = vertx;
    this.dir = dir;
    this.memory = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Optional<MtaStsPolicy>> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The kept policy of {@code domain} (expired or not), or null. */
  Future<MtaStsPolicy> get(String domain) {
    Optional<MtaStsPolicy> known = memory.get(domain);
    if (known != null || dir == null) {
      return Future.succeededFuture(known == null ? null : known.orElse(null));
    }
    return vertx.executeBlocking(() -> read(dir, domain), false).otherwise(e -> {
      log.warn("MTA-STS policy of {} kept in {} is unreadable, ignored: {}", domain, dir, e.getMessage());
      return null;
    }).map(policy -> {
      memory.put(domain, Optional.ofNullable(policy));
      return policy;
    });
  }

  /** Keeps {@code policy}, in memory at once and on disk when the returned future completes. */
  Future<Void> put(MtaStsPolicy policy) {
    memory.put(policy.domain(), Optional.of(policy));
    if (dir == null) {
      return Future.succeededFuture();
    }
    String text = policy.toJson().encodePrettily();
    return vertx.<Void>executeBlocking(() -> {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(policy.domain() + ".json.tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file(dir, policy.domain()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return null;
    }, false).onFailure(e -> log.warn("cannot keep the MTA-STS policy of {} in {}: {}", policy.domain(), dir, e.toString()));
  }

  /** Forgets the policy of {@code domain} (expired), on disk too. */
  Future<Void> remove(String domain) {
    memory.put(domain, Optional.empty());
    if (dir == null) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      Files.deleteIfExists(file(dir, domain));
      return null;
    }, false);
  }

  /** The domains held in memory. */
  int size() {
    return memory.size();
  }

  /** The policy kept in {@code dir} for {@code domain}, or null; blocking. */
  static MtaStsPolicy read(Path dir, String domain) throws IOException {
    try {
      return MtaStsPolicy.fromJson(new JsonObject(Files.readString(file(dir, domain), StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return null;
    } catch (RuntimeException e) {
      throw new IOException("not a kept policy: " + e.getMessage(), e);
    }
  }

  private static Path file(Path dir, String domain) {
    return dir.resolve(domain + ".json");
  }
}
