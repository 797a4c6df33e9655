package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.topology.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Under Hash sharding the shards' ranges divide hashes, so a WHERE's key ranges are not clamped to
 * them: keys outside every shard's range still hash into some shard and must be read.
 */
class HashReadRangesTest {
  static RoutingTable table(Sharding sharding) {
    long half = Sharding.HASH_SPACE / 2;
    return new RoutingTable(
        new Topology(
            "db",
            1,
            new TableSchema("t", "k", List.of(new Column("k", ColumnType.Number))),
            null,
            List.of(
                new ShardTopology("sh1", 0, half, 1, null, List.of()),
                new ShardTopology("sh2", half, half, 1, null, List.of())),
            Map.of(),
            sharding));
  }

  @Test
  void negativeKeysAreReadUnderHashThoughNoShardRangeHoldsThem() {
    KeyRanges keys = KeyRanges.between(-100, -1);
    assertThat(SqlExecutor.readRanges(table(Sharding.Range), keys)).isEmpty();
    assertThat(SqlExecutor.readRanges(table(Sharding.Hash), keys))
        .containsExactly(new KeyRange(-100, -1));
  }

  @Test
  void veryManyRangesAreReadAsTheirHullUnderHash() {
    List<KeyRange> many = new ArrayList<>();
    for (long k = 0; k < 6 * SqlExecutor.MAX_RANGE_READS; k += 3) {
      many.add(new KeyRange(k, k));
    }
    List<KeyRange> read = SqlExecutor.readRanges(table(Sharding.Hash), new KeyRanges(many));
    assertThat(read).containsExactly(new KeyRange(0, 3L * (2 * SqlExecutor.MAX_RANGE_READS - 1)));
  }

  @Test
  void aPointOrAShortRangeUnderHashAsksOnlyTheOwnersOfItsKeys() {
    RoutingTable t = table(Sharding.Hash);
    long half = Sharding.HASH_SPACE / 2;
    // Key 7's hash lies in one half: only that shard is asked for it (before: both).
    String owner = Sharding.hash(7L) < half ? "sh1" : "sh2";
    assertThat(t.shardsFor(7, 7)).extracting(ShardTopology::id).containsExactly(owner);
    // A short range asks the owners of its keys; a wide one every shard.
    List<String> owners =
        java.util.stream.LongStream.rangeClosed(0, 9)
            .mapToObj(k -> Sharding.hash(k) < half ? "sh1" : "sh2")
            .distinct()
            .sorted()
            .toList();
    assertThat(t.shardsFor(0, 9)).extracting(ShardTopology::id).containsExactlyElementsOf(owners);
    assertThat(t.shardsFor(0, 1_000_000)).hasSize(2);
    assertThat(t.shardsFor(Long.MIN_VALUE, Long.MAX_VALUE)).hasSize(2);
    assertThat(t.shardsFor(5, 4)).isEmpty();
  }

  @Test
  void aStringKeysEqualityOrInListAsksOnlyTheOwnersOfThoseKeys() {
    long half = Sharding.HASH_SPACE / 2;
    RoutingTable t =
        new RoutingTable(
            new Topology(
                "db",
                1,
                new TableSchema("u", "name", List.of(new Column("name", ColumnType.String))),
                null,
                List.of(
                    new ShardTopology("sh1", 0, half, 1, null, List.of()),
                    new ShardTopology("sh2", half, half, 1, null, List.of())),
                Map.of(),
                Sharding.Hash));
    String low = firstKeyIn(0, half);
    String high = firstKeyIn(half, Sharding.HASH_SPACE);
    Predicate one = new Predicate.Compare("name", Predicate.Op.EQ, low);
    assertThat(SqlExecutor.pinnedKeys(t, one)).containsExactly(low);
    assertThat(t.shardsForKeys(SqlExecutor.pinnedKeys(t, one)))
        .extracting(ShardTopology::id)
        .containsExactly("sh1");
    Predicate both = new Predicate.In("name", List.of(low, high), false);
    assertThat(t.shardsForKeys(SqlExecutor.pinnedKeys(t, both))).hasSize(2);
    // Through AND (another column's condition) and OR (both sides name the key).
    Predicate and = new Predicate.And(one, new Predicate.Compare("name", Predicate.Op.GT, "a"));
    assertThat(SqlExecutor.pinnedKeys(t, and)).containsExactly(low);
    assertThat(
            SqlExecutor.pinnedKeys(
                t, new Predicate.Or(one, new Predicate.Compare("name", Predicate.Op.EQ, high))))
        .containsExactlyInAnyOrder(low, high);
    // Not named exactly: every shard.
    assertThat(SqlExecutor.pinnedKeys(t, new Predicate.Compare("name", Predicate.Op.GT, low)))
        .isNull();
    assertThat(
            SqlExecutor.pinnedKeys(
                t, new Predicate.Or(one, new Predicate.Compare("name", Predicate.Op.GT, "m"))))
        .isNull();
    assertThat(SqlExecutor.pinnedKeys(t, new Predicate.In("name", List.of(low), true))).isNull();
    // A Number key's ranges choose its shards already.
    assertThat(
            SqlExecutor.pinnedKeys(
                table(Sharding.Hash), new Predicate.Compare("k", Predicate.Op.EQ, 7L)))
        .isNull();
  }

  @Test
  void explainListsTheShardsAStringKeysReadAsks() {
    long half = Sharding.HASH_SPACE / 2;
    TableSchema u = new TableSchema("u", "name", List.of(new Column("name", ColumnType.String)));
    RoutingTable t =
        new RoutingTable(
            new Topology(
                "db",
                1,
                u,
                null,
                List.of(
                    new ShardTopology("sh1", 0, half, 1, null, List.of()),
                    new ShardTopology("sh2", half, half, 1, null, List.of())),
                Map.of(),
                Sharding.Hash));
    String low = firstKeyIn(0, half);
    String high = firstKeyIn(half, Sharding.HASH_SPACE);
    SqlTranslator translator =
        new SqlTranslator(new TableSet(u, List.of()), SqlTranslatorTest.PARSER);
    // Before: EXPLAIN listed both shards for a point read the executor sends to one.
    assertThat(explained(t, translator, "EXPLAIN SELECT * FROM u WHERE name = '" + high + "'"))
        .containsExactly("sh2");
    assertThat(
            explained(
                t,
                translator,
                "EXPLAIN SELECT * FROM u WHERE name IN ('" + low + "', '" + high + "')"))
        .containsExactly("sh1", "sh2");
    assertThat(explained(t, translator, "EXPLAIN SELECT * FROM u WHERE name > 'm'"))
        .containsExactly("sh1", "sh2");
  }

  private static List<String> explained(RoutingTable t, SqlTranslator translator, String sql) {
    SqlPlan.Explain e = (SqlPlan.Explain) translator.translate(sql);
    return SqlExplain.steps(t, (SqlPlan.Select) e.of()).stream().map(s -> s.shard().id()).toList();
  }

  private static String firstKeyIn(long low, long high) {
    for (int i = 0; ; i++) {
      long p = Sharding.hash("user-" + i);
      if (p >= low && p < high) {
        return "user-" + i;
      }
    }
  }
}
