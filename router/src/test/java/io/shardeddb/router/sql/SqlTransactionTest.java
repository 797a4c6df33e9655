package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.TxnStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A session's open transaction: what its statements see, and its one-shard rule. Pure. */
class SqlTransactionTest {
  private static Map<String, Object> row(long k, long marks) {
    return Map.of("k", k, "m", marks);
  }

  private static final Predicate MARKS_OVER_10 = new Predicate.Compare("m", Predicate.Op.GT, 10L);

  private static TableSchema table(String name, String key, ColumnType keyType) {
    return new TableSchema(
        name, key, List.of(new Column(key, keyType), new Column("m", ColumnType.Number)));
  }

  private static final TableSchema K = table("t", "k", ColumnType.Number);
  private static final TableSchema C = table("orders", "c", ColumnType.Number);

  @Test
  void itsOwnWritesUpdatesAndDeletesOverlayThePrimariesRows() {
    SqlTransaction t = new SqlTransaction();
    t.add("sh1", List.of(TxnStep.write(row(5, 50))), Map.of(5L, row(5, 50)), K);
    t.add("sh1", List.of(TxnStep.update(1, Map.of("m", 1L))), Map.of(1L, row(1, 1)), K);
    t.add("sh1", List.of(TxnStep.delete(2)), Map.of(), K);
    List<Map<String, Object>> read = List.of(row(1, 20), row(2, 30), row(3, 40));
    // Key 1 no longer matches (its update), 2 is deleted, 5 is the transaction's own.
    assertThat(t.overlay(null, read, KeyRanges.all(), MARKS_OVER_10, keyOf("k")))
        .containsExactly(row(3, 40), row(5, 50));
    // Outside the statement's keys the transaction's rows are not shown.
    assertThat(t.overlay(null, List.of(), KeyRanges.between(0, 4), MARKS_OVER_10, keyOf("k")))
        .isEmpty();
    assertThat(t.holds(5)).isTrue();
    assertThat(t.holds(2)).isFalse();
    assertThat(t.holds(3)).isNull();
    assertThat(t.steps()).hasSize(3);
    assertThat(t.shard()).isEqualTo("sh1");
  }

  @Test
  void aStatementOnAnotherShardIsRefusedWithNothingAdded() {
    SqlTransaction t = new SqlTransaction();
    t.add("sh1", List.of(TxnStep.write(row(5, 50))), Map.of(5L, row(5, 50)), K);
    assertThatThrownBy(() -> t.add("sh2", List.of(TxnStep.delete(900)), Map.of(), K))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("a transaction changes one shard")
        .hasMessageContaining("not supported");
    assertThat(t.steps()).hasSize(1);
    assertThat(t.holds(900)).isNull();
  }

  @Test
  void eachTablesChangesOverlayOnlyThatTablesRows() {
    SqlTransaction t = new SqlTransaction();
    t.add("sh1", List.of(TxnStep.delete(1)), Map.of(), K);
    t.add(
        "sh1",
        List.of(TxnStep.write(Map.of("c", 1L, "m", 70L)).ofTable("orders")),
        Map.of(1L, Map.of("c", 1L, "m", 70L)),
        C);
    // Key 1 deleted in the first table, written in orders: each table sees its own change.
    assertThat(t.holds(1)).isFalse();
    assertThat(t.holds("ORDERS", 1)).isTrue();
    assertThat(t.overlay(null, List.of(row(1, 20)), KeyRanges.all(), MARKS_OVER_10, keyOf("k")))
        .isEmpty();
    assertThat(t.overlay("orders", List.of(), KeyRanges.all(), MARKS_OVER_10, keyOf("c")))
        .containsExactly(Map.of("c", 1L, "m", 70L));
    assertThat(t.steps()).extracting(TxnStep::table).containsExactly(null, "orders");
  }

  @Test
  void aStringKeyedTablesChangesOverlayItsRowsByKeyValueInCodePointOrder() {
    TableSchema users = table("users", "name", ColumnType.String);
    SqlTransaction t = new SqlTransaction();
    Map<String, Object> zoe = Map.of("name", "zoë", "m", 50L);
    Map<String, Object> ana = Map.of("name", "ana", "m", 60L);
    t.add("sh1", List.of(TxnStep.write(zoe).ofTable("users")), Map.of("zoë", zoe), users);
    t.add("sh1", List.of(TxnStep.write(ana).ofTable("users")), Map.of("ana", ana), users);
    t.add("sh1", List.of(TxnStep.delete("bob").ofTable("users")), Map.of(), users);
    List<Map<String, Object>> read =
        List.of(Map.of("name", "bob", "m", 20L), Map.of("name", "cy", "m", 30L));
    assertThat(t.overlay("users", read, KeyRanges.all(), MARKS_OVER_10, keyOf("name")))
        .containsExactly(ana, Map.of("name", "cy", "m", 30L), zoe);
    assertThat(t.holds("users", "ana")).isTrue();
    assertThat(t.holds("users", "bob")).isFalse();
    assertThat(t.holds("users", "cy")).isNull();
    assertThat(t.steps()).extracting(TxnStep::key).containsExactly(null, null, "bob");
  }

  /** A row's key: the value of column {@code name}, as the executor reads a one-column key. */
  private static java.util.function.Function<Map<String, Object>, Object> keyOf(String name) {
    return r -> io.shardeddb.protocol.schema.ShardKeys.normalize(r.get(name));
  }
}
