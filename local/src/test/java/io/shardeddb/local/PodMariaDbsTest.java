package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's own MariaDB server killed with SIGKILL and started again, as the fault matrix does under
 * a live shard-server: what was committed is there after the restart, an open transaction is rolled
 * back, and while it is down connections are refused.
 */
class PodMariaDbsTest {
  @Test
  void aKilledServerComesBackWithWhatWasCommittedAndWithoutWhatWasNot(@TempDir Path dir)
      throws Exception {
    try (PodMariaDbs servers = new PodMariaDbs(dir.resolve("pods"), dir.resolve("base"))) {
      PodMariaDbs.Server server = servers.of("db-sh1-0");
      assertThat(server.jdbcUrl()).endsWith(":" + server.port() + "/");
      EmbeddedMariaDb db = server.await();
      assertThat(servers.of("db-sh1-0")).isSameAs(server);
      assertThat(db.jdbcUrl()).isEqualTo(server.jdbcUrl());
      assertThat(servers.existing("db-sh1-1")).isEmpty();
      try (Connection c = connect(db);
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE d");
        s.execute("CREATE TABLE d.t (k INT PRIMARY KEY) ENGINE=InnoDB");
        s.execute("INSERT INTO d.t VALUES (1)");
      }
      Connection open = connect(db);
      open.setAutoCommit(false);
      open.createStatement().execute("INSERT INTO d.t VALUES (2)");

      db.kill();
      assertThatThrownBy(() -> connect(db).close()).isInstanceOf(SQLException.class);
      db.startAgain();

      try (Connection c = connect(db);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT k FROM d.t ORDER BY k")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
        assertThat(rs.next()).as("the uncommitted row was rolled back").isFalse();
      }
      open.abort(Runnable::run); // its server is gone: nothing to roll back through it

      // A second pod's server starts from the installed template, at the same time as a third.
      PodMariaDbs.Server second = servers.of("db-sh1-1");
      PodMariaDbs.Server third = servers.of("db-sh1-2");
      for (PodMariaDbs.Server other : List.of(second, third)) {
        try (Connection c = connect(other.await());
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SHOW DATABASES LIKE 'd'")) {
          assertThat(rs.next()).as("a fresh server holds none of the first's data").isFalse();
        }
      }
    }
  }

  @Test
  void onlyADatabaseAnnotatedPerPodGetsServersOfItsOwn() {
    assertThat(PodMariaDbs.perPod(Map.of(PodMariaDbs.ANNOTATION, "per-pod"))).isTrue();
    assertThat(PodMariaDbs.perPod(Map.of(PodMariaDbs.ANNOTATION, "shared"))).isFalse();
    assertThat(PodMariaDbs.perPod(Map.of())).isFalse();
    assertThat(PodMariaDbs.perPod(null)).isFalse();
  }

  private static Connection connect(EmbeddedMariaDb db) throws SQLException {
    return DriverManager.getConnection(
        db.jdbcUrl() + "?connectTimeout=2000", db.user(), db.password());
  }
}
