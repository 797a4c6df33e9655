package io.shardeddb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ReshardingStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Records change by with-methods: each one changes the fields it names and carries every other
 * field, so a field added to the record is never dropped by a change elsewhere.
 */
class WithMethodsTest {

  private static final MoveStatus FENCED_MOVE =
      new MoveStatus(
          "g3-sh1-sh5-0+1024",
          "sh1",
          "sh5",
          0,
          1024,
          MovePhase.CuttingOver,
          10L,
          20L,
          30L,
          2,
          "cutting over",
          4L,
          50L,
          "2026-11-23T12:00:00Z",
          "2026-11-23T12:00:05Z");

  private static final ShardedDatabaseStatus FULL_STATUS =
      new ShardedDatabaseStatus(
          7L,
          List.of(new ConditionBuilder().withType("Ready").withStatus("True").build()),
          2,
          "6/6",
          List.of(
              ShardStatus.builder()
                  .id("sh1")
                  .epoch(1L)
                  .primary("db-sh1-0")
                  .readyReplicas(3)
                  .replicas(List.of())
                  .voters(3)
                  .build()),
          new RouterStatus(1, "https://db-router"),
          new AppliedSpec(null, List.of(), "1Gi", null, "db-router-token", "db-mysql"),
          List.of(),
          new ReshardingStatus(List.of(FENCED_MOVE)));

  @Test
  void eachMoveWithMethodChangesOnlyItsOwnFields() {
    assertChangedOnly(
        FENCED_MOVE, FENCED_MOVE.in(MovePhase.Purging, "purging"), "phase", "message");
    assertChangedOnly(FENCED_MOVE, FENCED_MOVE.progress(11, 21), "rowsCopied", "sourceLsn");
    assertChangedOnly(FENCED_MOVE, FENCED_MOVE.paused(31), "pauseMillis");
    assertChangedOnly(
        FENCED_MOVE,
        FENCED_MOVE.fenced(5, 51, "2026-11-23T12:01:00Z", "2026-11-23T12:01:05Z"),
        "fenceEpoch",
        "fenceLsn",
        "fencedAt",
        "fenceDeadline");
    MoveStatus next = FENCED_MOVE.nextAttempt();
    assertChangedOnly(
        FENCED_MOVE, next, "attempt", "fenceEpoch", "fenceLsn", "fencedAt", "fenceDeadline");
    assertThat(next.attempt()).isEqualTo(3);
    assertThat(next.fenceRecorded()).isFalse();
  }

  @Test
  void eachStatusWithMethodChangesOnlyItsOwnField() {
    assertChangedOnly(FULL_STATUS, FULL_STATUS.withObservedGeneration(8L), "observedGeneration");
    assertChangedOnly(FULL_STATUS, FULL_STATUS.withConditions(List.of()), "conditions");
    assertChangedOnly(FULL_STATUS, FULL_STATUS.withApplied(null), "applied");
    assertChangedOnly(
        FULL_STATUS,
        FULL_STATUS.withRequests(
            List.of(
                new RequestStatus(
                    RequestStatus.Type.Promote,
                    "sh1=db-sh1-1",
                    RequestStatus.Outcome.Succeeded,
                    "switched over",
                    "2026-11-23T12:00:00Z"))),
        "requests");
    assertChangedOnly(FULL_STATUS, FULL_STATUS.withResharding(null), "resharding");
    assertThat(FULL_STATUS.toBuilder().build()).isEqualTo(FULL_STATUS);
  }

  /** {@code after} differs from {@code before} in exactly the components {@code changed}. */
  private static void assertChangedOnly(Record before, Record after, String... changed) {
    List<String> differing = new ArrayList<>();
    for (RecordComponent c : before.getClass().getRecordComponents()) {
      try {
        if (!Objects.equals(c.getAccessor().invoke(before), c.getAccessor().invoke(after))) {
          differing.add(c.getName());
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(Set.copyOf(differing)).isEqualTo(Set.of(changed));
  }
}
