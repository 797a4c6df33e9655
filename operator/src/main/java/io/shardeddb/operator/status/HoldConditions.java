package io.shardeddb.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure: the Hibernated and Fenced conditions from what the user holds the database in ({@link
 * PassReport.Holds}), with a Normal Event when hibernation starts or ends or the fenced pods
 * change, and a Warning when one of the two annotations cannot be read.
 */
final class HoldConditions {

  private HoldConditions() {}

  static Verdict of(ShardedDatabaseStatus previous, PassReport.Holds holds) {
    String problems = String.join("; ", holds.problems());
    DesiredCondition hibernated =
        holds.hibernated()
            ? DesiredCondition.isTrue(
                ConditionType.Hibernated,
                ConditionReason.Hibernated,
                "every shard StatefulSet and the router at zero pods, volumes kept;"
                    + " kubectl sdb resume brings them back")
            : DesiredCondition.isFalse(
                ConditionType.Hibernated,
                problems.isEmpty() ? ConditionReason.Running : ConditionReason.InvalidAnnotation,
                problems.isEmpty() ? "running" : problems);
    String fencedPods = String.join(", ", holds.fenced());
    DesiredCondition fenced =
        holds.fenced().isEmpty()
            ? DesiredCondition.isFalse(
                ConditionType.Fenced, ConditionReason.NoneFenced, "no pod is fenced")
            : DesiredCondition.isTrue(
                ConditionType.Fenced,
                ConditionReason.PodsFenced,
                "fenced: "
                    + fencedPods
                    + " (out of the routing, never made primary; kubectl sdb unfence)");
    List<ShardEvent> events = new ArrayList<>();
    boolean wasHibernated = isTrue(previous.condition(ConditionType.Hibernated.name()));
    if (holds.hibernated() && !wasHibernated) {
      events.add(new ShardEvent(EventReason.Hibernated, hibernated.message()));
    } else if (!holds.hibernated() && wasHibernated) {
      events.add(
          new ShardEvent(EventReason.Resumed, "resumed: the pods come back on their volumes"));
    }
    Optional<Condition> wasFenced = previous.condition(ConditionType.Fenced.name());
    boolean fenceChanged =
        wasFenced.map(c -> !fenced.message().equals(c.getMessage())).orElse(fenced.status());
    if (fenceChanged) {
      events.add(new ShardEvent(EventReason.FenceChanged, fenced.message()));
    }
    boolean problemShown =
        previous
            .condition(ConditionType.Hibernated.name())
            .map(c -> problems.equals(c.getMessage()))
            .orElse(false);
    if (!problems.isEmpty() && !problemShown) {
      events.add(new ShardEvent(EventReason.InvalidAnnotation, problems));
    }
    return new Verdict(List.of(hibernated, fenced), List.copyOf(events), false);
  }

  private static boolean isTrue(Optional<Condition> c) {
    return c.map(x -> "True".equals(x.getStatus())).orElse(false);
  }
}
