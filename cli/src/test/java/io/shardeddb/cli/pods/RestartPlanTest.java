package io.shardeddb.cli.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartPlanTest {
  static ReplicaStatus replica(String pod, Role role, boolean ready, long lsn) {
    return new ReplicaStatus(
        pod,
        "http://x:8081",
        role,
        ready,
        ready ? ReplicaState.Ready : ReplicaState.CatchingUp,
        lsn,
        0L,
        null);
  }

  /** A shard whose primary is pod {@code primary} of {@code n}, every replica ready. */
  static ShardStatus shard(String id, int n, int primary) {
    List<ReplicaStatus> rs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rs.add(
          replica(
              "db-" + id + "-" + i, i == primary ? Role.Primary : Role.Secondary, true, 50 + i));
    }
    return ShardStatus.builder()
        .id(id)
        .epoch(3L)
        .primary("db-" + id + "-" + primary)
        .replicas(rs)
        .build();
  }

  @Test
  void secondariesGoFirstByNameThenASwitchOverThenTheFormerPrimary() {
    RestartPlan.ShardPlan plan = RestartPlan.plan("sh1", shard("sh1", 3, 1), 3, false);

    assertThat(plan.refusal()).isNull();
    assertThat(plan.note()).isNull();
    assertThat(plan.steps())
        .containsExactly(
            new RestartPlan.Restart("sh1", "db-sh1-0", "secondary"),
            new RestartPlan.Restart("sh1", "db-sh1-2", "secondary"),
            new RestartPlan.SwitchOver("sh1", "db-sh1-1", "db-sh1-2"),
            new RestartPlan.Restart("sh1", "db-sh1-1", "former primary"));
  }

  @Test
  void theSwitchOverTargetIsTheReadySecondaryHoldingMostOfTheLogTiesByName() {
    ShardStatus s =
        ShardStatus.builder()
            .id("sh1")
            .primary("p")
            .replicas(
                List.of(
                    replica("p", Role.Primary, true, 100),
                    replica("c", Role.Secondary, true, 90),
                    replica("b", Role.Secondary, true, 99),
                    replica("a", Role.Secondary, true, 99),
                    replica("z", Role.Secondary, false, 100)))
            .build();
    assertThat(RestartPlan.switchOverTarget(s)).contains("a");
  }

  @Test
  void aShardWithAPodNotReadyIsRefusedSoNoSecondPodGoesDown() {
    ShardStatus s = shard("sh2", 3, 0);
    List<ReplicaStatus> rs = new ArrayList<>(s.replicasOrEmpty());
    rs.set(2, replica("db-sh2-2", Role.Secondary, false, 10));
    ShardStatus notReady = s.toBuilder().replicas(rs).build();

    RestartPlan.ShardPlan plan = RestartPlan.plan("sh2", notReady, 3, true);

    assertThat(plan.steps()).isEmpty();
    assertThat(plan.refusal())
        .isEqualTo(
            "pod db-sh2-2 of shard sh2 is not ready (CatchingUp); restarting another would take"
                + " a second pod of the shard down");
  }

  @Test
  void aShardWithoutPrimaryOrReplicasIsRefused() {
    assertThat(RestartPlan.plan("sh1", null, 3, false).refusal())
        .isEqualTo("shard sh1 reports no replicas yet");
    ShardStatus headless = shard("sh1", 3, 0).toBuilder().primary(null).build();
    assertThat(RestartPlan.plan("sh1", headless, 3, false).refusal())
        .startsWith("shard sh1 has no primary now");
  }

  @Test
  void twoReplicasStopWritesWhileOneIsDownSoTheyNeedForce() {
    ShardStatus two = shard("sh1", 2, 0);

    RestartPlan.ShardPlan refused = RestartPlan.plan("sh1", two, 2, false);
    assertThat(refused.steps()).isEmpty();
    assertThat(refused.refusal())
        .isEqualTo(
            "one pod down leaves 1 of shard sh1's 2 voting replicas in sync, fewer than the 2 a"
                + " write needs: writes to the shard stop while each pod restarts (--force to"
                + " restart anyway)");

    RestartPlan.ShardPlan forced = RestartPlan.plan("sh1", two, 2, true);
    assertThat(forced.refusal()).isNull();
    assertThat(forced.note()).startsWith("one pod down leaves 1");
    assertThat(forced.steps())
        .containsExactly(
            new RestartPlan.Restart("sh1", "db-sh1-1", "secondary"),
            new RestartPlan.SwitchOver("sh1", "db-sh1-0", "db-sh1-1"),
            new RestartPlan.Restart("sh1", "db-sh1-0", "former primary"));
  }

  @Test
  void aSingleReplicaIsRestartedInPlaceOnlyWhenForced() {
    assertThat(RestartPlan.plan("sh1", shard("sh1", 1, 0), 1, false).refusal())
        .contains("0 of shard sh1's 1 voting replicas");
    assertThat(RestartPlan.plan("sh1", shard("sh1", 1, 0), 1, true).steps())
        .containsExactly(new RestartPlan.Restart("sh1", "db-sh1-0", "the only replica: in place"));
  }

  @Test
  void onlyVotersCountTowardsTheWriteMajority() {
    // 5 replicas, 3 voting: one voter down leaves 2 voters, the 2 a write needs.
    ShardStatus growing = shard("sh1", 5, 0).toBuilder().voters(3).build();
    assertThat(RestartPlan.plan("sh1", growing, 3, false).refusal()).isNull();
    // 3 replicas, 2 voting (ordinal 2 a learner): one voter down leaves 1 of 2.
    ShardStatus learner = shard("sh1", 3, 0).toBuilder().voters(2).build();
    assertThat(RestartPlan.plan("sh1", learner, 2, false).refusal())
        .startsWith("one pod down leaves 1 of shard sh1's 2 voting replicas");
  }
}
