package io.shardeddb.operator.reconciler;

import static io.shardeddb.operator.reconciler.MembershipAndIsolationTest.members;
import static io.shardeddb.operator.reconciler.MembershipAndIsolationTest.observe;
import static io.shardeddb.operator.reconciler.MembershipAndIsolationTest.recorded;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §5 rule 11's liveness half in the operator's pure decisions (issue 47 item 6): the
 * replicas' own word that the primary reaches no majority — its check-quorum stand-down when it
 * answers, else enough of its secondaries reporting it lost — starts the election in the pass that
 * sees it, without waiting out {@code primaryUnavailableSeconds}; the operator's own silence alone
 * still waits, and a primary that answers as serving is never overruled by its secondaries.
 */
class PrimaryLostTest {
  final ShardPlanner planner = new ShardPlanner(new RecopyPolicy());

  static TimedHeartbeat secondary(String name, boolean lost) {
    return new TimedHeartbeat(
        Heartbeat.builder(name, "sh1")
            .role(Role.Secondary)
            .epoch(3)
            .appliedLsn(30)
            .lastEntryEpoch(1)
            .primary("p-0")
            .state(ReplicaState.Ready)
            .primaryContactAgeMillis(lost ? 2_100 : 100)
            .primaryLost(lost)
            .build(),
        Duration.ofMillis(2));
  }

  static TimedHeartbeat primary(QuorumState q) {
    return new TimedHeartbeat(
        Heartbeat.builder("p-0", "sh1")
            .role(Role.Primary)
            .epoch(3)
            .appliedLsn(40)
            .lastEntryEpoch(1)
            .primary("p-0")
            .state(ReplicaState.Ready)
            .quorum(q)
            .primaryContactAgeMillis(-1)
            .build(),
        Duration.ofMillis(2));
  }

  static QuorumState quorum(long ageMillis, boolean steppedDown) {
    return new QuorumState(3, List.of("p-1", "p-2"), true, ageMillis, List.of(), 40, steppedDown);
  }

  private ShardPlan firstPass(Map<String, TimedHeartbeat> beats) {
    return planner.plan(observe(3, recorded(3, null, 3), members(3), beats));
  }

  @Test
  void aSilentPrimaryThatEverySecondaryReportsLostIsReplacedInTheFirstPass() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-1", secondary("p-1", true));
    beats.put("p-2", secondary("p-2", true));
    ShardPlan plan = firstPass(beats);
    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.ELECT);
    assertThat(plan.events())
        .anyMatch(
            e ->
                e.reason() == EventReason.PrimaryLost
                    && e.message().contains("answers no heartbeat")
                    && e.message().contains("[p-1, p-2]"));
  }

  @Test
  void oneSecondaryOfThreeIsNotEnoughThePrimaryMayStillReachTheOther() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-1", secondary("p-1", true));
    beats.put("p-2", secondary("p-2", false));
    assertThat(firstPass(beats).stage()).isEqualTo(ShardPlan.Stage.WAIT);
    // A silent secondary is not counted as having lost it either.
    beats.remove("p-2");
    assertThat(firstPass(beats).stage()).isEqualTo(ShardPlan.Stage.WAIT);
  }

  @Test
  void theOperatorsOwnSilenceAloneStillWaitsPrimaryUnavailableSeconds() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-1", secondary("p-1", false));
    beats.put("p-2", secondary("p-2", false));
    ShardPlan plan = firstPass(beats);
    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.WAIT);
    assertThat(plan.events()).noneMatch(e -> e.reason() == EventReason.PrimaryLost);
  }

  @Test
  void aPrimaryThatStoodDownIsReplacedInTheFirstPass() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", primary(quorum(2_050, true)));
    beats.put("p-1", secondary("p-1", true));
    beats.put("p-2", secondary("p-2", true));
    ShardPlan plan = firstPass(beats);
    assertThat(plan.stage()).isEqualTo(ShardPlan.Stage.ELECT);
    assertThat(plan.events())
        .anyMatch(e -> e.reason() == EventReason.PrimaryLost && e.message().contains("stood down"));
    // Fenced but no candidate: its longer log (an unacknowledged tail) does not win it the role
    // back while it is still cut off, and it is recorded as the primary replaced for that.
    ShardObservation o = observe(3, recorded(3, null, 3), members(3), beats);
    Map<String, TimedFence> answers = new HashMap<>();
    answers.put("p-0", MembershipAndIsolationTest.answer("p-0", plan.fenceEpoch(), 40));
    answers.put("p-1", MembershipAndIsolationTest.answer("p-1", plan.fenceEpoch(), 30));
    answers.put("p-2", MembershipAndIsolationTest.answer("p-2", plan.fenceEpoch(), 30));
    ShardPlan elected = planner.elect(o, planner.plan(o), answers);
    assertThat(elected.primary()).isIn("p-1", "p-2");
    assertThat(elected.isolated()).isEqualTo("p-0");
  }

  @Test
  void aPrimaryThatStoodDownWhileItsSecondariesStillHearItWaits() {
    // A lost answer alone (the primary heard nothing back, its secondaries heard it): no
    // immediate failover; the operator's age threshold and primaryUnavailableSeconds decide.
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", primary(quorum(2_050, true)));
    beats.put("p-1", secondary("p-1", false));
    beats.put("p-2", secondary("p-2", true));
    ShardPlan plan = firstPass(beats);
    assertThat(plan.stage()).isNotEqualTo(ShardPlan.Stage.ELECT);
    assertThat(plan.events()).noneMatch(e -> e.reason() == EventReason.PrimaryLost);
  }

  @Test
  void aPrimaryThatAnswersAsServingIsNotOverruledByItsSecondaries() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-0", primary(quorum(100, false)));
    beats.put("p-1", secondary("p-1", true));
    beats.put("p-2", secondary("p-2", true));
    assertThat(firstPass(beats).stage()).isEqualTo(ShardPlan.Stage.STEADY);
    // Past the operator's age threshold but not stood down (an older shard-server): the wait.
    beats.put("p-0", primary(quorum(12_000, false)));
    assertThat(firstPass(beats).stage()).isEqualTo(ShardPlan.Stage.WAIT);
  }

  @Test
  void secondariesOfAnotherEpochOrPrimaryDoNotCount() {
    Map<String, TimedHeartbeat> beats = new HashMap<>();
    beats.put("p-1", secondary("p-1", true));
    beats.put(
        "p-2",
        new TimedHeartbeat(
            secondary("p-2", true).heartbeat().toBuilder().primary("p-1").build(),
            Duration.ofMillis(2)));
    assertThat(firstPass(beats).stage()).isEqualTo(ShardPlan.Stage.WAIT);
  }
}
