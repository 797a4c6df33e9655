package io.shardeddb.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.testing.Fixtures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Hibernated and Fenced conditions and their Events, and what a hibernated or fenced-primary
 * shard does to Ready: pure functions of the pass's holds and the previous status.
 */
class HoldConditionsTest {

  private static final ShardedDatabaseSpec SPEC =
      ShardedDatabaseResources.spec(Fixtures.load("students.yaml", "test"));
  private static final ShardedDatabaseStatus EMPTY = ShardedDatabaseStatus.builder().build();
  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  private static ShardedDatabaseStatus after(Verdict v) {
    return EMPTY.withConditions(Conditions.apply(List.of(), v.conditions(), 1, NOW));
  }

  private static DesiredCondition condition(Verdict v, ConditionType type) {
    return v.conditions().stream().filter(c -> c.type() == type).findFirst().orElseThrow();
  }

  @Test
  void hibernationIsAConditionWithAnEventWhenItStartsAndWhenItEnds() {
    Verdict on = HoldConditions.of(EMPTY, new PassReport.Holds(true, List.of(), List.of()));
    assertThat(condition(on, ConditionType.Hibernated).status()).isTrue();
    assertThat(on.events()).extracting(ShardEvent::reason).containsExactly(EventReason.Hibernated);

    Verdict still = HoldConditions.of(after(on), new PassReport.Holds(true, List.of(), List.of()));
    assertThat(still.events()).isEmpty();

    Verdict off = HoldConditions.of(after(on), new PassReport.Holds(false, List.of(), List.of()));
    assertThat(condition(off, ConditionType.Hibernated).status()).isFalse();
    assertThat(condition(off, ConditionType.Hibernated).reason()).isEqualTo("Running");
    assertThat(off.events()).extracting(ShardEvent::reason).containsExactly(EventReason.Resumed);
  }

  @Test
  void theFencedConditionNamesThePodsAndEachChangeIsAnEvent() {
    Verdict one =
        HoldConditions.of(EMPTY, new PassReport.Holds(false, List.of("db-sh1-1"), List.of()));
    assertThat(condition(one, ConditionType.Fenced).status()).isTrue();
    assertThat(condition(one, ConditionType.Fenced).message()).startsWith("fenced: db-sh1-1");
    assertThat(one.events())
        .extracting(ShardEvent::reason)
        .containsExactly(EventReason.FenceChanged);
    assertThat(
            HoldConditions.of(
                    after(one), new PassReport.Holds(false, List.of("db-sh1-1"), List.of()))
                .events())
        .isEmpty();
    Verdict none = HoldConditions.of(after(one), PassReport.Holds.NONE);
    assertThat(condition(none, ConditionType.Fenced).status()).isFalse();
    assertThat(none.events())
        .extracting(ShardEvent::reason)
        .containsExactly(EventReason.FenceChanged);
    // Nothing fenced before and after: no Event.
    assertThat(HoldConditions.of(EMPTY, PassReport.Holds.NONE).events()).isEmpty();
  }

  @Test
  void anUnreadableAnnotationIsAWarningOnce() {
    PassReport.Holds bad =
        new PassReport.Holds(false, List.of(), List.of("annotation shardeddb.io/hibernation ..."));
    Verdict first = HoldConditions.of(EMPTY, bad);
    assertThat(condition(first, ConditionType.Hibernated).reason()).isEqualTo("InvalidAnnotation");
    assertThat(first.events())
        .extracting(ShardEvent::reason)
        .containsExactly(EventReason.InvalidAnnotation);
    assertThat(HoldConditions.of(after(first), bad).events()).isEmpty();
  }

  @Test
  void aHibernatedDatabaseIsNotReadyNorDegradedNorProgressing() {
    Verdict v =
        ShardConditions.hibernated(
            ShardConditions.Tally.of(List.of(), new RouterStatus(0, null), SPEC));
    assertThat(v.conditions())
        .allSatisfy(
            c -> {
              assertThat(c.status()).isFalse();
              assertThat(c.reason()).isEqualTo("Hibernated");
            });
    assertThat(v.busy()).isFalse();
  }

  @Test
  void aShardWhosePrimaryIsFencedDoesNotServe() {
    ShardStatus status =
        ShardStatus.builder()
            .id("sh1")
            .primary("sh1-0")
            .readyReplicas(3)
            .replicas(List.of(new ReplicaStatus("sh1-0", null, null, true, null, null, null, null)))
            .build();
    ShardOutcome fenced = new ShardOutcome(status, 3, ShardPhase.PrimaryFenced, "fenced");
    assertThat(ShardConditions.serving(fenced, SPEC)).isFalse();
    assertThat(ShardConditions.ShardLines.of(List.of(fenced), SPEC).readyReason())
        .isEqualTo(ConditionReason.PrimaryFenced);
  }
}
