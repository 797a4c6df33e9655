package io.shardeddb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.topology.Sharding;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** String shard keys (issue 46): one Java value per key, their order, their hash, their rules. */
class ShardKeysTest {
  private static final TableSchema USERS =
      new TableSchema(
          "users",
          "name",
          List.of(new Column("name", ColumnType.String), new Column("age", ColumnType.Number)));

  @Test
  void everyDecoderGivesOneValuePerKey() {
    assertThat(ShardKeys.normalize(7)).isEqualTo(7L);
    assertThat(ShardKeys.normalize(new BigDecimal("7"))).isEqualTo(7L);
    assertThat(ShardKeys.normalize("7")).isEqualTo("7");
    assertThat(ShardKeys.normalize(null)).isNull();
    assertThatThrownBy(() -> ShardKeys.normalize(new BigDecimal("7.5")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShardKeys.normalize(true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stringsSortByCodePointAsMysqlsBinaryCollation() {
    // U+1F600 (a surrogate pair in UTF-16) sorts after U+FFFD by code point, before it by unit.
    List<Object> keys = new ArrayList<>(List.of("\uFFFD", "😀", "B", "a", "A", 3L, -1L));
    keys.sort(ShardKeys.ORDER);
    assertThat(keys).containsExactly(-1L, 3L, "A", "B", "a", "\uFFFD", "😀");
  }

  @Test
  void aStringKeysHashIsFixedAndInTheHashSpace() {
    // Part of the stored data's placement: these values must never change.
    assertThat(Sharding.hash("")).isEqualTo(4023394144L);
    assertThat(Sharding.hash("alice")).isEqualTo(889704519L);
    assertThat(Sharding.hash("usér-😀")).isEqualTo(417726024L);
    long alice = Sharding.hash("alice");
    assertThat(alice).isBetween(0L, Sharding.HASH_SPACE - 1);
    assertThat(Sharding.Hash.point((Object) "alice")).isEqualTo(alice);
    assertThat(Sharding.Hash.point((Object) 5L)).isEqualTo(Sharding.hash(5L));
    assertThat(Sharding.hash("alice")).isNotEqualTo(Sharding.hash("Alice"));
    assertThatThrownBy(() -> Sharding.Range.point((Object) "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs sharding: Hash");
  }

  @Test
  void aStringKeyIsCoercedCheckedForLengthAndNeedsHashSharding() {
    assertThat(USERS.validate().hasStringKey()).isTrue();
    assertThat(USERS.coerceKey("bob")).isEqualTo("bob");
    assertThat(USERS.coerceKey("x".repeat(255))).isEqualTo("x".repeat(255));
    assertThatThrownBy(() -> USERS.coerceKey("x".repeat(256)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("at most 255");
    assertThatThrownBy(() -> USERS.coerceRow(java.util.Map.of("name", "y".repeat(300), "age", 1)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("at most 255");
    assertThat(USERS.shardingRefusal(Sharding.Hash)).isNull();
    assertThat(USERS.shardingRefusal(null)).contains("needs sharding: Hash");
    assertThat(USERS.shardingRefusal(Sharding.Range)).contains("needs sharding: Hash");
    TableSchema numbers = new TableSchema("t", "k", List.of(new Column("k", ColumnType.Number)));
    assertThat(numbers.shardingRefusal(Sharding.Range)).isNull();
    assertThat(numbers.coerceKey("12")).isEqualTo(12L);
  }

  @Test
  void aStringKeyCannotBeGeneratedAndOtherTypesCannotBeKeys() {
    TableSchema generated =
        new TableSchema(
            "users",
            "name",
            List.of(new Column("name", ColumnType.String, null, null, Boolean.TRUE)));
    assertThatThrownBy(generated::validate)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("only a Number key can be AUTO_INCREMENT");
    TableSchema decimal = new TableSchema("t", "d", List.of(new Column("d", ColumnType.Decimal)));
    assertThatThrownBy(decimal::validate)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("must be a Number or String column");
  }
}
