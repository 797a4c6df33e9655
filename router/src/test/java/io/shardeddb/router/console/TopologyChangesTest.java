package io.shardeddb.router.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.console.TopologyChanges.Change;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyChangesTest {
  static final Replica A = new Replica("a", "http://a:8081", Role.Primary);
  static final Replica B = new Replica("b", "http://b:8081", Role.Secondary);
  static final Replica C = new Replica("c", "http://c:8081", Role.Secondary);

  static Topology of(long version, ShardTopology... shards) {
    return new Topology("db", version, null, null, List.of(shards), Map.of());
  }

  @Test
  void aFailoverIsOnePrimaryChangedWithBothEpochs() {
    Topology before = of(1, new ShardTopology("sh1", 0, 10, 3, "a", List.of(A, B)));
    Topology after = of(2, new ShardTopology("sh1", 0, 10, 4, "b", List.of(A, B)));
    assertThat(TopologyChanges.between(before, after))
        .containsExactly(
            new Change("Warning", "PrimaryChanged", "sh1: primary a (epoch 3) -> b (epoch 4)"));
  }

  @Test
  void aShardsFirstPrimaryIsAnElectionNotAChange() {
    Topology before = of(1, new ShardTopology("sh1", 0, 10, 0, null, List.of(A, B)));
    Topology after = of(2, new ShardTopology("sh1", 0, 10, 1, "a", List.of(A, B)));
    assertThat(TopologyChanges.between(before, after))
        .containsExactly(new Change("Normal", "PrimaryElected", "sh1: primary a at epoch 1"));
  }

  @Test
  void anEpochThatGrewUnderTheSamePrimaryIsNamedAsSuch() {
    Topology before = of(1, new ShardTopology("sh1", 0, 10, 3, "a", List.of(A, B)));
    Topology after = of(2, new ShardTopology("sh1", 0, 10, 5, "a", List.of(A, B)));
    assertThat(TopologyChanges.between(before, after))
        .extracting(Change::reason)
        .containsExactly("EpochChanged");
  }

  @Test
  void shardsAndReplicasThatComeAndGoAreEachOneChange() {
    Topology before =
        of(
            1,
            new ShardTopology("sh1", 0, 10, 1, "a", List.of(A, B)),
            new ShardTopology("sh2", 10, 10, 1, "a", List.of(A)));
    Topology after =
        of(
            2,
            new ShardTopology("sh1", 0, 5, 1, "a", List.of(A, C)),
            new ShardTopology("sh3", 5, 15, 1, "c", List.of(C)));
    assertThat(TopologyChanges.between(before, after))
        .extracting(Change::reason)
        .containsExactly(
            "RangeChanged", "ReplicaAdded", "ReplicaRemoved", "ShardAdded", "ShardRemoved");
  }

  @Test
  void theSameTopologyAgainIsNoChange() {
    Topology t = of(1, new ShardTopology("sh1", 0, 10, 1, "a", List.of(A, B)));
    assertThat(TopologyChanges.between(t, of(2, t.shards().toArray(ShardTopology[]::new))))
        .isEmpty();
  }
}
