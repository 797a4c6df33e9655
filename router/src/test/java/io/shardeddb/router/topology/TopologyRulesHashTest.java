package io.shardeddb.router.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pushed Hash topology's shard ranges must lie in the hash space. */
class TopologyRulesHashTest {
  static Topology hash(long low, long size) {
    return new Topology(
        "db",
        1,
        new TableSchema("t", "k", List.of(new Column("k", ColumnType.Number))),
        null,
        List.of(new ShardTopology("sh1", low, size, 1, null, List.of())),
        Map.of(),
        Sharding.Hash);
  }

  @Test
  void rangesInsideTheHashSpaceAreAccepted() {
    assertThat(TopologyRules.validate(hash(0, Sharding.HASH_SPACE)).sharding())
        .isEqualTo(Sharding.Hash);
  }

  @Test
  void rangesOutsideTheHashSpaceAreRefusedNamingTheShard() {
    assertThatThrownBy(() -> TopologyRules.validate(hash(-5, 10)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("shards[0]")
        .hasMessageContaining("hash space");
    assertThatThrownBy(() -> TopologyRules.validate(hash(1, Sharding.HASH_SPACE)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("hash space");
  }
}
