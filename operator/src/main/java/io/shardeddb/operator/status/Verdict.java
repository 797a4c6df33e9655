package io.shardeddb.operator.status;

import java.util.ArrayList;
import java.util.List;

/**
 * What one step decides: the conditions it judges, the Warnings due, and whether the operator
 * should look again soon. Steps are joined in order with {@link #and}.
 */
record Verdict(List<DesiredCondition> conditions, List<ShardEvent> events, boolean busy) {

  /** The conditions alone: no Event, not busy. */
  static Verdict of(DesiredCondition... conditions) {
    return new Verdict(List.of(conditions), List.of(), false);
  }

  /** The Events alone. */
  static Verdict events(List<ShardEvent> events) {
    return new Verdict(List.of(), List.copyOf(events), false);
  }

  /** This verdict, then {@code next}'s conditions and Events; busy if either is. */
  Verdict and(Verdict next) {
    return new Verdict(
        concat(conditions, next.conditions), concat(events, next.events), busy || next.busy);
  }

  /** This verdict with an Event added when {@code due}. */
  Verdict warnIf(boolean due, EventReason reason, String message) {
    return due ? and(events(List.of(new ShardEvent(reason, message)))) : this;
  }

  /** This verdict, busy also when {@code more}. */
  Verdict busyIf(boolean more) {
    return new Verdict(conditions, events, busy || more);
  }

  /** {@code a} then {@code b}, unmodifiable. */
  static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
