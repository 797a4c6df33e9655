package io.shardeddb.shardserver.storage;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an edited MySQL password while the replica runs (docs/security.md, "MySQL password
 * rotation"): every {@code shardeddb.storage.password-check} it reads the mounted Secret's {@code
 * password} file (the kubelet updates it when the Secret is edited); when it differs from the one
 * in use, it changes its user's password over a pooled connection (still logged in), then gives the
 * pool the new one and retires the pool's connections as they come back. A failure changes nothing
 * (the old password still works) and is tried again at the next check. Nothing runs without a
 * credentials directory ({@code SHARDEDDB_JDBC_CREDENTIALS_DIR}).
 */
@Context
public class MysqlPasswordRotation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlPasswordRotation.class);

  private final DatabaseServer server;
  private final ConnectionPool pool;
  private final ScheduledExecutorService timer;
  private String lastFailure;

  public MysqlPasswordRotation(
      DatabaseServer server,
      ConnectionPool pool,
      @Value("${shardeddb.storage.password-check:5s}") Duration every) {
    this.server = server;
    this.pool = pool;
    if (server.passwords() == null) {
      this.timer = null;
      return;
    }
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mysql-password-rotation");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(100, every.toMillis());
    timer.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Changes the password when the mounted one differs from the one in use; true if it did. */
  public synchronized boolean check() {
    MysqlPasswords passwords;
    try {
      passwords = server.passwords();
    } catch (RuntimeException e) {
      warnOnce("cannot read the MySQL credentials: " + e.getMessage());
      return false;
    }
    if (passwords == null || passwords.current().equals(server.password())) {
      return false;
    }
    try (Connection c = pool.dataSource().getConnection()) {
      MysqlPasswords.change(c, passwords.current());
    } catch (SQLException | RuntimeException e) {
      warnOnce(
          "could not change the MySQL password of user "
              + server.user()
              + " to the Secret's new one (the old one stays in use; trying again): "
              + e.getMessage());
      return false;
    }
    pool.dataSource().getHikariConfigMXBean().setPassword(passwords.current());
    pool.dataSource().getHikariPoolMXBean().softEvictConnections();
    server.loggingInWith(passwords.current());
    lastFailure = null;
    LOG.info("MySQL password of user {} changed to the mounted Secret's new one", server.user());
    return true;
  }

  private void warnOnce(String message) {
    if (!message.equals(lastFailure)) {
      LOG.warn(message);
      lastFailure = message;
    }
  }

  @PreDestroy
  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
