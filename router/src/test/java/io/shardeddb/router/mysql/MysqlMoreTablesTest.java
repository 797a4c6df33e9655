package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.router.Http;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A database of two tables through Connector/J and {@code /query} (issue 46, docs/sql.md, "More
 * tables"): statements on {@code orders} reach the shard with {@code "table":"orders"} on every
 * write, update, delete and read, the first table's requests carry no {@code table} (as before),
 * SHOW TABLES lists both, an unknown table is 1146, a transaction over both tables commits as one
 * {@code /txn} whose steps name their tables, and a join of the two on their shard keys answers
 * with typed columns (others are 1235). The stand-in shard keeps each table's rows apart, as a
 * shard-server does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class MysqlMoreTablesTest {
  MysqlRouterFixture fixture;

  @BeforeAll
  void start() throws Exception {
    fixture = MysqlRouterFixture.startWithOrders();
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
        fixture.jdbcUrl("sslMode=DISABLED"), "sdb", MysqlRouterFixture.DATA_TOKEN);
  }

  private static List<String> strings(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        out.add(String.join(":", row));
      }
    }
    return out;
  }

  @Test
  void rowsOfEachTableGoToTheirTableOnTheShardAndComeBackFromIt() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (5, 'ann', 90)");
      s.executeUpdate("INSERT INTO Orders (cust, item, qty) VALUES (5, 'pen', 2), (7, 'ink', 1)");

      // The same key 5 in both tables, kept apart.
      assertThat(fixture.shard.keys()).containsExactly(5L);
      assertThat(fixture.shard.rowsOf("orders")).containsOnlyKeys(5L, 7L);
      assertThat(fixture.shard.rowsOf("orders").get(5L)).containsEntry("item", "pen");

      assertThat(strings(s, "SELECT item, qty FROM orders WHERE cust = 5"))
          .containsExactly("pen:2");
      assertThat(strings(s, "SELECT cust FROM ORDERS ORDER BY cust")).containsExactly("5", "7");
      assertThat(strings(s, "SELECT Stud_name FROM students WHERE Stud_id = 5"))
          .containsExactly("ann");

      assertThat(s.executeUpdate("UPDATE orders SET qty = 3 WHERE cust = 7")).isEqualTo(1);
      assertThat(fixture.shard.rowsOf("orders").get(7L)).containsEntry("qty", 3);
      assertThat(s.executeUpdate("DELETE FROM orders WHERE cust = 5")).isEqualTo(1);
      assertThat(fixture.shard.rowsOf("orders")).containsOnlyKeys(7L);
      // The first table's row of the same key is untouched.
      assertThat(strings(s, "SELECT Stud_id, Stud_marks FROM students")).containsExactly("5:90");
    }
    List<String> seen = fixture.shard.tablesSeen;
    assertThat(seen).contains("/write orders", "/read orders", "/update orders", "/del orders");
    assertThat(seen).contains("/write -", "/read -");
    // Nothing of orders went out without its table, nothing of students with one.
    assertThat(seen).allMatch(x -> x.endsWith(" orders") || x.endsWith(" -"));
  }

  @Test
  void aJoinOnTheShardKeysAnswersWithEachColumnTypedAsItsTableSaysAndOthersAre1235()
      throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (40, 'bo', 70),"
              + " (41, 'cy', 60)");
      s.executeUpdate("INSERT INTO orders (cust, item, qty) VALUES (40, 'mug', 4), (42, 'cap', 1)");

      try (ResultSet rs =
          s.executeQuery(
              "SELECT s.Stud_name, o.item, o.qty AS n FROM students s JOIN orders o"
                  + " ON s.Stud_id = o.cust WHERE s.Stud_id BETWEEN 40 AND 49")) {
        var meta = rs.getMetaData();
        assertThat(meta.getColumnCount()).isEqualTo(3);
        assertThat(meta.getColumnLabel(1)).isEqualTo("Stud_name");
        assertThat(meta.getColumnLabel(3)).isEqualTo("n");
        assertThat(meta.getColumnTypeName(2)).isEqualTo("VARCHAR");
        assertThat(meta.getColumnTypeName(3)).isEqualTo("BIGINT");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("bo");
        assertThat(rs.getString("item")).isEqualTo("mug");
        assertThat(rs.getLong("n")).isEqualTo(4L);
        assertThat(rs.next()).isFalse();
      }
      assertThat(
              strings(
                  s,
                  "SELECT s.Stud_id, o.item FROM students s LEFT JOIN orders o"
                      + " ON o.cust = s.Stud_id WHERE s.Stud_id IN (40, 41) ORDER BY s.Stud_id"))
          .containsExactly("40:mug", "41:null");

      assertThatThrownBy(
              () ->
                  s.executeQuery("SELECT * FROM students s JOIN orders o ON s.Stud_marks = o.qty"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("joins must equate the two tables' shard keys (a.x = b.y)")
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM students, orders"))
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
      assertThatThrownBy(
              () -> s.executeQuery("SELECT cust FROM orders a JOIN orders b ON a.cust = b.cust"))
          .hasMessageContaining("ambiguous")
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1052));

      c.setAutoCommit(false);
      assertThatThrownBy(
              () -> s.executeQuery("SELECT * FROM students s JOIN orders o ON s.Stud_id = o.cust"))
          .hasMessageContaining("joins inside a transaction (BEGIN ... COMMIT) are not supported")
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
      c.rollback();
      c.setAutoCommit(true);
      // The other tests of the class see the stand-in shard as it was.
      s.executeUpdate("DELETE FROM students WHERE Stud_id IN (40, 41)");
      s.executeUpdate("DELETE FROM orders WHERE cust IN (40, 42)");
    }
  }

  @Test
  void showTablesListsEveryTableAndAnUnknownOneIs1146() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      assertThat(strings(s, "SHOW TABLES")).containsExactly("students", "orders");
      assertThat(strings(s, "SHOW COLUMNS FROM orders"))
          .extracting(r -> r.split(":")[0])
          .containsExactly("cust", "item", "qty");
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM invoices"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("unknown table 'invoices'")
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146));
    }
  }

  private static List<java.util.Map<String, Object>> explained(Statement s, String sql)
      throws SQLException {
    List<java.util.Map<String, Object>> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      var meta = rs.getMetaData();
      assertThat(meta.getColumnTypeName(meta.getColumnCount() - 1)).isEqualTo("BIGINT");
      while (rs.next()) {
        java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void explainShowsEachShardsAccessAndTheIndexItsMariaDbWouldUse() throws Exception {
    try (Connection c = data();
        Statement s = c.createStatement()) {
      List<java.util.Map<String, Object>> scan =
          explained(s, "EXPLAIN SELECT Stud_name FROM students WHERE Stud_marks = 7");
      assertThat(scan).hasSize(1);
      assertThat(scan.get(0).keySet())
          .containsExactly(
              "id",
              "shard",
              "table",
              "access",
              "key_range",
              "pushed_where",
              "router",
              "type",
              "possible_keys",
              "key",
              "rows",
              "Extra");
      assertThat(scan.get(0))
          .containsEntry("shard", "sh1")
          .containsEntry("table", "students")
          .containsEntry("access", "full scan of the shard")
          .containsEntry("key_range", "Stud_id BETWEEN 0 AND 999")
          .containsEntry("pushed_where", "Stud_marks = 7")
          .containsEntry("type", "ALL")
          .containsEntry("key", null);

      // The shard's own answer: with an index on the column, its MariaDB would use it.
      fixture.shard.indexed.add("Stud_marks");
      assertThat(explained(s, "EXPLAIN SELECT Stud_name FROM students WHERE Stud_marks = 7"))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r).containsEntry("type", "ref").containsEntry("key", "by_Stud_marks");
                assertThat(((Number) r.get("rows")).longValue()).isEqualTo(1);
              });

      // A join: each table on the shard, the second's request naming its table.
      List<java.util.Map<String, Object>> join =
          explained(
              s,
              "EXPLAIN SELECT s.Stud_name, o.item FROM students s JOIN orders o"
                  + " ON s.Stud_id = o.cust WHERE o.cust = 40");
      assertThat(join)
          .extracting(r -> r.get("shard") + " " + r.get("table") + " " + r.get("key"))
          .containsExactly("sh1 s PRIMARY", "sh1 o PRIMARY");
      assertThat((String) join.get(1).get("router")).startsWith("JOIN merged by key");
      assertThat(fixture.shard.tablesSeen).contains("/read/explain orders", "/read/explain -");

      // Refused clearly: 1235, as what else the router does not support.
      assertThatThrownBy(() -> s.executeQuery("EXPLAIN FORMAT=JSON SELECT * FROM students"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("FORMAT=JSON is not supported")
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
      // EXPLAIN of a table is MySQL's DESCRIBE.
      assertThat(strings(s, "EXPLAIN orders"))
          .extracting(r -> r.split(":")[0])
          .containsExactly("cust", "item", "qty");
    } finally {
      fixture.shard.indexed.clear();
    }
    // The same on /query: its columns, and a row per shard.
    Http.Reply r =
        new Http(fixture.router.url(), MysqlRouterFixture.DATA_TOKEN)
            .send(
                "POST",
                "/query",
                "{\"query\":\"EXPLAIN SELECT * FROM orders WHERE cust BETWEEN 3 AND 8\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text())
        .contains("\"columns\":[\"id\",\"shard\",\"table\",\"access\"")
        .contains("\"access\":\"key range on the shard key\"")
        .contains("\"key_range\":\"cust BETWEEN 3 AND 8\"")
        .contains("\"key\":\"PRIMARY\"");
  }

  @Test
  void anUnknownTableOnQueryIsA400NamingIt() {
    Http.Reply r =
        new Http(fixture.router.url(), MysqlRouterFixture.DATA_TOKEN)
            .send("POST", "/query", "{\"query\":\"SELECT * FROM invoices\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).contains("unknown table 'invoices'").contains("[students, orders]");
  }

  @Test
  void aTransactionOverBothTablesCommitsAsOneChangeOfItsShardOrRollsBackWhole() throws Exception {
    long txnsBefore = fixture.shard.callsTo("/txn");
    try (Connection c = data();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO orders (cust, item, qty) VALUES (9, 'cap', 1)");
      s.executeUpdate(
          "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (9, 'Nine', 90)");
      s.executeUpdate("UPDATE orders SET qty = 4 WHERE cust = 9");
      // Inside it, its own changes show, per table; nothing reached the shard yet.
      assertThat(strings(s, "SELECT cust, item, qty FROM orders WHERE cust = 9"))
          .containsExactly("9:cap:4");
      assertThat(strings(s, "SELECT Stud_name FROM students WHERE Stud_id = 9"))
          .containsExactly("Nine");
      assertThat(fixture.shard.rowsOf("orders")).doesNotContainKey(9L);
      c.commit();

      s.executeUpdate("INSERT INTO orders (cust, item, qty) VALUES (11, 'pen', 1)");
      s.executeUpdate("DELETE FROM students WHERE Stud_id = 9");
      c.rollback();
      c.setAutoCommit(true);
    }
    // One /txn for the committed one, with steps of both tables; the rolled back one sent nothing.
    assertThat(fixture.shard.callsTo("/txn")).isEqualTo(txnsBefore + 1);
    assertThat(fixture.shard.rowsOf("orders").get(9L)).containsEntry("qty", 4);
    assertThat(fixture.shard.rowsOf(null).get(9L)).containsEntry("Stud_name", "Nine");
    assertThat(fixture.shard.rowsOf("orders")).doesNotContainKey(11L);
  }
}
