package io.shardeddb.shardserver.backup;

import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.RestorePlan;
import io.shardeddb.backup.RestoreTarget;
import io.shardeddb.backup.ShardBaseBackup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The decisions of a restore (pure), for {@link BackupRestorer} to act on: which target to plan and
 * where the replay ends, whether a loaded base matches its manifest, which archive segments to read
 * and in what order, and what to do with each archived entry.
 */
final class RestoreRules {

  private RestoreRules() {}

  /**
   * Where a restore goes: the base backup, the LSN or commit time to stop at (-1: no bound) and the
   * shard as planned (null: a direct replay nobody planned).
   */
  record Target(String backup, long toLsn, long toTime, RestorePlan.Shard planned) {

    /** A shard a split created after the base: it restores from an empty base. */
    boolean emptyBase() {
      return planned != null && planned.emptyBase();
    }

    /** Whether the archive after the base is replayed at all. */
    boolean replays() {
      return toLsn >= 0 || toTime >= 0;
    }

    /**
     * The shard's target in {@code plan}, refused when the plan leaves it out of the layout at the
     * target.
     */
    static Target planned(String shard, RestorePlan plan) {
      RestorePlan.Shard planned = plan.shard(shard);
      if (planned == null) {
        throw new IllegalStateException(
            "the restore plan ("
                + plan.summary()
                + ") has no "
                + shard
                + ": the layout at the target is "
                + plan.layout());
      }
      return new Target(plan.base().name(), planned.toLsn(), planned.toTimeMillis(), planned);
    }
  }

  /**
   * The target to plan, from the settings: a restore point, a global timestamp (positive), a named
   * backup alone, or a time. Empty for an explicit restore-to-lsn or -time with a backup: a test's
   * direct replay, planned by nobody.
   */
  static Optional<RestoreTarget> toPlan(
      String backup, long toLsn, long toTime, String point, long restoreTime, long timestamp) {
    if (present(point)) {
      return Optional.of(new RestoreTarget.Point(point));
    }
    if (timestamp > 0) {
      return Optional.of(new RestoreTarget.Timestamp(timestamp));
    }
    if (present(backup)) {
      return toLsn < 0 && toTime < 0
          ? Optional.of(new RestoreTarget.Backup(backup))
          : Optional.empty();
    }
    return restoreTime >= 0 ? Optional.of(new RestoreTarget.Time(restoreTime)) : Optional.empty();
  }

  /** A restored base whose rows or checksum differ from its manifest's is refused. */
  static void requireMatches(String shard, ShardBaseBackup base, TableSum restored) {
    if (!restored.sha256().equals(base.checksum()) || restored.rows() != base.rows()) {
      throw new IllegalStateException(
          "restored base of "
              + shard
              + " does not match the manifest: "
              + restored.rows()
              + " rows, checksum "
              + restored.sha256()
              + "; manifest: "
              + base.rows()
              + " rows, checksum "
              + base.checksum());
    }
  }

  /** One archive segment: its key and the LSNs it holds. */
  record Segment(String key, long first, long last) {}

  /** The segments that may hold entries after {@code applied}, in LSN order. */
  static List<Segment> segmentsAfter(List<String> keys, long applied) {
    List<Segment> segments = new ArrayList<>();
    for (String k : keys) {
      long[] range = BackupKeys.segmentRange(k);
      if (range != null && range[1] > applied) {
        segments.add(new Segment(k, range[0], range[1]));
      }
    }
    segments.sort(Comparator.comparingLong(Segment::first));
    return segments;
  }

  /** What the replay does with an archived entry. */
  enum Take {
    /** Already applied (segments overlap): passed over. */
    SKIP,
    /** Past the target: the replay ends before it. */
    STOP,
    /** The next entry: applied. */
    APPLY
  }

  /**
   * What the replay does with {@code a} when it needs LSN {@code next}: a gap in the archive is
   * refused; the replay stops at the first entry past the target LSN or committed after its time.
   */
  static Take take(String shard, ArchivedEntry a, long next, long toLsn, long toTime) {
    long lsn = a.entry().lsn();
    if (lsn < next) {
      return Take.SKIP;
    }
    if ((toLsn >= 0 && lsn > toLsn) || (toTime >= 0 && a.t() > toTime)) {
      return Take.STOP;
    }
    if (lsn != next) {
      throw new IllegalStateException(
          "the archive of " + shard + " has a gap: lsn " + next + " is missing");
    }
    return Take.APPLY;
  }

  /** A table's row count and SHA-256, as {@code /checksum} computes them. */
  record TableSum(long rows, String sha256) {}

  static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
