package io.shardeddb.shardserver.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Value;
import io.shardeddb.protocol.client.Backoff;
import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.config.StorageSettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's connection pool: built at startup and brought up to date (Flyway, versioned
 * migrations in {@code db/migration}). The database is chosen at runtime (derived from the server
 * name unless configured) and created first, which is why this is a factory and not {@code
 * datasources.default.*} properties.
 */
@Singleton
public class ConnectionPool implements AutoCloseable {
  /**
   * Connector/J properties every pool gets. Each saves client work or a round trip to the server;
   * none changes when or how a transaction commits (docs/benchmarks.md says what each does).
   */
  static final Map<String, String> TUNED =
      Map.ofEntries(
          // A multi-row insert of a group commit goes as one statement, not one per row.
          Map.entry("rewriteBatchedStatements", "true"),
          // Parse each statement's text once per connection, not on every call; the
          // default 25 statements of at most 256 characters miss the longer ones.
          Map.entry("cachePrepStmts", "true"),
          Map.entry("prepStmtCacheSize", "250"),
          Map.entry("prepStmtCacheSqlLimit", "2048"),
          // Skip isolation / read-only round trips that would not change the session: the
          // driver knows the session state it set. (Not elideSetAutoCommits or
          // useLocalTransactionState: they skip "SET autocommit" and ROLLBACK/COMMIT by the
          // server's status flags, and left a snapshot's READ ONLY transaction open on a pooled
          // connection; ConnectionPoolTest.)
          Map.entry("useLocalSessionState", "true"),
          // A read-only transaction (executeRead) costs "SET SESSION TRANSACTION READ ONLY"
          // before and "... READ WRITE" after: two round trips around one SELECT. The code in
          // it only reads; the snapshot says READ ONLY in its own statement.
          Map.entry("readOnlyPropagatesToServer", "false"),
          // Several statements in one round trip (FoldedStatements: a group commit's inserts,
          // outcomes, log append and conditional meta update; a secondary's apply). Every value
          // still travels as a bound parameter and every name is validated and quoted
          // (UserTable, FilterClause), so no input can add a statement.
          Map.entry("allowMultiQueries", "true"),
          // No clock reads per query for statistics nobody reads.
          Map.entry("maintainTimeStats", "false"),
          Map.entry("allowPublicKeyRetrieval", "true"),
          Map.entry("tcpKeepAlive", "true"));

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);

  private final HikariDataSource dataSource;

  /**
   * {@code jdbcProperties} ({@code shardeddb.storage.jdbc-properties}, env {@code
   * SHARDEDDB_JDBC_PROPERTIES}): Connector/J properties laid over {@link #TUNED}.
   */
  public ConnectionPool(
      DatabaseServer server,
      StorageSettings storage,
      ServerSettings serverSettings,
      @Value("${shardeddb.storage.jdbc-properties:}") String jdbcProperties) {
    this.dataSource = build(server, storage, serverSettings, jdbcProperties);
  }

  /** The pool itself, for connections that live outside Micronaut's transactions (snapshots). */
  public HikariDataSource dataSource() {
    return dataSource;
  }

  @PreDestroy
  @Override
  public void close() {
    dataSource.close();
  }

  private static HikariDataSource build(
      DatabaseServer server,
      StorageSettings storage,
      ServerSettings serverSettings,
      String extraProperties) {
    String database =
        storage.database() == null || storage.database().isBlank()
            ? DatabaseNames.forServer(serverSettings.name())
            : DatabaseNames.requireValid(storage.database());
    createIfMissing(server, database);
    HikariConfig config = new HikariConfig();
    config.setPoolName("shard-" + DatabaseNames.sanitize(serverSettings.name()));
    config.setJdbcUrl(DatabaseNames.withDatabase(server.url(), database));
    config.setUsername(server.user());
    config.setPassword(server.password());
    config.setMaximumPoolSize(storage.poolSize());
    config.setMinimumIdle(2);
    // Connections start with autocommit off: a transaction then costs no "SET autocommit=0"
    // before and "SET autocommit=1" after (Micronaut's transactions only switch it when it is
    // on). Every write of the shard-server runs in a transaction that commits explicitly
    // (ShardStore's methods, Flyway, the snapshot's own); a write outside one would be rolled
    // back by Hikari when its connection goes back to the pool (StoreCommitsTest).
    config.setAutoCommit(false);
    Map<String, String> properties = connectorProperties(extraProperties);
    requireFoundRows(server.url(), properties);
    properties.forEach(config::addDataSourceProperty);
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return dataSource;
  }

  /**
   * The Connector/J properties of the pool: {@link #TUNED} with {@code extra} ({@code key=value}
   * pairs separated by {@code ;} or {@code ,}, e.g. {@code useServerPrepStmts=true}) laid over it.
   * Every default saves client work or round trips to the server; none changes what a commit
   * promises (see docs/benchmarks.md, "Connector/J properties").
   */
  static Map<String, String> connectorProperties(String extra) {
    Map<String, String> properties = new LinkedHashMap<>(TUNED);
    if (extra == null || extra.isBlank()) {
      return properties;
    }
    for (String pair : extra.split("[;,]")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "shardeddb.storage.jdbc-properties: expected key=value, got '" + pair.trim() + "'");
      }
      properties.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return properties;
  }

  /**
   * Refuses {@code useAffectedRows=true} in the server URL ({@code SHARDEDDB_JDBC_URL}) or the
   * extra properties: the shard-server reads an UPDATE's row count as "the row exists"
   * (Connector/J's default, found rows). Counting changed rows instead, an update that sets a row
   * to the values it already has counts 0, so a deduplicated retry of an update (or an update to
   * the same values) would be told the row is missing.
   */
  static void requireFoundRows(String url, Map<String, String> properties) {
    int q = url == null ? -1 : url.indexOf('?');
    if (q >= 0) {
      for (String param : url.substring(q + 1).split("&")) {
        int eq = param.indexOf('=');
        if (eq > 0
            && param.substring(0, eq).trim().equalsIgnoreCase(AFFECTED_ROWS)
            && Boolean.parseBoolean(param.substring(eq + 1).trim())) {
          throw affectedRows("SHARDEDDB_JDBC_URL (shardeddb.storage.jdbc-url)");
        }
      }
    }
    properties.forEach(
        (k, v) -> {
          if (k.equalsIgnoreCase(AFFECTED_ROWS) && Boolean.parseBoolean(v.trim())) {
            throw affectedRows("SHARDEDDB_JDBC_PROPERTIES (shardeddb.storage.jdbc-properties)");
          }
        });
  }

  private static final String AFFECTED_ROWS = "useAffectedRows";

  private static IllegalArgumentException affectedRows(String setting) {
    return new IllegalArgumentException(
        setting
            + ": useAffectedRows=true is not supported; remove it. The shard-server counts the"
            + " rows an UPDATE found, and with affected rows a retried or unchanged update would"
            + " count 0 and be answered as a missing row.");
  }

  /**
   * MySQL refused the mounted password: a replica that starts after its Secret was edited and
   * before its MySQL learnt the new password logs in with {@code previous-password} (or, on a fresh
   * volume, with the password as the image's {@code MYSQL_PASSWORD_FILE} read it: without trailing
   * line breaks) and changes its own password to the new one (docs/security.md, "MySQL password
   * rotation"). False when there is no other password or MySQL refuses each.
   */
  private static boolean changedFromPrevious(DatabaseServer server) {
    MysqlPasswords passwords = server.passwords();
    if (passwords == null || passwords.fallbacks().isEmpty()) {
      return false;
    }
    String lastError = null;
    for (String fallback : passwords.fallbacks()) {
      try (Connection c =
          DriverManager.getConnection(
              DatabaseNames.withDatabase(server.url(), ""), server.user(), fallback)) {
        MysqlPasswords.change(c, passwords.current());
      } catch (SQLException e) {
        lastError = e.getMessage();
        continue;
      }
      server.loggingInWith(passwords.current());
      LOG.info(
          "MySQL password of user {} changed to the mounted Secret's exact one (logged in with {})",
          server.user(),
          fallback.equals(passwords.previous())
              ? "previous-password"
              : "the password without its trailing line breaks");
      return true;
    }
    LOG.error(
        "MySQL refused user {} with the password of the mounted Secret and with each fallback: {}",
        server.user(),
        lastError);
    return false;
  }

  /**
   * How long a start waits for a MySQL that does not accept connections yet (the sidecar of a pod
   * still initialising a fresh volume starts beside the shard-server); within the pod's startup
   * probe window.
   */
  static final java.time.Duration STARTUP_WAIT = java.time.Duration.ofSeconds(120);

  /**
   * 250 ms to 2 s between tries, each between half and all of that (equal jitter): the replicas of
   * a cluster that started together do not knock on their MySQL servers in step.
   */
  static final Backoff STARTUP_BACKOFF =
      Backoff.exponential(
          java.time.Duration.ofMillis(250), java.time.Duration.ofSeconds(2), Backoff.Jitter.EQUAL);

  /**
   * {@code CREATE DATABASE IF NOT EXISTS}, waiting up to {@link #STARTUP_WAIT} ({@link
   * #STARTUP_BACKOFF}) while the server refuses connections (SQLState class 08); any other failure,
   * or still no connection by then, fails the start. Before, the first refused connection failed
   * the start: the application exited 1 and the kubelet restarted the container.
   */
  private static void createIfMissing(DatabaseServer server, String database) {
    long deadline = System.nanoTime() + STARTUP_WAIT.toNanos();
    Backoff.Sequence backoff =
        STARTUP_BACKOFF.start(() -> ThreadLocalRandom.current().nextDouble());
    while (true) {
      try (Connection c =
              DriverManager.getConnection(
                  DatabaseNames.withDatabase(server.url(), ""), server.user(), server.password());
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE IF NOT EXISTS `" + database + "` CHARACTER SET utf8mb4");
        return;
      } catch (SQLException e) {
        if (MysqlPasswords.refusedLogin(e) && changedFromPrevious(server)) {
          continue;
        }
        long wait = backoff.next().toMillis();
        boolean notUpYet = e.getSQLState() != null && e.getSQLState().startsWith("08");
        if (!notUpYet || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "cannot create database " + database + " on " + server.url() + ": " + e.getMessage(),
              e);
        }
        LOG.warn(
            "MySQL at {} does not accept connections yet ({}); trying again in {} ms",
            server.url(),
            e.getMessage(),
            wait);
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for MySQL at " + server.url());
        }
      }
    }
  }
}
