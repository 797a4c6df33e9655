package io.shardeddb.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReshardingStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.backup.ArchiveHealth;
import io.shardeddb.operator.testing.Fixtures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The aggregate step is the one owner of conditions: Ready / Degraded / Progressing from the
 * shards, and Resharding, Insecure, ContinuousArchiving and StorageResizing from what the other
 * steps report (they decide nothing about conditions themselves), each with the reason and message
 * the reconciler used to write, and the Warnings due when a condition first says so.
 */
class StatusAggregatorTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final RouterStatus ROUTER_UP = new RouterStatus(1, "https://students-router");

  private final StatusAggregator aggregator = new StatusAggregator();
  private final ShardedDatabase sdb = database();

  private static ShardedDatabase database() {
    ShardedDatabase sdb = Fixtures.load("students.yaml", "test");
    sdb.getMetadata().setGeneration(3L);
    return sdb;
  }

  private static final ShardedDatabaseStatus EMPTY = ShardedDatabaseStatus.builder().build();

  private static MoveStatus copying() {
    return new MoveStatus(
        "g3-sh1-sh5-0+1024",
        "sh1",
        "sh5",
        0,
        1024,
        MovePhase.Copying,
        10L,
        20L,
        null,
        1,
        "copying rows");
  }

  private StatusAggregator.Result aggregate(
      ShardedDatabaseStatus previous, PassReport.Resharding resharding) {
    return aggregator.aggregate(
        sdb, previous, PassReport.builder().router(ROUTER_UP).resharding(resharding).build(), NOW);
  }

  private static Condition condition(StatusAggregator.Result r, ConditionType type) {
    return r.status().condition(type.name()).orElseThrow();
  }

  @Test
  void aMoveInFlightIsTheReshardingConditionTrueWithTheMovesPhaseAndMessage() {
    StatusAggregator.Result r =
        aggregate(EMPTY, PassReport.Resharding.moved(copying(), List.of(), true));

    Condition c = condition(r, ConditionType.Resharding);
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("MoveInProgress");
    assertThat(c.getMessage()).isEqualTo("moving [0, 1024) from sh1 to sh5: Copying, copying rows");
    assertThat(r.status().reshardingOrEmpty().inFlight()).contains(copying());
    assertThat(r.busy()).isTrue();
  }

  @Test
  void withNoMoveTheReshardingConditionIsFalseReconciledAndTheRecordedMovesStay() {
    ShardedDatabaseStatus previous =
        EMPTY.withResharding(new ReshardingStatus(List.of(copying().in(MovePhase.Done, "done"))));

    StatusAggregator.Result r = aggregate(previous, PassReport.Resharding.NONE);

    Condition c = condition(r, ConditionType.Resharding);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("Reconciled");
    assertThat(c.getMessage()).isEqualTo("every shard owns the range the spec gives it");
    assertThat(r.status().resharding()).isEqualTo(previous.resharding());
  }

  @Test
  void aBlockedSpecIsReshardingBlockedWithOneWarningWhenItFirstSaysSo() {
    String why = "points [4096, 8192) are in no shard of the spec";
    StatusAggregator.Result first = aggregate(EMPTY, PassReport.Resharding.blocked(why));

    Condition c = condition(first, ConditionType.Resharding);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("ReshardingBlocked");
    assertThat(c.getMessage()).isEqualTo(why);
    assertThat(first.events()).contains(new ShardEvent(EventReason.ReshardingBlocked, why));

    StatusAggregator.Result again = aggregate(first.status(), PassReport.Resharding.blocked(why));
    assertThat(again.events())
        .extracting(ShardEvent::reason)
        .doesNotContain(EventReason.ReshardingBlocked);
  }

  @Test
  void anOutdatedCrdIsReshardingFalseCrdOutdatedWithOneWarningWhateverTheMove() {
    String message = "the CRD shardeddatabases.shardeddb.io is outdated";
    StatusAggregator.Result first =
        aggregate(
            EMPTY, PassReport.Resharding.moved(copying(), List.of(), true).crdOutdated(message));

    Condition c = condition(first, ConditionType.Resharding);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("CrdOutdated");
    assertThat(c.getMessage()).isEqualTo(message);
    assertThat(first.events()).contains(new ShardEvent(EventReason.CrdOutdated, message));

    StatusAggregator.Result again =
        aggregate(first.status(), PassReport.Resharding.NONE.crdOutdated(message));
    assertThat(again.events())
        .extracting(ShardEvent::reason)
        .doesNotContain(EventReason.CrdOutdated);
  }

  @Test
  void theOtherDatabaseConditionsAreDecidedHereToo() {
    DesiredCondition storage =
        DesiredCondition.isTrue(
            ConditionType.StorageResizing, ConditionReason.VolumeExpanding, "growing sh1");
    StatusAggregator.Result r =
        aggregator.aggregate(
            sdb,
            EMPTY,
            PassReport.builder()
                .router(ROUTER_UP)
                .adminTokenMissing("my-token")
                .archiveStalls(List.of(new ArchiveHealth.Stall("sh1", "store down", false)))
                .storage(
                    new PassReport.Storage(
                        storage,
                        List.of(new ShardEvent(EventReason.VolumeExpansionStarted, "sh1")),
                        true))
                .build(),
            NOW);

    assertThat(condition(r, ConditionType.Insecure).getReason()).isEqualTo("AdminTokenMissing");
    assertThat(condition(r, ConditionType.StorageResizing).getReason())
        .isEqualTo("VolumeExpanding");
    assertThat(condition(r, ConditionType.ContinuousArchiving)).isNotNull();
    assertThat(r.events())
        .extracting(ShardEvent::reason)
        .contains(EventReason.InsecureSettings, EventReason.VolumeExpansionStarted);
    assertThat(r.busy()).isTrue();
  }

  @Test
  void anInvalidSpecKeepsTheMoveRecordedInFlight() {
    ShardedDatabaseStatus previous = EMPTY.withResharding(new ReshardingStatus(List.of(copying())));

    StatusAggregator.Result r = aggregator.invalid(sdb, previous, List.of("bad spec"), NOW);

    assertThat(condition(r, ConditionType.Ready).getReason()).isEqualTo("InvalidSpec");
    assertThat(r.status().reshardingOrEmpty().inFlight()).contains(copying());
  }
}
