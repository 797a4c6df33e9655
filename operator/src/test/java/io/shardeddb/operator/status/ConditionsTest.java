package io.shardeddb.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Condition changes: lastTransitionTime moves only on a flip. */
class ConditionsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

  @Test
  void lastTransitionTimeStaysWhenOnlyReasonOrMessageChange() {
    List<Condition> first =
        Conditions.apply(
            List.of(),
            List.of(DesiredCondition.isFalse(ConditionType.Ready, "BringingUp", "0/3")),
            1,
            T0);
    List<Condition> second =
        Conditions.apply(
            first,
            List.of(DesiredCondition.isFalse(ConditionType.Ready, "ReplicasNotReady", "2/3")),
            2,
            T1);

    Condition ready = second.get(0);
    assertThat(ready.getReason()).isEqualTo("ReplicasNotReady");
    assertThat(ready.getMessage()).isEqualTo("2/3");
    assertThat(ready.getObservedGeneration()).isEqualTo(2);
    assertThat(ready.getLastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  void lastTransitionTimeMovesWhenTheStatusFlips() {
    List<Condition> first =
        Conditions.apply(
            List.of(),
            List.of(DesiredCondition.isFalse(ConditionType.Ready, "BringingUp", "")),
            1,
            T0);
    List<Condition> second =
        Conditions.apply(
            first,
            List.of(DesiredCondition.isTrue(ConditionType.Ready, "AllShardsReady", "")),
            1,
            T1);

    assertThat(second.get(0).getStatus()).isEqualTo("True");
    assertThat(second.get(0).getLastTransitionTime()).isEqualTo(T1.toString());
  }

  @Test
  void conditionsComeInAStableOrderAndUntouchedOnesAreKept() {
    List<Condition> first =
        Conditions.apply(
            List.of(),
            List.of(
                DesiredCondition.isTrue(ConditionType.Progressing, "BringingUp", ""),
                DesiredCondition.isFalse(ConditionType.Ready, "BringingUp", "")),
            1,
            T0);
    List<Condition> second =
        Conditions.apply(
            first,
            List.of(DesiredCondition.isFalse(ConditionType.Degraded, "AsExpected", "")),
            1,
            T1);

    assertThat(second)
        .extracting(Condition::getType)
        .containsExactly("Ready", "Degraded", "Progressing");
    assertThat(Conditions.isTrue(second, ConditionType.Progressing)).isTrue();
  }
}
