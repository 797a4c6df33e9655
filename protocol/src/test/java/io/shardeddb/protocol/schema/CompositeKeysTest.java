package io.shardeddb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.topology.Sharding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Composite primary keys (issue 46): {@code PRIMARY KEY (user_id, order_id)} — the shard key first,
 * key values are tuples placed by their first value.
 */
class CompositeKeysTest {
  static final TableSchema ORDERS =
      new TableSchema(
          "orders",
          "user_id",
          List.of(
              new Column("user_id", ColumnType.Number),
              new Column("order_id", ColumnType.String),
              new Column("total", ColumnType.Number)),
          List.of(),
          List.of("user_id", "order_id"));

  @Test
  void aTuplesValuesAreNormalizedAndItIsPlacedByItsShardKey() {
    Object key = ShardKeys.normalize(List.of(7, "a"));
    assertThat(key).isEqualTo(List.of(7L, "a"));
    assertThat(Sharding.Range.point(key)).isEqualTo(7L);
    assertThat(Sharding.Hash.point(key)).isEqualTo(Sharding.hash(7L));
    assertThat(ShardKeys.shardKeyOf(key)).isEqualTo(7L);
    assertThatThrownBy(() -> ShardKeys.normalize(List.of(7)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShardKeys.normalize(new ArrayList<>(java.util.Arrays.asList(7, null))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tuplesSortValueByValueAndABoundOnTheShardKeyCoversItsWholeGroup() {
    List<Object> keys =
        new ArrayList<>(
            List.of(List.of(2L, "b"), List.of(1L, "z"), List.of(2L, "a"), List.of(1L, "ä")));
    keys.sort(ShardKeys.ORDER);
    assertThat(keys)
        .containsExactly(List.of(1L, "z"), List.of(1L, "ä"), List.of(2L, "a"), List.of(2L, "b"));
    assertThat(ShardKeys.compare(List.of(2L, "zz"), 2L)).isZero();
    assertThat(ShardKeys.compare(1L, List.of(2L, "a"))).isNegative();
  }

  @Test
  void aRowsKeyIsTheTupleOfItsKeyColumnsEachCoercedAndChecked() {
    ORDERS.validate();
    assertThat(ORDERS.keyColumns()).containsExactly("user_id", "order_id");
    assertThat(ORDERS.keyOf(Map.of("user_id", "7", "order_id", "o-1", "total", 3)))
        .isEqualTo(List.of(7L, "o-1"));
    assertThat(ORDERS.coerceKey(List.of(7, "o-1"))).isEqualTo(List.of(7L, "o-1"));
    assertThatThrownBy(() -> ORDERS.keyOf(Map.of("user_id", 7)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("order_id");
    assertThatThrownBy(() -> ORDERS.coerceKey(7L))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("(user_id, order_id)");
    assertThatThrownBy(() -> ORDERS.keyOf(Map.of("user_id", 7, "order_id", "x".repeat(256))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("key column 'order_id' is 256 characters long");
  }

  @Test
  void aCompositeKeyStartsWithTheShardKeyAndHoldsKeyableColumns() {
    List<Column> cols =
        List.of(
            new Column("a", ColumnType.Number),
            new Column("b", ColumnType.Number),
            new Column("c", ColumnType.Decimal));
    assertThatThrownBy(
            () -> new TableSchema("t", "a", cols, List.of(), List.of("b", "a")).validate())
        .hasMessageContaining("must start with the shard key 'a'");
    assertThatThrownBy(
            () -> new TableSchema("t", "a", cols, List.of(), List.of("a", "c")).validate())
        .hasMessageContaining("must be a Number or String column");
    assertThatThrownBy(
            () -> new TableSchema("t", "a", cols, List.of(), List.of("a", "x")).validate())
        .hasMessageContaining("'x' is not a column");
    assertThatThrownBy(
            () -> new TableSchema("t", "a", cols, List.of(), List.of("a", "a")).validate())
        .hasMessageContaining("twice");
    // One column naming the shard key is the one-column key.
    assertThat(new TableSchema("t", "a", cols, List.of(), List.of("a")).hasCompositeKey())
        .isFalse();
    assertThat(
            new TableSchema("t", "a", cols, List.of(), List.of("a", "b"))
                .evolutionRefusal(new TableSchema("t", "a", cols)))
        .contains("primary key is (a, b)");
  }

  @Test
  void theJsonOfAOneColumnKeyIsAsBeforeAndACompositeKeyRoundTrips() throws Exception {
    JsonMapper json = JsonMapper.createDefault();
    String one = json.writeValueAsString(new TableSchema("t", "a", ORDERS.columns()));
    assertThat(one).doesNotContain("primaryKey");
    String two = json.writeValueAsString(ORDERS);
    assertThat(two).contains("\"primaryKey\":[\"user_id\",\"order_id\"]");
    assertThat(json.readValue(two, TableSchema.class)).isEqualTo(ORDERS);
  }
}
