package io.shardeddb.operator.status;

import io.shardeddb.api.v1alpha1.MoveStatus;

/** The {@link ConditionType#Resharding} condition (pure), from the resharding step's report. */
public final class ReshardingCondition {

  private ReshardingCondition() {}

  /**
   * The Resharding condition: False CrdOutdated while an outdated CRD stops resharding; True
   * MoveInProgress while a move is in flight; False ReshardingBlocked when the planner refuses the
   * spec; False Reconciled otherwise.
   */
  public static DesiredCondition of(PassReport.Resharding r) {
    if (r.crdOutdated() != null) {
      return DesiredCondition.isFalse(
          ConditionType.Resharding, ConditionReason.CrdOutdated, r.crdOutdated());
    }
    if (r.move() != null && !r.move().phase().finished()) {
      MoveStatus m = r.move();
      return DesiredCondition.isTrue(
          ConditionType.Resharding,
          ConditionReason.MoveInProgress,
          "moving ["
              + m.low()
              + ", "
              + (m.low() + m.size())
              + ") from "
              + m.source()
              + " to "
              + m.destination()
              + ": "
              + m.phase()
              + ", "
              + m.message());
    }
    if (r.blocked() != null) {
      return DesiredCondition.isFalse(
          ConditionType.Resharding, ConditionReason.ReshardingBlocked, r.blocked());
    }
    return DesiredCondition.isFalse(
        ConditionType.Resharding,
        ConditionReason.Reconciled,
        "every shard owns the range the spec gives it");
  }
}
