package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.config.StorageSettings;
import io.shardeddb.shardserver.storage.ConnectionPool;
import io.shardeddb.shardserver.storage.DatabaseServer;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The replica's pool on a real MariaDB, with its Connector/J properties: a connection handed back
 * after any kind of transaction is as good as a new one for the next transaction.
 */
class ConnectionPoolTest {
  private DatabaseServer server;
  private ConnectionPool pool;

  @BeforeEach
  void onePooledConnection() throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    StorageSettings storage =
        new StorageSettings(
            db.jdbcUrl(), db.user(), db.password(), null, null, 0, /* poolSize= */ 1);
    ServerSettings name =
        new ServerSettings("pool-" + UUID.randomUUID().toString().substring(0, 8));
    server = new DatabaseServer(storage, name);
    pool = new ConnectionPool(server, storage, name, "");
    try (Connection c = pool.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
      s.execute("INSERT INTO t VALUES (1), (2), (3)");
      // The pool's connections start with autocommit off (ConnectionPool).
      c.commit();
    }
  }

  @AfterEach
  void close() {
    pool.close();
    server.close();
  }

  @Test
  void afterAStreamedReadOnlySnapshot_theSameConnectionCommitsWrites() throws SQLException {
    // As ShardStore.openSnapshot and Snapshot.close use it.
    try (Connection c = pool.dataSource().getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = c.createStatement()) {
        s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      }
      try (Statement cursor =
          c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
        cursor.setFetchSize(Integer.MIN_VALUE);
        try (ResultSet rs = cursor.executeQuery("SELECT id FROM t ORDER BY id")) {
          int rows = 0;
          while (rs.next()) {
            rows++;
          }
          assertThat(rows).isEqualTo(3);
        }
      }
      c.rollback();
      c.setAutoCommit(true);
    }

    // As Micronaut's executeWrite uses it: the pool has one connection, so it is the same one.
    try (Connection c = pool.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES (4)");
      }
      c.commit();
      c.setAutoCommit(true);
    }

    assertThat(countRows()).isEqualTo(4);
  }

  @Test
  void afterAReadOnlyTransaction_theSameConnectionCommitsWrites() throws SQLException {
    // As Micronaut's executeRead uses it.
    try (Connection c = pool.dataSource().getConnection()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
        rs.next();
      }
      c.commit();
      c.setAutoCommit(true);
      c.setReadOnly(false);
    }
    try (Connection c = pool.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES (4)");
      }
      c.commit();
      c.setAutoCommit(true);
    }
    assertThat(countRows()).isEqualTo(4);
  }

  private int countRows() throws SQLException {
    DataSource ds = pool.dataSource();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
