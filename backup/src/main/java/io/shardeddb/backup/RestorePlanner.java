package io.shardeddb.backup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Decides, from what the store holds, how a restore is done, or refuses with a message that names
 * what is missing: an unknown backup or restore point, a time before the first complete backup or
 * past the end of the archive. Pure: the caller reads the store ({@link BackupCatalog}).
 */
public final class RestorePlanner {
  private RestorePlanner() {}

  public static RestorePlan plan(
      String source,
      RestoreTarget target,
      List<BackupManifest> backups,
      Map<String, ArchiveState> archive,
      Map<String, RestorePoint> points) {
    return plan(source, target, backups, archive, points, List.of());
  }

  /**
   * As above, refusing a target that a resharding move's range {@code changes} separate from its
   * base backup: each shard's archive is replayed over the layout of that backup (its shards and
   * their ranges), which the move changed, so rows would land with a shard the layout does not
   * route them to, or not be restored at all (a shard the move created).
   */
  public static RestorePlan plan(
      String source,
      RestoreTarget target,
      List<BackupManifest> backups,
      Map<String, ArchiveState> archive,
      Map<String, RestorePoint> points,
      List<RangeChange> changes) {
    RestorePlan plan = choose(source, target, backups, archive, points);
    RestorePoint point = target instanceof RestoreTarget.Point p ? points.get(p.name()) : null;
    for (RangeChange c :
        changes.stream().sorted(Comparator.comparingLong(RangeChange::millis)).toList()) {
      ShardBaseBackup base = plan.base().shard(c.shard());
      if (base != null && c.lsn() <= base.lsn()) {
        continue; // in the base backup's snapshot already
      }
      boolean replayed =
          switch (target) {
            case RestoreTarget.Backup b -> false;
            case RestoreTarget.Time t -> c.millis() <= t.millis();
            case RestoreTarget.Point p ->
                point != null && c.lsn() <= point.lsns().getOrDefault(c.shard(), Long.MAX_VALUE);
          };
      if (replayed) {
        throw new RestoreException(
            "a resharding move changed the layout after backup '"
                + plan.base().name()
                + "' and before the target ("
                + c.describe()
                + "): a restore replays each shard's archive over the layout of its base backup."
                + " Restore to a time before "
                + java.time.Instant.ofEpochMilli(c.millis())
                + ", or take a base backup after the move (kubectl-sdb backup create "
                + source
                + ") and restore to a time after it completed");
      }
    }
    return plan;
  }

  private static RestorePlan choose(
      String source,
      RestoreTarget target,
      List<BackupManifest> backups,
      Map<String, ArchiveState> archive,
      Map<String, RestorePoint> points) {
    List<BackupManifest> complete =
        backups.stream()
            .sorted(Comparator.comparingLong(BackupManifest::completedAtMillis))
            .toList();
    return switch (target) {
      case RestoreTarget.Backup b -> {
        BackupManifest m =
            complete.stream()
                .filter(x -> x.name().equals(b.name()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new RestoreException(
                            "backup '"
                                + b.name()
                                + "' of database '"
                                + source
                                + "' is not in the store (complete backups: "
                                + names(complete)
                                + ")"));
        List<RestorePlan.Shard> shards = new ArrayList<>();
        for (ShardBaseBackup s : m.shards()) {
          shards.add(new RestorePlan.Shard(s.shard(), s.lsn(), -1, -1));
        }
        yield new RestorePlan(source, m, shards, "backup " + m.name());
      }
      case RestoreTarget.Time t -> {
        BackupManifest m =
            complete.stream()
                .filter(x -> x.completedAtMillis() <= t.millis())
                .reduce((a, c) -> c)
                .orElseThrow(
                    () ->
                        new RestoreException(
                            "time "
                                + Instant.ofEpochMilli(t.millis())
                                + " is before the first complete backup of '"
                                + source
                                + "'"
                                + (complete.isEmpty()
                                    ? " (there is none)"
                                    : " (completed at "
                                        + Instant.ofEpochMilli(complete.get(0).completedAtMillis())
                                        + ")")));
        for (ShardBaseBackup s : m.shards()) {
          ArchiveState a = archive.get(s.shard());
          if (a == null) {
            throw new RestoreException(
                "shard "
                    + s.shard()
                    + " of '"
                    + source
                    + "' has no archive: cannot restore to a time");
          }
          if (a.archivedThroughMillis() < t.millis()) {
            throw new RestoreException(
                "time "
                    + Instant.ofEpochMilli(t.millis())
                    + " is after the last archived entry of shard "
                    + s.shard()
                    + " (archived through "
                    + Instant.ofEpochMilli(a.archivedThroughMillis())
                    + ")");
          }
        }
        List<RestorePlan.Shard> shards = new ArrayList<>();
        for (ShardBaseBackup s : m.shards()) {
          shards.add(new RestorePlan.Shard(s.shard(), s.lsn(), -1, t.millis()));
        }
        yield new RestorePlan(
            source,
            m,
            shards,
            "time " + Instant.ofEpochMilli(t.millis()) + " from backup " + m.name());
      }
      case RestoreTarget.Point p -> {
        RestorePoint rp = points.get(p.name());
        if (rp == null) {
          throw new RestoreException(
              "restore point '"
                  + p.name()
                  + "' of database '"
                  + source
                  + "' is not in the store (known: "
                  + (points.isEmpty() ? "none" : String.join(", ", points.keySet()))
                  + ")");
        }
        BackupManifest m =
            complete.stream()
                .filter(
                    x ->
                        x.shards().stream()
                            .allMatch(
                                s ->
                                    rp.lsns().containsKey(s.shard())
                                        && s.lsn() <= rp.lsns().get(s.shard())))
                .reduce((a, c) -> c)
                .orElseThrow(
                    () ->
                        new RestoreException(
                            "no complete backup of '"
                                + source
                                + "' lies before restore point '"
                                + p.name()
                                + "'"));
        for (ShardBaseBackup s : m.shards()) {
          ArchiveState a = archive.get(s.shard());
          long want = rp.lsns().get(s.shard());
          if (want > s.lsn() && (a == null || a.archivedLsn() < want)) {
            throw new RestoreException(
                "shard "
                    + s.shard()
                    + " has archived up to lsn "
                    + (a == null ? 0 : a.archivedLsn())
                    + ", short of restore point '"
                    + p.name()
                    + "' (lsn "
                    + want
                    + "); retry once archiving catches up");
          }
        }
        List<RestorePlan.Shard> shards = new ArrayList<>();
        for (ShardBaseBackup s : m.shards()) {
          shards.add(new RestorePlan.Shard(s.shard(), s.lsn(), rp.lsns().get(s.shard()), -1));
        }
        yield new RestorePlan(
            source, m, shards, "restore point " + rp.name() + " from backup " + m.name());
      }
    };
  }

  private static String names(List<BackupManifest> ms) {
    return ms.isEmpty()
        ? "none"
        : ms.stream().map(BackupManifest::name).collect(Collectors.joining(", "));
  }
}
