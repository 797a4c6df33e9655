package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
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

  @Test
  void itsOwnWritesUpdatesAndDeletesOverlayThePrimariesRows() {
    SqlTransaction t = new SqlTransaction();
    t.add("sh1", List.of(TxnStep.write(row(5, 50))), Map.of(5L, row(5, 50)), "k");
    t.add("sh1", List.of(TxnStep.update(1, Map.of("m", 1L))), Map.of(1L, row(1, 1)), "k");
    t.add("sh1", List.of(TxnStep.delete(2)), Map.of(), "k");
    List<Map<String, Object>> read = List.of(row(1, 20), row(2, 30), row(3, 40));
    // Key 1 no longer matches (its update), 2 is deleted, 5 is the transaction's own.
    assertThat(t.overlay(null, read, KeyRanges.all(), MARKS_OVER_10, "k"))
        .containsExactly(row(3, 40), row(5, 50));
    // Outside the statement's keys the transaction's rows are not shown.
    assertThat(t.overlay(null, List.of(), KeyRanges.between(0, 4), MARKS_OVER_10, "k")).isEmpty();
    assertThat(t.holds(5)).isTrue();
    assertThat(t.holds(2)).isFalse();
    assertThat(t.holds(3)).isNull();
    assertThat(t.steps()).hasSize(3);
    assertThat(t.shard()).isEqualTo("sh1");
  }

  @Test
  void aStatementOnAnotherShardIsRefusedWithNothingAdded() {
    SqlTransaction t = new SqlTransaction();
    t.add("sh1", List.of(TxnStep.write(row(5, 50))), Map.of(5L, row(5, 50)), "k");
    assertThatThrownBy(() -> t.add("sh2", List.of(TxnStep.delete(900)), Map.of(), "k"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("a transaction changes one shard")
        .hasMessageContaining("not supported");
    assertThat(t.steps()).hasSize(1);
    assertThat(t.holds(900)).isNull();
  }

  @Test
  void eachTablesChangesOverlayOnlyThatTablesRows() {
    SqlTransaction t = new SqlTransaction();
    t.add("sh1", List.of(TxnStep.delete(1)), Map.of(), "k");
    t.add(
        "sh1",
        List.of(TxnStep.write(Map.of("c", 1L, "m", 70L)).ofTable("orders")),
        Map.of(1L, Map.of("c", 1L, "m", 70L)),
        "c");
    // Key 1 deleted in the first table, written in orders: each table sees its own change.
    assertThat(t.holds(1)).isFalse();
    assertThat(t.holds("ORDERS", 1)).isTrue();
    assertThat(t.overlay(null, List.of(row(1, 20)), KeyRanges.all(), MARKS_OVER_10, "k")).isEmpty();
    assertThat(t.overlay("orders", List.of(), KeyRanges.all(), MARKS_OVER_10, "c"))
        .containsExactly(Map.of("c", 1L, "m", 70L));
    assertThat(t.steps()).extracting(TxnStep::table).containsExactly(null, "orders");
  }
}
