package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.router.routing.WritePath.ShardWrite;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code quorum: a/b}, positions and {@code executed_on} of a write's reply. */
class WriteAcksTest {
  static WriteAcks of(List<ShardWrite> writes) {
    return WriteAcks.of(writes, shard -> 3, WriteQuorum.Majority::required);
  }

  @Test
  void aShardsQuorumIsTheReplicasThatAcknowledgedOutOfItsReplicas() {
    WriteAcks acks = of(List.of(new ShardWrite("sh1", "db-sh1-0", 2L, 12L, 3, 3)));
    assertThat(acks.quorum()).isEqualTo("3/3");
    assertThat(acks.timestamp()).isEqualTo(12);
    assertThat(acks.executedOn()).isEqualTo("sh1/db-sh1-0");
    assertThat(acks.positions().get("sh1")).isEqualTo(new QueryResponse.Position(2, 12, 3, 2, 3));
  }

  @Test
  void severalShardsReportTheLeastAcknowledgedOne() {
    WriteAcks acks =
        of(
            List.of(
                new ShardWrite("sh2", "db-sh2-1", 1L, 40L, 3, 3),
                new ShardWrite("sh1", "db-sh1-0", 1L, 7L, 2, 3)));
    assertThat(acks.quorum()).isEqualTo("2/3");
    assertThat(acks.timestamp()).isEqualTo(40);
    assertThat(acks.executedOn()).isEqualTo("sh1/db-sh1-0,sh2/db-sh2-1");
  }

  @Test
  void manyWritesToOneShardKeepItsLatestPositionAndFewestAcks() {
    WriteAcks acks =
        of(
            List.of(
                new ShardWrite("sh1", "db-sh1-0", 1L, 7L, 2, 3),
                new ShardWrite("sh1", "db-sh1-2", 2L, 9L, 3, 3)));
    assertThat(acks.positions().get("sh1")).isEqualTo(new QueryResponse.Position(2, 9, 2, 2, 3));
    assertThat(acks.quorum()).isEqualTo("2/3");
    // A failover between the writes: both primaries acknowledged part of it.
    assertThat(acks.executedOn()).isEqualTo("sh1/db-sh1-0+db-sh1-2");
  }

  @Test
  void anOlderShardServerWithoutCountsIsReportedAtItsQuorum() {
    WriteAcks acks = of(List.of(new ShardWrite("sh1", "db-sh1-0", 1L, 5L, null, null)));
    assertThat(acks.quorum()).isEqualTo("2/3");
  }

  @Test
  void noWriteNoQuorum() {
    WriteAcks acks = of(List.of(new ShardWrite("sh1", "db-sh1-0", null, null, null, null)));
    assertThat(acks.positions()).isEmpty();
    assertThat(acks.quorum()).isNull();
    assertThat(acks.executedOn()).isNull();
  }
}
