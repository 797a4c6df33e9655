package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The coordinator's status: original primary, replicas with lag, and the operator's ranking. */
class CoordinatorStatusTest {
  static Topology topology(long version, long epoch, String primary) {
    return new Topology(
        "students",
        version,
        SqlTranslatorTest.SCHEMA,
        null,
        List.of(
            new ShardTopology(
                "sh1",
                0,
                4096,
                epoch,
                primary,
                List.of(
                    new Replica(
                        "a", "http://a", primary.equals("a") ? Role.Primary : Role.Secondary),
                    new Replica(
                        "b", "http://b", primary.equals("b") ? Role.Primary : Role.Secondary),
                    new Replica("c", "http://c", Role.Secondary)))),
        Map.of());
  }

  static Heartbeat hb(String name, long lastEntryEpoch, long lsn, long lag, ReplicaState state) {
    return Heartbeat.builder(name, "sh1")
        .role(Role.Secondary)
        .epoch(2)
        .appliedLsn(lsn)
        .lastEntryEpoch(lastEntryEpoch)
        .primary("a")
        .lagLsn(lag)
        .state(state)
        .build();
  }

  @Test
  void aFailoverShowsTheNewPrimaryAsNotTheOriginalAndRanksByTheFailoverRule() {
    Map<String, String> first = PrimaryHistory.record(Map.of(), topology(1, 1, "a"));
    first = PrimaryHistory.record(first, topology(2, 2, "b"));
    assertThat(first).containsEntry("sh1", "a");

    Map<String, Heartbeat> beats =
        Map.of(
            "http://b", hb("b", 2, 120, 0, ReplicaState.Ready),
            "http://c", hb("c", 2, 100, 20, ReplicaState.Ready));
    CoordinatorStatus.Response status =
        CoordinatorStatus.of(
            topology(2, 2, "b"), first, url -> Optional.ofNullable(beats.get(url)));

    CoordinatorStatus.Shard sh1 = status.shards().get(0);
    assertThat(sh1.primary()).isEqualTo("b");
    assertThat(sh1.originalPrimary()).isEqualTo("a");
    assertThat(sh1.isOriginal()).isFalse();
    assertThat(sh1.replicas())
        .extracting(
            CoordinatorStatus.ReplicaStatus::name,
            CoordinatorStatus.ReplicaStatus::reachable,
            CoordinatorStatus.ReplicaStatus::lag,
            CoordinatorStatus.ReplicaStatus::rank)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", false, null, null),
            org.assertj.core.groups.Tuple.tuple("b", true, 0L, 1),
            org.assertj.core.groups.Tuple.tuple("c", true, 20L, 2));
  }

  @Test
  void aReplicaThatIsCopyingIsNotEligible() {
    Map<String, Heartbeat> beats =
        Map.of(
            "http://a", hb("a", 2, 50, 0, ReplicaState.Ready),
            "http://b", hb("b", 2, 900, 0, ReplicaState.Copying));
    CoordinatorStatus.Shard sh1 =
        CoordinatorStatus.of(
                topology(1, 1, "a"), Map.of("sh1", "a"), url -> Optional.ofNullable(beats.get(url)))
            .shards()
            .get(0);
    assertThat(sh1.isOriginal()).isTrue();
    assertThat(sh1.replicas().get(0).rank()).isEqualTo(1);
    assertThat(sh1.replicas().get(1).eligible()).isFalse();
    assertThat(sh1.replicas().get(1).rank()).isNull();
  }
}
