package io.shardeddb.shardserver.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.config.StorageSettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * The replica's connection pool: built at startup and brought up to date (Flyway, versioned
 * migrations in {@code db/migration}). The database is chosen at runtime (derived from the server
 * name unless configured) and created first, which is why this is a factory and not {@code
 * datasources.default.*} properties.
 */
@Singleton
public class ConnectionPool implements AutoCloseable {
  private final HikariDataSource dataSource;

  public ConnectionPool(
      DatabaseServer server, StorageSettings storage, ServerSettings serverSettings) {
    this.dataSource = build(server, storage, serverSettings);
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
      DatabaseServer server, StorageSettings storage, ServerSettings serverSettings) {
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
    config.addDataSourceProperty("rewriteBatchedStatements", "true");
    config.addDataSourceProperty("cachePrepStmts", "true");
    config.addDataSourceProperty("useLocalSessionState", "true");
    config.addDataSourceProperty("allowPublicKeyRetrieval", "true");
    config.addDataSourceProperty("tcpKeepAlive", "true");
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

  private static void createIfMissing(DatabaseServer server, String database) {
    try (Connection c =
            DriverManager.getConnection(
                DatabaseNames.withDatabase(server.url(), ""), server.user(), server.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS `" + database + "` CHARACTER SET utf8mb4");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create database " + database + " on " + server.url() + ": " + e.getMessage(), e);
    }
  }
}
