package io.shardeddb.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shards' steps of the aggregate, each a function of values: a shard's line filed by its phase,
 * whether it serves, and the Degraded / Ready / Progressing verdicts with their Warnings.
 */
class ShardConditionsTest {

  /** students.yaml: 3 replicas per shard, a Majority write quorum, 2 router replicas. */
  private static final ShardedDatabaseSpec SPEC =
      ShardedDatabaseResources.spec(Fixtures.load("students.yaml", "test"));

  private static final ShardedDatabaseStatus EMPTY = ShardedDatabaseStatus.builder().build();

  private static ShardOutcome shard(String id, ShardPhase phase, int ready, boolean primaryReady) {
    ShardStatus status =
        ShardStatus.builder()
            .id(id)
            .primary(id + "-0")
            .readyReplicas(ready)
            .replicas(
                List.of(
                    new ReplicaStatus(id + "-0", null, null, primaryReady, null, null, null, null)))
            .build();
    return new ShardOutcome(status, 3, phase, phase.name().toLowerCase());
  }

  private static ShardConditions.Tally tally(List<ShardOutcome> outcomes, int routerReady) {
    return ShardConditions.Tally.of(outcomes, new RouterStatus(routerReady, null), SPEC);
  }

  @Test
  void aShardServesWithAReadyPrimaryAndAWriteQuorumOfReadyReplicasAndNoElection() {
    assertThat(ShardConditions.serving(shard("sh1", ShardPhase.Degraded, 2, true), SPEC)).isTrue();
    assertThat(ShardConditions.serving(shard("sh1", ShardPhase.Degraded, 1, true), SPEC))
        .as("1 of 3 ready is short of a majority")
        .isFalse();
    assertThat(ShardConditions.serving(shard("sh1", ShardPhase.Ready, 3, false), SPEC))
        .as("the primary itself is not ready")
        .isFalse();
    assertThat(ShardConditions.serving(shard("sh1", ShardPhase.PrimaryUnavailable, 3, true), SPEC))
        .isFalse();
  }

  @Test
  void thePrimariesColumnCountsShardsWhosePrimaryIsReadyOverAllShards() {
    ShardOutcome noPrimary =
        new ShardOutcome(
            ShardStatus.builder().id("sh3").readyReplicas(0).replicas(List.of()).build(),
            3,
            ShardPhase.AwaitingPods,
            "awaiting pods");
    ShardConditions.Tally tally =
        tally(
            List.of(
                shard("sh1", ShardPhase.Ready, 3, true),
                shard("sh2", ShardPhase.PrimaryUnavailable, 2, false),
                noPrimary),
            2);

    assertThat(tally.primaries()).isEqualTo("1/3");
    assertThat(tally(List.of(), 2).primaries()).isEqualTo("0/0");
  }

  @Test
  void eachShardsLineIsFiledByItsPhaseAndTheMostSeriousReasonWins() {
    ShardConditions.ShardLines lines =
        ShardConditions.ShardLines.of(
            List.of(
                shard("sh1", ShardPhase.Copying, 1, true),
                shard("sh2", ShardPhase.PrimaryUnavailable, 2, true),
                shard("sh3", ShardPhase.NoQuorum, 1, false),
                shard("sh4", ShardPhase.Ready, 3, true)),
            SPEC);

    assertThat(lines.notServing())
        .containsExactly(
            "shard sh1: copying", "shard sh2: primaryunavailable", "shard sh3: noquorum");
    assertThat(lines.degraded())
        .containsExactly("shard sh2: primaryunavailable", "shard sh3: noquorum");
    assertThat(lines.progressing())
        .containsExactly("shard sh1: copying", "shard sh2: primaryunavailable");
    assertThat(lines.readyReason()).isEqualTo(ConditionReason.NoQuorum);
    assertThat(lines.noQuorum()).isTrue();
    assertThat(lines.starting()).isFalse();
  }

  @Test
  void aShardWithoutQuorumIsDegradedNoQuorumWithOneFailoverBlockedWarning() {
    List<ShardOutcome> outcomes = List.of(shard("sh1", ShardPhase.NoQuorum, 1, false));
    ShardConditions.ShardLines lines = ShardConditions.ShardLines.of(outcomes, SPEC);

    Verdict first = ShardConditions.degraded(EMPTY, lines, tally(outcomes, 2));
    assertThat(first.conditions())
        .containsExactly(
            DesiredCondition.isTrue(
                ConditionType.Degraded, ConditionReason.NoQuorum, "shard sh1: noquorum"));
    assertThat(first.events())
        .containsExactly(new ShardEvent(EventReason.FailoverBlocked, "shard sh1: noquorum"));

    ShardedDatabaseStatus blocked =
        EMPTY.withConditions(
            List.of(
                new ConditionBuilder()
                    .withType("Degraded")
                    .withStatus("True")
                    .withReason("NoQuorum")
                    .build()));
    assertThat(ShardConditions.degraded(blocked, lines, tally(outcomes, 2)).events()).isEmpty();
  }

  @Test
  void everyShardServingButNoRouterIsNotReadyRouterNotReady() {
    List<ShardOutcome> outcomes = List.of(shard("sh1", ShardPhase.Ready, 3, true));
    ShardConditions.ShardLines lines = ShardConditions.ShardLines.of(outcomes, SPEC);

    assertThat(ShardConditions.ready(lines, tally(outcomes, 0)).conditions())
        .containsExactly(
            DesiredCondition.isFalse(
                ConditionType.Ready,
                ConditionReason.RouterNotReady,
                "1 shards, 3/3 replicas ready, router 0/2"));
    assertThat(ShardConditions.ready(lines, tally(outcomes, 2)).conditions().getFirst().status())
        .isTrue();
  }

  @Test
  void aShrinkAloneIsProgressingScalingDownWithOneScaleDownWaitingWarning() {
    List<ShardOutcome> outcomes = List.of(shard("sh1", ShardPhase.Ready, 3, true));
    ShardConditions.ShardLines lines = ShardConditions.ShardLines.of(outcomes, SPEC);
    List<String> resizing = List.of("sh1 keeps sh1-3 until it holds every write");

    Verdict v = ShardConditions.progressing(EMPTY, lines, resizing, tally(outcomes, 2));

    assertThat(v.conditions())
        .containsExactly(
            DesiredCondition.isTrue(
                ConditionType.Progressing, ConditionReason.ScalingDown, resizing.getFirst()));
    assertThat(v.events())
        .containsExactly(new ShardEvent(EventReason.ScaleDownWaiting, resizing.getFirst()));
    assertThat(v.busy()).isTrue();

    ShardedDatabaseStatus shown =
        EMPTY.withConditions(
            List.of(
                new ConditionBuilder()
                    .withType("Progressing")
                    .withStatus("True")
                    .withMessage(resizing.getFirst())
                    .build()));
    assertThat(ShardConditions.progressing(shown, lines, resizing, tally(outcomes, 2)).events())
        .isEmpty();
  }

  @Test
  void aSchemaChangeWaitingIsProgressingWithOneNormalEvent() {
    List<ShardOutcome> outcomes = List.of(shard("sh1", ShardPhase.Ready, 3, true));
    ShardConditions.ShardLines lines = ShardConditions.ShardLines.of(outcomes, SPEC);
    List<String> waits =
        List.of(
            "schema version 5 (create table orders) needs shard-servers that store composite"
                + " primary keys (storage format 7), and replica sh1/db-sh1-2 reports storage"
                + " format 0; ...");

    Verdict v =
        ShardConditions.progressing(EMPTY, lines, List.of(), List.of(), waits, tally(outcomes, 2));

    assertThat(v.conditions())
        .containsExactly(
            DesiredCondition.isTrue(
                ConditionType.Progressing, ConditionReason.SchemaChangeWaits, waits.getFirst()));
    assertThat(v.events())
        .containsExactly(new ShardEvent(EventReason.SchemaChangeWaiting, waits.getFirst()));
    assertThat(EventReason.SchemaChangeWaiting.warning()).isFalse();
    ShardedDatabaseStatus shown =
        EMPTY.withConditions(
            List.of(
                new ConditionBuilder()
                    .withType("Progressing")
                    .withStatus("True")
                    .withMessage(waits.getFirst())
                    .build()));
    assertThat(
            ShardConditions.progressing(
                    shown, lines, List.of(), List.of(), waits, tally(outcomes, 2))
                .events())
        .isEmpty();
  }

  @Test
  void theProgressingReasonIsTheFirstOfStartingFailoverRouterShrinkCopy() {
    ShardConditions.ShardLines starting =
        ShardConditions.ShardLines.of(
            List.of(
                shard("sh1", ShardPhase.BringingUp, 0, false),
                shard("sh2", ShardPhase.PrimaryUnavailable, 2, true)),
            SPEC);
    ShardConditions.ShardLines none = ShardConditions.ShardLines.of(List.of(), SPEC);
    ShardConditions.Tally failover =
        tally(List.of(shard("sh2", ShardPhase.PrimaryUnavailable, 2, true)), 2);
    ShardConditions.Tally calm = tally(List.of(), 0);

    assertThat(ShardConditions.progressingReason(starting, List.of(), failover))
        .isEqualTo(ConditionReason.BringingUp);
    assertThat(ShardConditions.progressingReason(none, List.of(), failover))
        .isEqualTo(ConditionReason.FailoverPending);
    assertThat(ShardConditions.progressingReason(none, List.of(), calm))
        .isEqualTo(ConditionReason.RouterStarting);
    assertThat(ShardConditions.progressingReason(none, List.of("shrink"), calm))
        .isEqualTo(ConditionReason.ScalingDown);
    // A shard merged away kept for its archive (RetireGate) progresses, after everything else.
    assertThat(
            ShardConditions.progressingReason(
                none, List.of(), List.of("sh2 waits"), List.of(), calm))
        .isEqualTo(ConditionReason.RetireWaitsForArchive);
    assertThat(
            ShardConditions.progressingReason(
                none, List.of("shrink"), List.of("sh2 waits"), List.of(), calm))
        .isEqualTo(ConditionReason.ScalingDown);
    // A wanted schema change not started yet (an upgrade's roll not through) progresses too.
    assertThat(
            ShardConditions.progressingReason(
                none, List.of(), List.of(), List.of("create table orders waits"), calm))
        .isEqualTo(ConditionReason.SchemaChangeWaits);
    assertThat(
            ShardConditions.progressingReason(
                none, List.of(), List.of("sh2 waits"), List.of("create table waits"), calm))
        .isEqualTo(ConditionReason.RetireWaitsForArchive);
  }

  @Test
  void aRefusedRemovalOutranksTheShardsDegradedAndReady() {
    List<ShardOutcome> outcomes = List.of(shard("sh1", ShardPhase.Ready, 3, true));
    PassReport pass =
        PassReport.builder()
            .outcomes(outcomes)
            .refusals(List.of("sh2 still owns rows"))
            .router(new RouterStatus(2, null))
            .build();

    Verdict v = ShardConditions.of(EMPTY, pass, SPEC, tally(outcomes, 2));

    assertThat(v.conditions())
        .extracting(DesiredCondition::type, DesiredCondition::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ConditionType.Degraded, ConditionReason.ShardRemovalRefused.name()),
            org.assertj.core.groups.Tuple.tuple(
                ConditionType.Ready, ConditionReason.ShardRemovalRefused.name()),
            org.assertj.core.groups.Tuple.tuple(
                ConditionType.Progressing, ConditionReason.Reconciled.name()));
    assertThat(v.events())
        .containsExactly(new ShardEvent(EventReason.ShardRemovalRefused, "sh2 still owns rows"));
    assertThat(v.busy()).isFalse();
  }
}
