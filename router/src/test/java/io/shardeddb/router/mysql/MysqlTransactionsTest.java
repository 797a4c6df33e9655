package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Transactions through MySQL Connector/J, unchanged (docs/sql.md, "Transactions"): with autocommit
 * off or after BEGIN, a session's INSERT, UPDATE and DELETE are held until COMMIT, which sends them
 * to the shard as one {@code /txn} (all or none); the session's own reads see them, other sessions
 * do not; ROLLBACK drops them; a row changed by another session in between makes the COMMIT fail as
 * a deadlock does (1213, SQLSTATE 40001) with nothing written. The stand-in shard applies a {@code
 * /txn} as a real shard-server does (all steps or none).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class MysqlTransactionsTest {
  MysqlRouterFixture fixture;

  @BeforeAll
  void start() throws Exception {
    fixture = MysqlRouterFixture.start(Map.of());
    DriverManager.setLoginTimeout(10);
  }

  @AfterAll
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  Connection data() throws SQLException {
    return DriverManager.getConnection(
        fixture.jdbcUrl("sslMode=DISABLED&useServerPrepStmts=true"),
        "sdb",
        MysqlRouterFixture.DATA_TOKEN);
  }

  private static List<String> rows(Connection c, String where) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT Stud_id, Stud_marks FROM students WHERE " + where + " ORDER BY Stud_id")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + ":" + rs.getLong(2));
      }
    }
    return out;
  }

  @Test
  void changesAreHeldUntilCommitSeenByTheSessionAndWrittenAsOne() throws Exception {
    try (Connection c = data();
        Connection other = data();
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (1, 'a', 10)");
      s.executeUpdate("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (2, 'b', 20)");

      c.setAutoCommit(false);
      assertThat(c.getAutoCommit()).isFalse();
      assertThat(
              s.executeUpdate(
                  "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (3, 'c', 30),"
                      + " (4, 'd', 40)"))
          .isEqualTo(2);
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE students SET Stud_marks = ? WHERE Stud_id = ?")) {
        ps.setLong(1, 11);
        ps.setLong(2, 1);
        assertThat(ps.executeUpdate()).isEqualTo(1);
        // The row this transaction inserted is found by its own UPDATE.
        ps.setLong(1, 44);
        ps.setLong(2, 4);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThat(s.executeUpdate("DELETE FROM students WHERE Stud_id = 2")).isEqualTo(1);
      // Seen by the session, not by another, and not stored yet.
      assertThat(rows(c, "Stud_id BETWEEN 1 AND 9")).containsExactly("1:11", "3:30", "4:44");
      assertThat(rows(c, "Stud_marks > 40")).containsExactly("4:44");
      assertThat(rows(other, "Stud_id BETWEEN 1 AND 9")).containsExactly("1:10", "2:20");
      assertThat(fixture.shard.keys()).containsExactly(1L, 2L);
      // An insert of a key the transaction holds is a duplicate at once; the transaction goes on.
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (3, 'x', 1)"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1062));

      long txns = fixture.shard.callsTo("/txn");
      c.commit();
      assertThat(fixture.shard.keys()).containsExactly(1L, 3L, 4L);
      assertThat(rows(other, "Stud_id BETWEEN 1 AND 9")).containsExactly("1:11", "3:30", "4:44");
      assertThat(fixture.shard.callsTo("/txn")).isEqualTo(txns + 1);

      // ROLLBACK drops what the next transaction held.
      s.executeUpdate("DELETE FROM students WHERE Stud_id IN (1, 3)");
      s.executeUpdate("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (5, 'e', 50)");
      assertThat(rows(c, "Stud_id BETWEEN 1 AND 9")).containsExactly("4:44", "5:50");
      c.rollback();
      assertThat(rows(c, "Stud_id BETWEEN 1 AND 9")).containsExactly("1:11", "3:30", "4:44");
      assertThat(fixture.shard.keys()).containsExactly(1L, 3L, 4L);
      c.setAutoCommit(true);
      s.executeUpdate("DELETE FROM students WHERE Stud_id IN (1, 3, 4)");
    }
  }

  @Test
  void aRowChangedByAnotherSessionFailsTheCommitAsADeadlockWithNothingWritten() throws Exception {
    try (Connection c = data();
        Connection other = data();
        Statement s = c.createStatement();
        Statement o = other.createStatement()) {
      o.executeUpdate(
          "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (100, 'p', 1), (101, 'q',"
              + " 2)");
      s.execute("BEGIN");
      s.executeUpdate("UPDATE students SET Stud_marks = 9 WHERE Stud_id = 100");
      s.executeUpdate("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (102, 'r', 3)");
      o.executeUpdate("DELETE FROM students WHERE Stud_id = 100");
      assertThatThrownBy(() -> s.execute("COMMIT"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getErrorCode()).isEqualTo(1213);
                assertThat(e.getSQLState()).isEqualTo("40001");
                assertThat(e.getMessage()).contains("not committed");
              });
      assertThat(fixture.shard.keys()).doesNotContain(102L).contains(101L);
      // The failed COMMIT left no transaction open: the next statement commits on its own.
      s.executeUpdate("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (103, 's', 4)");
      assertThat(fixture.shard.keys()).contains(103L);
      o.executeUpdate("DELETE FROM students WHERE Stud_id IN (101, 103)");
    }
  }

  @Test
  void whatTransactionsDoNotSupportIsRefusedNamingIt() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      assertThatThrownBy(() -> c.setSavepoint("x"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1235));
      s.executeUpdate("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (200, 'a', 1)");
      assertThatThrownBy(() -> s.execute("ALTER TABLE students ADD COLUMN note TEXT NULL"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getErrorCode()).isEqualTo(1235);
                assertThat(e.getMessage()).contains("inside a transaction");
              });
      // A key no shard holds: refused, the transaction keeps what it had.
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (5000, 'z', 1)"))
          .isInstanceOf(SQLException.class);
      c.commit();
      assertThat(fixture.shard.keys()).contains(200L).doesNotContain(5000L);
      c.setAutoCommit(true);
      s.executeUpdate("DELETE FROM students WHERE Stud_id = 200");
    }
  }

  @Test
  void aConnectionResetDropsTheOpenTransaction() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (300, 'a', 1)");
      // What a connection pool does when it takes a connection back (COM_RESET_CONNECTION).
      ((com.mysql.cj.jdbc.JdbcConnection) c).resetServerState();
      assertThat(c.getAutoCommit()).isTrue();
      s.executeUpdate("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (301, 'b', 1)");
      assertThat(fixture.shard.keys()).contains(301L).doesNotContain(300L);
      s.executeUpdate("DELETE FROM students WHERE Stud_id = 301");
    }
  }
}
