package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A template change rolls the secondaries one at a time, highest ordinal first, only while the
 * shard is settled, and the primary last through a planned switch-over, never a failover.
 */
class RollPlannerTest {
  static final String NEW = "rev-2";

  static PodView pod(int i, String revision, boolean ready) {
    return new PodView("p-" + i, i, "10.0.0." + i, ready, true, 0, false, revision);
  }

  static ShardStatus status(String primary, int n, ReplicaState state) {
    List<ReplicaStatus> replicas =
        IntStream.range(0, n)
            .mapToObj(
                i ->
                    new ReplicaStatus(
                        "p-" + i,
                        "http://10.0.0." + i + ":8081",
                        ("p-" + i).equals(primary) ? Role.Primary : Role.Secondary,
                        true,
                        i == 1 ? state : ReplicaState.Ready,
                        0L,
                        0L,
                        null))
            .toList();
    return ShardStatus.builder()
        .id("sh1")
        .epoch(2L)
        .primary(primary)
        .readyReplicas(n)
        .replicas(replicas)
        .build();
  }

  @Test
  void theOutdatedSecondaryWithTheHighestOrdinalGoesFirstAndThePrimaryNever() {
    List<PodView> pods =
        List.of(pod(0, "rev-1", true), pod(1, "rev-1", true), pod(2, "rev-1", true));
    ShardStatus s = status("p-2", 3, ReplicaState.Ready);

    assertThat(RollPlanner.next(ShardPhase.Ready, s, pods, NEW))
        .hasValueSatisfying(p -> assertThat(p.name()).isEqualTo("p-1"));

    List<PodView> onlyPrimaryLeft =
        List.of(pod(0, NEW, true), pod(1, NEW, true), pod(2, "rev-1", true));
    assertThat(RollPlanner.next(ShardPhase.Ready, s, onlyPrimaryLeft, NEW)).isEmpty();
  }

  @Test
  void nothingIsRolledUnlessTheShardIsSettled() {
    List<PodView> pods = List.of(pod(0, "rev-1", true), pod(1, NEW, false), pod(2, "rev-1", true));
    ShardStatus s = status("p-0", 3, ReplicaState.Ready);
    // The pod rolled before is not back yet.
    assertThat(RollPlanner.next(ShardPhase.Ready, s, pods, NEW)).isEmpty();

    List<PodView> back = List.of(pod(0, "rev-1", true), pod(1, NEW, true), pod(2, "rev-1", true));
    // Back, but still copying or catching up.
    assertThat(
            RollPlanner.next(
                ShardPhase.Ready, status("p-0", 3, ReplicaState.CatchingUp), back, NEW))
        .isEmpty();
    // A failover is pending, or the revision is unknown.
    assertThat(RollPlanner.next(ShardPhase.PrimaryUnavailable, s, back, NEW)).isEmpty();
    assertThat(RollPlanner.next(ShardPhase.Ready, s, back, null)).isEmpty();
    // Settled: the next one.
    assertThat(RollPlanner.next(ShardPhase.Ready, s, back, NEW))
        .hasValueSatisfying(p -> assertThat(p.name()).isEqualTo("p-2"));
  }

  @Test
  void anOutdatedPrimaryHandsOverToAnUpdatedCaughtUpSecondaryOnceItIsTheLastOne() {
    ShardPlanner planner = new ShardPlanner(new RecopyPolicy());
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beat("p-0", Role.Primary, 40, null));
    beats.put("p-1", beat("p-1", Role.Secondary, 40, "p-0"));
    beats.put("p-2", beat("p-2", Role.Secondary, 39, "p-0"));
    ShardStatus prev = status("p-0", 3, ReplicaState.Ready);

    ShardPlan rolled =
        planner.plan(observe(prev, beats, member(0, true), member(1, false), member(2, false)));
    assertThat(rolled.stage()).isEqualTo(ShardPlan.Stage.SWITCH_OVER);
    assertThat(rolled.target()).isEqualTo("p-1");
    assertThat(rolled.request()).isNull();

    // While a secondary is still outdated, the primary stays.
    ShardPlan waits =
        planner.plan(observe(prev, beats, member(0, true), member(1, false), member(2, true)));
    assertThat(waits.stage()).isEqualTo(ShardPlan.Stage.STEADY);
    assertThat(waits.primary()).isEqualTo("p-0");
  }

  @Test
  void theOutdatedPrimaryStaysWhileAnUpdatedSecondaryIsStillCopyingOrMissing() {
    // The rolled (or rebuilt) p-2 is back but still copying: the switch-over waits for it, one
    // replacement at a time, even though p-1 could take over.
    ShardPlanner planner = new ShardPlanner(new RecopyPolicy());
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", beat("p-0", Role.Primary, 40, null));
    beats.put("p-1", beat("p-1", Role.Secondary, 40, "p-0"));
    Heartbeat copying =
        Heartbeat.builder("p-2", "sh1")
            .role(Role.Secondary)
            .epoch(2)
            .appliedLsn(3)
            .lastEntryEpoch(2)
            .primary("p-0")
            .lagLsn(37)
            .state(ReplicaState.Copying)
            .build();
    beats.put("p-2", new TimedHeartbeat(copying, Duration.ofMillis(2)));
    ShardStatus prev = status("p-0", 3, ReplicaState.Ready);

    ShardPlan waits =
        planner.plan(observe(prev, beats, member(0, true), member(1, false), member(2, false)));
    assertThat(waits.stage()).isNotEqualTo(ShardPlan.Stage.SWITCH_OVER);
    assertThat(waits.primary()).isEqualTo("p-0");

    // p-2's pod is not even there yet.
    beats.remove("p-2");
    ShardPlan missing = planner.plan(observe(prev, beats, member(0, true), member(1, false)));
    assertThat(missing.stage()).isNotEqualTo(ShardPlan.Stage.SWITCH_OVER);
  }

  static Member member(int i, boolean outdated) {
    return new Member(
        "p-" + i, i, "http://10.0.0." + i + ":8081", true, 0, Duration.ZERO, outdated);
  }

  static ShardObservation observe(
      ShardStatus prev, Map<String, TimedHeartbeat> beats, Member... members) {
    return new ShardObservation(
        "sh1",
        null,
        3,
        WriteQuorum.Majority,
        Duration.ofSeconds(5),
        prev,
        List.of(members),
        beats,
        Instant.parse("2026-11-23T12:00:00Z"));
  }

  static TimedHeartbeat beat(String name, Role role, long lsn, String primary) {
    Heartbeat h =
        Heartbeat.builder(name, "sh1")
            .role(role)
            .epoch(2)
            .appliedLsn(lsn)
            .lastEntryEpoch(2)
            .primary(primary == null ? name : primary)
            .lagLsn(0)
            .state(ReplicaState.Ready)
            .build();
    if (role == Role.Primary) {
      h = h.withQuorum(new QuorumState(3, List.of("p-1", "p-2"), true, 100));
    }
    return new TimedHeartbeat(h, Duration.ofMillis(2));
  }
}
