package io.shardeddb.shardserver;

import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * How long the DDL a Schema entry runs takes on a shard of 200,000 rows (docs/sql.md, "Indexes"):
 * the pause of that shard's writes while its log applies the entry. A measurement, not a test (not
 * run by the build: its name matches no surefire include); run it with {@code ./mvnw -o -pl
 * shard-server -Dtest=IndexBuildTimeProbe -Dsurefire.failIfNoSpecifiedTests=false test}.
 */
class IndexBuildTimeProbe {
  @Test
  void probe() throws Exception {
    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS probe_idx");
      s.execute("USE probe_idx");
      s.execute("DROP TABLE IF EXISTS t");
      s.execute(
          "CREATE TABLE t (id BIGINT NOT NULL, name TEXT NULL, marks BIGINT NULL, PRIMARY KEY (id))"
              + " ENGINE=InnoDB");
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
        for (int i = 0; i < 200_000; i++) {
          ps.setLong(1, i);
          ps.setString(2, "student-" + i);
          ps.setLong(3, i % 100);
          ps.addBatch();
          if (i % 5000 == 4999) {
            ps.executeBatch();
            c.commit();
          }
        }
      }
      c.setAutoCommit(true);
      for (String ddl :
          new String[] {
            "ALTER TABLE t ADD INDEX by_marks (marks)",
            "ALTER TABLE t ADD INDEX by_name (name(191))",
            "ALTER TABLE t ADD COLUMN note TEXT NULL",
            "ALTER TABLE t DROP INDEX by_marks"
          }) {
        long t0 = System.nanoTime();
        s.execute(ddl);
        System.out.printf(
            "PROBE %s on 200,000 rows: %d ms%n", ddl, (System.nanoTime() - t0) / 1_000_000);
      }
      s.execute("DROP DATABASE probe_idx");
    }
  }
}
