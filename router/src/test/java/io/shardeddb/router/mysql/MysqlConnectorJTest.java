package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * MySQL Connector/J, unchanged, against the router's MySQL listener: it connects as the data user
 * with the data token as password, and its statements run over the router's routed path (the
 * stand-in shard holds what an INSERT wrote); result sets carry the schema's column types; a
 * duplicate key is error 1062, a wrong password 1045, an unknown database 1049, an unknown column
 * 1054.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class MysqlConnectorJTest {
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

  Connection connect(String user, String password, String params) throws SQLException {
    return DriverManager.getConnection(fixture.jdbcUrl(params), user, password);
  }

  Connection data() throws SQLException {
    return connect("sdb", MysqlRouterFixture.DATA_TOKEN, "sslMode=DISABLED");
  }

  @Test
  void statementsRunThroughTheRouterAndResultSetsCarryTheSchemasTypes() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      assertThat(
              s.executeUpdate(
                  "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES"
                      + " (101, 'Ada', 91), (102, 'Brian', 55), (103, 'Chen', 78)"))
          .isEqualTo(3);

      try (ResultSet rs =
          s.executeQuery(
              "SELECT Stud_id, Stud_name AS name, Stud_marks FROM students"
                  + " WHERE Stud_id BETWEEN 101 AND 103 AND Stud_marks > 60"
                  + " ORDER BY Stud_marks DESC LIMIT 5")) {
        ResultSetMetaData md = rs.getMetaData();
        assertThat(md.getColumnCount()).isEqualTo(3);
        assertThat(md.getColumnLabel(2)).isEqualTo("name");
        assertThat(md.getColumnType(1)).isEqualTo(Types.BIGINT);
        assertThat(md.getColumnType(2)).isEqualTo(Types.VARCHAR);
        assertThat(md.getColumnType(3)).isEqualTo(Types.BIGINT);
        assertThat(md.getTableName(1)).isEqualTo("students");
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(rs.getLong(1) + ":" + rs.getString("name") + ":" + rs.getInt(3));
        }
        assertThat(rows).containsExactly("101:Ada:91", "103:Chen:78");
      }

      assertThat(s.executeUpdate("UPDATE students SET Stud_marks = 60 WHERE Stud_id = 102"))
          .isEqualTo(1);
      assertThat(s.executeUpdate("DELETE FROM students WHERE Stud_id = 103")).isEqualTo(1);
      try (ResultSet rs =
          s.executeQuery("SELECT COUNT(*) FROM students WHERE Stud_id BETWEEN 101 AND 103")) {
        assertThat(rs.getMetaData().getColumnType(1)).isEqualTo(Types.BIGINT);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(2);
      }
      try (ResultSet rs = s.executeQuery("SELECT Stud_marks FROM students WHERE Stud_id = 102")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(60);
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void groupByAndAggregatesAnswerWithMysqlsTypesOverTheTextAndBinaryProtocols() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES"
              + " (701, 'a', 10), (702, 'b', 20), (703, 'c', 10), (704, 'd', 15)");
      String sql =
          "SELECT Stud_marks, COUNT(*) AS n, SUM(Stud_id), AVG(Stud_id), MAX(Stud_name)"
              + " FROM students WHERE Stud_id BETWEEN 701 AND 704"
              + " GROUP BY Stud_marks ORDER BY n DESC, Stud_marks";
      List<String> text = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(sql)) {
        ResultSetMetaData md = rs.getMetaData();
        assertThat(md.getColumnLabel(2)).isEqualTo("n");
        assertThat(md.getColumnLabel(3)).isEqualTo("SUM(Stud_id)");
        assertThat(md.getColumnType(1)).isEqualTo(Types.BIGINT);
        assertThat(md.getColumnType(2)).isEqualTo(Types.BIGINT);
        assertThat(md.getColumnType(3)).isEqualTo(Types.DECIMAL);
        assertThat(md.getColumnType(4)).isEqualTo(Types.DECIMAL);
        assertThat(md.getScale(4)).isEqualTo(4);
        assertThat(md.getColumnType(5)).isEqualTo(Types.VARCHAR);
        while (rs.next()) {
          text.add(
              rs.getLong(1)
                  + ":"
                  + rs.getLong("n")
                  + ":"
                  + rs.getBigDecimal(3)
                  + ":"
                  + rs.getBigDecimal(4)
                  + ":"
                  + rs.getString(5));
        }
      }
      assertThat(text)
          .containsExactly("10:2:1404:702.0000:c", "15:1:704:704.0000:d", "20:1:702:702.0000:b");
      // The same statement prepared on the server (binary protocol) answers the same.
      try (Connection p =
              connect(
                  "sdb",
                  MysqlRouterFixture.DATA_TOKEN,
                  "sslMode=DISABLED&useServerPrepStmts=true");
          java.sql.PreparedStatement ps = p.prepareStatement(sql);
          ResultSet rs = ps.executeQuery()) {
        List<String> binary = new ArrayList<>();
        while (rs.next()) {
          binary.add(
              rs.getLong(1)
                  + ":"
                  + rs.getLong("n")
                  + ":"
                  + rs.getBigDecimal(3)
                  + ":"
                  + rs.getBigDecimal(4)
                  + ":"
                  + rs.getString(5));
        }
        assertThat(binary).isEqualTo(text);
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT DISTINCT Stud_marks FROM students WHERE Stud_id BETWEEN 701 AND 704 ORDER BY 1")) {
        List<Long> marks = new ArrayList<>();
        while (rs.next()) {
          marks.add(rs.getLong(1));
        }
        assertThat(marks).containsExactly(10L, 15L, 20L);
      }
    }
  }

  @Test
  void aRowWrittenOverMysqlIsWhatQueryReads() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (601, 'one', 5)");
    }
    io.shardeddb.router.Http.Reply r =
        fixture
            .router
            .http()
            .send(
                "POST",
                "/query",
                "{\"query\":\"SELECT Stud_name FROM students WHERE Stud_id = 601\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("data").get(0).get("Stud_name").asText()).isEqualTo("one");
  }

  @Test
  void anEmptyResultStillDescribesItsColumns() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT Stud_name FROM students WHERE Stud_id = 999")) {
      assertThat(rs.getMetaData().getColumnName(1)).isEqualTo("Stud_name");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void preparedStatementsWorkClientSide() throws Exception {
    try (Connection c = data();
        var insert =
            c.prepareStatement(
                "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (?, ?, ?)")) {
      insert.setLong(1, 201);
      insert.setString(2, "O'Brien; DROP TABLE students");
      insert.setLong(3, 70);
      assertThat(insert.executeUpdate()).isEqualTo(1);
      try (var select = c.prepareStatement("SELECT Stud_name FROM students WHERE Stud_id = ?")) {
        select.setLong(1, 201);
        try (ResultSet rs = select.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("O'Brien; DROP TABLE students");
        }
      }
    }
  }

  @Test
  void aDuplicateKeyIsError1062() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (301, 'a', 1)");
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (301, 'b', 2)"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getErrorCode()).isEqualTo(1062);
                assertThat(e.getSQLState()).isEqualTo("23000");
                assertThat(e.getMessage()).contains("already exists");
              });
      // The connection stays usable after an error.
      try (ResultSet rs = s.executeQuery("SELECT Stud_name FROM students WHERE Stud_id = 301")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("a");
      }
    }
  }

  @Test
  void aWrongPasswordIsError1045() {
    assertThatThrownBy(() -> connect("sdb", "not-the-token", "sslMode=DISABLED").close())
        .isInstanceOfSatisfying(
            SQLException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(1045);
              assertThat(e.getSQLState()).isEqualTo("28000");
              assertThat(e.getMessage()).contains("Access denied for user 'sdb'");
            });
    // The data token is not the admin user's password, nor is any password an unknown user's.
    assertThatThrownBy(
            () -> connect("sdb_admin", MysqlRouterFixture.DATA_TOKEN, "sslMode=DISABLED").close())
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
    assertThatThrownBy(
            () -> connect("root", MysqlRouterFixture.DATA_TOKEN, "sslMode=DISABLED").close())
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
  }

  @Test
  void theAdminUserConnectsWithTheAdminToken() throws Exception {
    try (Connection c = connect("sdb_admin", MysqlRouterFixture.ADMIN_TOKEN, "sslMode=DISABLED");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT DATABASE(), CURRENT_USER()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("students");
      assertThat(rs.getString(2)).isEqualTo("sdb_admin@%");
    }
  }

  @Test
  void bothAuthPluginsAreAccepted() throws Exception {
    for (String plugin :
        List.of(
            "com.mysql.cj.protocol.a.authentication.MysqlNativePasswordPlugin",
            "com.mysql.cj.protocol.a.authentication.CachingSha2PasswordPlugin",
            // Any other plugin is switched to mysql_native_password (AuthSwitchRequest).
            "com.mysql.cj.protocol.a.authentication.Sha256PasswordPlugin")) {
      try (Connection c =
              connect(
                  "sdb",
                  MysqlRouterFixture.DATA_TOKEN,
                  "sslMode=DISABLED&allowPublicKeyRetrieval=true&defaultAuthenticationPlugin="
                      + plugin);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT 1")) {
        assertThat(rs.next()).as(plugin).isTrue();
      }
    }
  }

  @Test
  void anUnknownDatabaseIsError1049AndAnUnknownColumn1054() throws Exception {
    String url = fixture.jdbcUrl("sslMode=DISABLED").replace("/students?", "/nosuch?");
    assertThatThrownBy(() -> DriverManager.getConnection(url, "sdb", MysqlRouterFixture.DATA_TOKEN))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1049));
    try (Connection c = data();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT nope FROM students"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getErrorCode()).isEqualTo(1054);
                assertThat(e.getSQLState()).isEqualTo("42S22");
              });
      assertThatThrownBy(() -> s.execute("SELEC oops"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1064));
      assertThat(c.isValid(5)).isTrue();
    }
  }
}
