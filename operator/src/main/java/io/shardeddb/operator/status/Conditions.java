package io.shardeddb.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place condition changes happen: applies the operator's current judgement to the previous
 * conditions, moving {@code lastTransitionTime} only when a condition's status flips.
 */
public final class Conditions {

  private Conditions() {}

  /** The new condition list, in {@link ConditionType} order. */
  public static List<Condition> apply(
      List<Condition> previous, List<DesiredCondition> desired, long generation, Instant now) {
    List<Condition> out = new ArrayList<>();
    for (ConditionType type : ConditionType.values()) {
      Optional<DesiredCondition> want = desired.stream().filter(d -> d.type() == type).findFirst();
      Optional<Condition> had =
          previous.stream().filter(c -> type.name().equals(c.getType())).findFirst();
      if (want.isEmpty()) {
        had.ifPresent(out::add);
        continue;
      }
      String status = want.get().status() ? "True" : "False";
      String since =
          had.filter(c -> status.equals(c.getStatus()))
              .map(Condition::getLastTransitionTime)
              .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
      out.add(
          new ConditionBuilder()
              .withType(type.name())
              .withStatus(status)
              .withReason(want.get().reason())
              .withMessage(want.get().message())
              .withObservedGeneration(generation)
              .withLastTransitionTime(since)
              .build());
    }
    return out;
  }

  /** Whether the condition of this type is True in the list. */
  public static boolean isTrue(List<Condition> conditions, ConditionType type) {
    return conditions.stream()
        .anyMatch(c -> type.name().equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
