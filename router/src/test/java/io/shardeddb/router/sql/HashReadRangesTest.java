package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
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
}
