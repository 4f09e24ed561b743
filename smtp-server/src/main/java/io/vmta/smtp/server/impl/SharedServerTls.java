package io.vmta.smtp.server.impl;

import io.vertx.core.net.NetServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;

/**
 * Works around a Vert.x 5.0.7 defect: when several verticle instances listen on one port, only
 * the first {@code NetServer} (the one that binds) gets a TLS context manager; connections that
 * land on the others fail {@code upgradeToSsl} with a NullPointerException, so every other
 * STARTTLS failed. The sharing servers are given the binding server's manager.
 * TODO: remove once Vert.x initialises the manager of sharing servers (check on each upgrade
 * of the BOM: {@code StartTlsOnSharedPortTest} fails without this class).
 */
public final class SharedServerTls {

  private static final Logger log = LoggerFactory.getLogger(SharedServerTls.class);

  private SharedServerTls() {
  }

  /** Gives {@code server} the TLS context manager of the server it shares its port with. */
  public static void shareContextManager(NetServer server) {
    try {
      Field manager = field(server.getClass(), "sslContextManager");
      Field actual = field(server.getClass(), "actualServer");
      Object actualServer = actual.get(server);
      if (manager.get(server) == null && actualServer != null && actualServer != server) {
        manager.set(server, manager.get(actualServer));
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("cannot share the TLS context of a shared listener ({}); STARTTLS may fail on some connections",
          e.toString());
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
