package io.shardeddb.operator.status;

import io.shardeddb.operator.backup.ArchiveHealth;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@link ConditionType#ContinuousArchiving} condition (pure): whether every shard ships its
 * committed log to the backup store within its bound. A stall is never silent: the condition names
 * the shards and the store's error for as long as it lasts (the Events only mark its start and
 * end), while writes go on and the log is kept until the archive catches up (docs/backup.md). An
 * archive that is another incarnation's is refused and says so first: no retry fixes it.
 */
public final class ArchiveCondition {

  private ArchiveCondition() {}

  /** The condition for a database with ({@code configured}) or without spec.backup. */
  public static DesiredCondition of(boolean configured, List<ArchiveHealth.Stall> stalled) {
    if (!configured) {
      return DesiredCondition.isFalse(
          ConditionType.ContinuousArchiving,
          ConditionReason.BackupNotConfigured,
          "spec.backup is not set: nothing is archived (docs/backup.md)");
    }
    List<ArchiveHealth.Stall> refused =
        stalled.stream().filter(ArchiveHealth.Stall::refused).toList();
    if (!refused.isEmpty()) {
      return DesiredCondition.isFalse(
          ConditionType.ContinuousArchiving,
          ConditionReason.ArchiveRefused,
          refused.stream()
                  .map(s -> "shard " + s.shard() + ": " + s.error())
                  .collect(Collectors.joining("; "))
              + "; nothing is archived and backups fail until it is resolved (docs/backup.md)");
    }
    if (stalled.isEmpty()) {
      return DesiredCondition.isTrue(
          ConditionType.ContinuousArchiving,
          ConditionReason.ArchivingHealthy,
          "no shard reports its archive stalled");
    }
    return DesiredCondition.isFalse(
        ConditionType.ContinuousArchiving,
        ConditionReason.ArchiveStalled,
        "archiving has failed past its bound on "
            + stalled.stream()
                .map(s -> "shard " + s.shard() + " (" + s.error() + ")")
                .collect(Collectors.joining("; "))
            + "; writes go on and the log is kept, not trimmed, until the archive catches up");
  }
}
