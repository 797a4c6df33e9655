package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.storage.DatabaseNames;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import io.shardeddb.shardserver.storage.FilterClause;
import io.shardeddb.shardserver.storage.UserTable;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link UserTable#rowsWithKeys}, the one query behind a batch of point reads, on a real MariaDB:
 * the rows of the keys that exist, in key order, in their wire form, with the owned-range condition
 * applied, across more keys than one statement takes.
 */
class RowsWithKeysTest {
  Connection c;
  String database;
  UserTable t;

  @BeforeEach
  void connect() throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    database = "rk_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection root = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = root.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    c =
        DriverManager.getConnection(
            DatabaseNames.withDatabase(db.jdbcUrl(), database), db.user(), db.password());
    t = UserTableTest.table("pts", List.of("id", "gpa"), List.of("Number", "Decimal"));
    t.create(c);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long k = 0; k < 3000; k += 2) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", k);
      row.put("gpa", new BigDecimal("1.50"));
      rows.add(row);
    }
    t.insert(c, rows);
  }

  @AfterEach
  void drop() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP DATABASE " + database);
    }
    c.close();
  }

  private List<Long> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> ((Number) r.get("id")).longValue()).toList();
  }

  @Test
  void theRowsOfTheKeysThatExistInKeyOrderAndWireForm() throws SQLException {
    List<Map<String, Object>> rows = t.rowsWithKeys(c, List.of(9L, 4L, 3L, 2L, 4L), null);
    assertThat(ids(rows)).containsExactly(2L, 4L);
    assertThat(rows.get(0).get("gpa")).isEqualTo("1.5");
  }

  @Test
  void moreKeysThanOneStatementTakesAreAllRead() throws SQLException {
    List<Long> keys = LongStream.range(0, 2600).boxed().toList();
    assertThat(t.rowsWithKeys(c, keys, null)).hasSize(1300);
  }

  @Test
  void theOwnedRangeConditionAndAFilterApply() throws SQLException {
    FilterClause owned = t.keyIn(List.of(new PointRange(0, 5), new PointRange(100, 10)), null);
    assertThat(ids(t.rowsWithKeys(c, List.of(2L, 4L, 6L, 100L, 110L), owned)))
        .containsExactly(2L, 4L, 100L);
    FilterClause none =
        FilterClause.of(
            t.schema(),
            ReadFilter.fromWire(Map.of("op", ">", "column", "gpa", "values", List.of("2"))));
    assertThat(t.rowsWithKeys(c, List.of(2L, 4L), none)).isEmpty();
  }
}
