package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The view a pass decides from moves with the thresholds the planner compares, not positions. */
class HeartbeatChangesTest {

  @Test
  void positionsAndLagAloneLeaveTheViewAsItWas() {
    assertThat(view(primary(40, 0, 40), replica("p-1", 38, 2)))
        .isEqualTo(view(primary(90, 0, 88), replica("p-1", 80, 10)));
  }

  @Test
  void aLearnerReachingThePrimarysQuorumLsnChangesTheView() {
    Heartbeat primary = primary(50, 0, 50);
    assertThat(view(primary, replica("p-2", 49, 1)))
        .as("a learner one entry short")
        .isEqualTo(view(primary, replica("p-2", 20, 30)))
        .isNotEqualTo(view(primary, replica("p-2", 50, 0)));
    assertThat(view(primary, replica("p-2", 50, 0)).get("p-2").learnerCaughtUp()).isTrue();
  }

  @Test
  void aPrimaryNoMajorityAcknowledgedPastTheRule11BoundChangesTheView() {
    long bound = ShardPlanner.ISOLATED_AFTER.toMillis();
    assertThat(view(primary(50, bound, 50), replica("p-1", 50, 0)))
        .isEqualTo(view(primary(50, 10, 50), replica("p-1", 50, 0)))
        .isNotEqualTo(view(primary(50, bound + 1, 50), replica("p-1", 50, 0)));
  }

  @Test
  void aReplicaThatComesBackEmptyChangesTheView() {
    assertThat(view(primary(50, 0, 50), replica("p-1", 0, 50)).get("p-1").empty()).isTrue();
    assertThat(view(primary(50, 0, 50), replica("p-1", 1, 49)).get("p-1").empty()).isFalse();
  }

  private static Map<String, HeartbeatChanges.Answer> view(Heartbeat primary, Heartbeat other) {
    return HeartbeatChanges.view(Map.of(primary.name(), primary, other.name(), other));
  }

  /** The primary p-0 of epoch 1, voters p-1, learner p-2, a quorum holding {@code committed}. */
  private static Heartbeat primary(long lsn, long majorityAckAgeMillis, long committed) {
    return Heartbeat.builder("p-0", "sh1")
        .role(Role.Primary)
        .epoch(1)
        .appliedLsn(lsn)
        .lastEntryEpoch(1)
        .primary("p-0")
        .lagLsn(0)
        .state(ReplicaState.Ready)
        .build()
        .withQuorum(
            new QuorumState(
                2, List.of("p-1"), true, majorityAckAgeMillis, List.of("p-2"), committed));
  }

  private static Heartbeat replica(String name, long lsn, long lag) {
    return Heartbeat.builder(name, "sh1")
        .role(Role.Secondary)
        .epoch(1)
        .appliedLsn(lsn)
        .lastEntryEpoch(lsn == 0 ? 0 : 1)
        .primary("p-0")
        .lagLsn(lag)
        .state(ReplicaState.Ready)
        .build();
  }
}
