package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Server-side prepared statements (the binary protocol: Connector/J with {@code
 * useServerPrepStmts=true}): parameters of each type arrive as escaped literals, a value is data
 * and never SQL, rows come back as binary rows with the schema's types; and {@link Placeholders}
 * finds only the placeholders outside strings, names and comments.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class MysqlPreparedStatementsTest {
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

  Connection connect() throws SQLException {
    return DriverManager.getConnection(
        fixture.jdbcUrl("sslMode=DISABLED&useServerPrepStmts=true&cachePrepStmts=false"),
        "sdb",
        MysqlRouterFixture.DATA_TOKEN);
  }

  @Test
  void serverPreparedStatementsBindEveryValueAsDataAndReturnBinaryRows() throws Exception {
    try (Connection c = connect()) {
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (?, ?, ?)")) {
        insert.setLong(1, 401);
        insert.setString(2, "it's a \\ 'test'?; DROP TABLE students; --");
        insert.setInt(3, 77);
        assertThat(insert.executeUpdate()).isEqualTo(1);
        insert.setLong(1, 402);
        insert.setString(2, "second");
        insert.setBigDecimal(3, new BigDecimal("12"));
        assertThat(insert.executeUpdate()).isEqualTo(1);
        // The table has no NULLs (docs/sql.md): a NULL parameter reaches the translator as NULL.
        insert.setLong(1, 403);
        insert.setString(2, "nulls");
        insert.setNull(3, Types.BIGINT);
        assertThatThrownBy(insert::executeUpdate).hasMessageContaining("must not be null");
      }
      try (PreparedStatement select =
          c.prepareStatement(
              "SELECT Stud_id, Stud_name, Stud_marks FROM students"
                  + " WHERE Stud_id >= ? AND Stud_id <= ? ORDER BY Stud_id")) {
        select.setLong(1, 401);
        select.setLong(2, 403);
        try (ResultSet rs = select.executeQuery()) {
          assertThat(rs.getMetaData().getColumnType(1)).isEqualTo(Types.BIGINT);
          assertThat(rs.getMetaData().getColumnType(2)).isEqualTo(Types.VARCHAR);
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(401);
          assertThat(rs.getString(2)).isEqualTo("it's a \\ 'test'?; DROP TABLE students; --");
          assertThat(rs.getLong(3)).isEqualTo(77);
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(3)).isEqualTo(12);
          assertThat(rs.next()).isFalse();
        }
      }
      try (PreparedStatement count =
              c.prepareStatement("SELECT COUNT(*) FROM students WHERE Stud_name = ?");
          PreparedStatement vars = c.prepareStatement("SELECT @@version_comment, 1")) {
        count.setString(1, "second");
        try (ResultSet rs = count.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(1);
        }
        try (ResultSet rs = vars.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).startsWith("ShardedDB");
          assertThat(rs.getLong(2)).isEqualTo(1);
        }
      }
      try (PreparedStatement dup =
          c.prepareStatement(
              "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (?, 'x', 1)")) {
        dup.setLong(1, 401);
        assertThatThrownBy(dup::executeUpdate)
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1062));
      }
    }
  }

  @Test
  void placeholdersAreFoundOutsideStringsNamesAndComments() {
    String sql =
        "SELECT `a?` FROM t /* ? */ WHERE x = '?' AND y = ? -- ?\n AND z = \"?\" AND w = ?";
    assertThat(Placeholders.count(sql)).isEqualTo(2);
    assertThat(Placeholders.bind(sql, List.of("1", Placeholders.quote("o'k\\"))))
        .isEqualTo(
            "SELECT `a?` FROM t /* ? */ WHERE x = '?' AND y = 1 -- ?\n AND z = \"?\" AND w = 'o\\'k\\\\'");
    assertThat(Placeholders.count("SELECT 'it''s ?' FROM t WHERE a = ?")).isEqualTo(1);
    assertThatThrownBy(() -> Placeholders.bind("SELECT ?", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
