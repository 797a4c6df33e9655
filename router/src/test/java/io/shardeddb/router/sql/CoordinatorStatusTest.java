package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.quorum.CabinetWeights;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.QuorumState;
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

  @Test
  void thePrimarysCabinetWeightsAndItsBestWeightedMajorityAreShown() {
    // b is primary at epoch 2 and measured c at 1 ms and a at 40 ms: c is in its best-weighted
    // majority, a is not.
    Heartbeat primary =
        hb("b", 2, 120, 0, ReplicaState.Ready).toBuilder()
            .role(Role.Primary)
            .primary("b")
            .quorum(
                new QuorumState(
                    3,
                    List.of("a", "c"),
                    true,
                    5,
                    List.of(),
                    120,
                    false,
                    List.of(
                        CabinetWeights.primary("b"),
                        CabinetWeights.of("c", 1.0, 0),
                        CabinetWeights.of("a", 40.0, 2))))
            .build();
    Map<String, Heartbeat> beats =
        Map.of(
            "http://a", hb("a", 2, 118, 2, ReplicaState.Ready),
            "http://b", primary,
            "http://c", hb("c", 2, 120, 0, ReplicaState.Ready));

    CoordinatorStatus.Shard sh1 =
        CoordinatorStatus.of(
                topology(2, 2, "b"), Map.of("sh1", "a"), url -> Optional.ofNullable(beats.get(url)))
            .shards()
            .get(0);

    assertThat(sh1.bestWeightedMajority()).containsExactly("b", "c");
    assertThat(sh1.replicas())
        .extracting(
            CoordinatorStatus.ReplicaStatus::name,
            CoordinatorStatus.ReplicaStatus::ackLatencyMillis,
            CoordinatorStatus.ReplicaStatus::lagBehindPrimary,
            CoordinatorStatus.ReplicaStatus::weight)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", 40.0, 2L, 1.0 / 43),
            org.assertj.core.groups.Tuple.tuple("b", 0.0, 0L, 1.0),
            org.assertj.core.groups.Tuple.tuple("c", 1.0, 0L, 0.5));
  }

  @Test
  void withoutThePrimarysWeightsNoneAreShown() {
    // The primary predates the weights (or did not answer): nothing is made up.
    Map<String, Heartbeat> beats = Map.of("http://c", hb("c", 2, 100, 20, ReplicaState.Ready));
    CoordinatorStatus.Shard sh1 =
        CoordinatorStatus.of(
                topology(2, 2, "b"), Map.of("sh1", "a"), url -> Optional.ofNullable(beats.get(url)))
            .shards()
            .get(0);

    assertThat(sh1.bestWeightedMajority()).isNull();
    assertThat(sh1.replicas()).allSatisfy(r -> assertThat(r.weight()).isNull());
  }
}
