package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.shardserver.storage.DatabaseNames;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import io.shardeddb.shardserver.storage.FilterClause;
import io.shardeddb.shardserver.storage.UserTable;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The user's table on a real MariaDB: kept apart from the shard-server's own tables whatever it is
 * called, wide enough for 64 full String columns, exact for 38-digit decimals, and carried over
 * from the unprefixed name older shard-servers used.
 */
class UserTableTest {
  Connection c;
  String database;

  @BeforeEach
  void connect() throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    database = "ut_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection root = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = root.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    c =
        DriverManager.getConnection(
            DatabaseNames.withDatabase(db.jdbcUrl(), database), db.user(), db.password());
  }

  @AfterEach
  void drop() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP DATABASE " + database);
    }
    c.close();
  }

  static UserTable table(String name, List<String> columns, List<String> types) {
    return new UserTable(TableSchema.fromContract(name, null, new SchemaDoc(columns, types)));
  }

  long count(String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + table + "`")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aTableNamedShardMetaNeverTouchesTheInternalShardMeta() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE shard_meta (id INT PRIMARY KEY)");
      s.execute("INSERT INTO shard_meta VALUES (1)");
    }
    UserTable t = table("shard_meta", List.of("id", "name"), List.of("Number", "String"));
    t.create(c);
    assertThat(t.physicalName()).isEqualTo("user_shard_meta");
    t.insert(c, List.of(new LinkedHashMap<>(Map.of("id", 1L, "name", "a"))));
    assertThat(t.delete(c, 1)).isEqualTo(1);
    t.truncate(c);
    assertThat(count("shard_meta")).isEqualTo(1);
  }

  @Test
  void sixtyFourFullStringColumnsAndAnExactDecimalFitOneRow() throws SQLException {
    List<String> columns = new ArrayList<>(List.of("id", "gpa"));
    List<String> types = new ArrayList<>(List.of("Number", "Decimal"));
    for (int i = 0; i < 62; i++) {
      columns.add("s" + i);
      types.add("String");
    }
    UserTable t = table("wide", columns, types);
    t.create(c);
    String exact = "-1234567890123456789012345678.1234567891";
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", 7L);
    row.put("gpa", new BigDecimal(exact));
    for (int i = 0; i < 62; i++) {
      row.put("s" + i, "\u00e9".repeat(1024));
    }
    t.insert(c, List.of(row));
    List<Map<String, Object>> read = t.range(c, 0, 10);
    assertThat(read).hasSize(1);
    assertThat(read.get(0).get("gpa")).isEqualTo(exact);
    assertThat(read.get(0).get("s61")).isEqualTo("\u00e9".repeat(1024));
  }

  @Test
  void aTableLeftUnprefixedByAnOlderShardServerIsRenamedWithItsRows() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE students (Stud_id BIGINT NOT NULL, Stud_name VARCHAR(1024) NULL,"
              + " PRIMARY KEY (Stud_id))");
      s.execute("INSERT INTO students VALUES (5, 'kept')");
    }
    UserTable t = table("students", List.of("Stud_id", "Stud_name"), List.of("Number", "String"));
    t.create(c);
    assertThat(t.range(c, 0, 10)).containsExactly(Map.of("Stud_id", 5L, "Stud_name", "kept"));
    t.create(c);
    assertThat(count("user_students")).isEqualTo(1);
  }

  @Test
  void jsonDateTimeAndNullValuesAreStoredAndReadBackAsTheyWereCoerced() throws SQLException {
    TableSchema schema =
        new TableSchema(
            "users",
            "id",
            List.of(
                new Column("id", ColumnType.Number),
                new Column("email", ColumnType.String, true, null, null),
                new Column("doc", ColumnType.Json, true, null, null),
                new Column("created_at", ColumnType.DateTime, null, "CURRENT_TIMESTAMP", null)));
    UserTable t = new UserTable(schema);
    t.create(c);
    Map<String, Object> full =
        schema.coerceRow(
            Map.of(
                "id", 1,
                "email", "a@example.com",
                "doc", "{\"tags\": [\"x\", \"y\"], \"n\": 1.5}",
                "created_at", "2026-11-26 10:15:30.25"));
    Map<String, Object> sparse = schema.coerceRow(Map.of("id", 2, "created_at", "2026-11-26"));
    t.insert(c, List.of(full, sparse));
    List<Map<String, Object>> rows = t.range(c, 0, 10);
    assertThat(rows).containsExactly(full, sparse);
    assertThat(rows.get(0).get("doc")).isEqualTo("{\"tags\":[\"x\",\"y\"],\"n\":1.5}");
    assertThat(rows.get(1))
        .containsEntry("email", null)
        .containsEntry("doc", null)
        .containsEntry("created_at", "2026-11-26 00:00:00");
    assertThat(t.canonical(rows.get(0))).isEqualTo(t.canonical(full));
  }

  @Test
  void aStringKeyIsReadBetweenTwoOneOrNoBoundsInCodePointOrderAndByPoint() throws SQLException {
    UserTable t =
        new UserTable(
            TableSchema.fromContract(
                "users",
                "name",
                new SchemaDoc(List.of("name", "city"), List.of("String", "String"))));
    t.create(c);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String n : List.of("b", "a", "z-\uFF21", "z-\uD83D\uDE00", "\u00C4rger", "B", "ab")) {
      // ASCII cities: this test's database has the server's default character set.
      rows.add(new LinkedHashMap<>(Map.of("name", n, "city", n.equals("b") ? "c-b" : "other")));
    }
    t.insert(c, rows);
    List<String> all = List.of("B", "a", "ab", "b", "z-\uFF21", "z-\uD83D\uDE00", "\u00C4rger");

    assertThat(names(t.range(c, "a", "b", null, 100))).containsExactly("a", "ab", "b");
    assertThat(names(t.range(c, "b", null, null, 100))).isEqualTo(all.subList(3, all.size()));
    assertThat(names(t.range(c, null, "ab", null, 100))).containsExactly("B", "a", "ab");
    assertThat(names(t.range(c, null, null, null, 100))).isEqualTo(all);
    assertThat(names(t.range(c, null, null, null, 2))).containsExactly("B", "a");
    FilterClause cityIsB = new FilterClause("`city` = ?", List.of("c-b"));
    assertThat(names(t.range(c, "a", null, cityIsB, 100))).containsExactly("b");
    assertThat(names(t.range(c, null, null, cityIsB, 100))).containsExactly("b");

    assertThat(t.keys(c, "a", "b", null)).containsExactly("a", "ab", "b");
    assertThat(t.keys(c, null, null, null)).isEqualTo(List.<Object>copyOf(all));
    assertThat(t.count(c, "a", "b", null)).isEqualTo(3);
    assertThat(t.count(c, "z", null, null)).isEqualTo(3);
    assertThat(t.count(c, null, "B", null)).isEqualTo(1);
    assertThat(t.count(c, null, null, cityIsB)).isEqualTo(1);
    assertThat(names(t.rowsWithKeys(c, List.of("z-\uD83D\uDE00", "nobody", "B"), null)))
        .containsExactlyInAnyOrder("z-\uD83D\uDE00", "B");

    // The statements: both bounds as BETWEEN (a Number key's read unchanged), one as >= or <=,
    // none as no key condition; every value bound, none in the text.
    UserTable.Query two = t.rangeQuery("a", "b", cityIsB, 5, false);
    assertThat(two.sql()).contains("WHERE `name` BETWEEN ? AND ? AND `city` = ? ORDER BY");
    assertThat(two.params()).containsExactly("a", "b", "c-b", 5);
    assertThat(t.rangeQuery("a", null, null, 5, false).sql())
        .contains("WHERE `name` >= ? ORDER BY");
    assertThat(t.rangeQuery(null, "b", null, 5, false).sql())
        .contains("WHERE `name` <= ? ORDER BY");
    UserTable.Query none = t.rangeQuery(null, null, cityIsB, 5, false);
    assertThat(none.sql())
        .contains("WHERE `city` = ? ORDER BY")
        .doesNotContain("BETWEEN", ">=", "<=");
    assertThat(none.params()).containsExactly("c-b", 5);
    assertThat(t.countQuery(null, null, null).sql()).doesNotContain("WHERE");
    assertThat(t.countQuery("a", "b", null).params()).containsExactly("a", "b");
  }

  private static List<Object> names(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> r.get("name")).toList();
  }
}
