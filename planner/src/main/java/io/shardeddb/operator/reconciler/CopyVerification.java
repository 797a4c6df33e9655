package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.reconciler.ShardAction.Resync;
import io.shardeddb.operator.recopy.CopyCheck;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure: after a copy, the checksums the actuator read decide whether the replica rejoins ({@code
 * RecopyCompleted}), copies again ({@code RecopyMismatch}), or is looked at again next pass (not at
 * the same LSN yet; it stays {@code Copying} in status meanwhile).
 */
public final class CopyVerification {

  private final RecopyPolicy recopy;

  /** Judges with {@code recopy}'s checksum comparison. */
  public CopyVerification(RecopyPolicy recopy) {
    this.recopy = recopy;
  }

  /** Judges finished copies by their checksums: rejoin, copy again, or look again next pass. */
  public ShardPlan judge(ShardObservation o, ShardPlan plan, Map<String, CopyCheck> checks) {
    Set<String> stillCopying = new HashSet<>(plan.copying());
    List<ShardAction> more = new ArrayList<>();
    List<ShardEvent> events = new ArrayList<>();
    for (Map.Entry<String, CopyCheck> e : checks.entrySet()) {
      CopyCheck c = e.getValue();
      switch (recopy.verify(c.replica(), c.primary())) {
        case MATCHES -> {
          stillCopying.remove(e.getKey());
          events.add(
              ShardPlanner.event(
                  EventReason.RecopyCompleted,
                  o,
                  e.getKey()
                      + " copied "
                      + c.replica().rows()
                      + " rows, checksum matches the primary at lsn "
                      + c.replica().appliedLsn()));
        }
        case DIFFERS -> {
          o.member(e.getKey())
              .filter(m -> m.url() != null)
              .ifPresent(m -> more.add(new Resync(m.name(), m.url(), "differs after copying")));
          events.add(
              ShardPlanner.event(
                  EventReason.RecopyMismatch,
                  o,
                  e.getKey()
                      + " differs from the primary at lsn "
                      + c.replica().appliedLsn()
                      + " after copying; copying again"));
        }
        case NOT_COMPARABLE -> {}
      }
    }
    return plan.withCopying(Set.copyOf(stillCopying)).plus(more, events);
  }
}
