package io.shardeddb.backup;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a restore to a global timestamp (DESIGN §11, docs/timestamps.md) cuts each shard's archive:
 * after its last entry stamped at or below the timestamp. A shard's log is ordered by timestamp
 * (the primary stamps an entry at least one above the entry before it), so that is a prefix of the
 * log, and the same number cuts every shard: one cut of one order, exact across shards whatever
 * their clocks say. Pure: {@link BackupCatalog} reads the stamps from the archive's segments,
 * {@link RestorePlanner} restores each shard to its cut's LSN as to a restore point.
 *
 * <p>The cut is known only once the shard's archive holds an entry stamped at or past the
 * timestamp: before that a write stamped at or below it may still arrive (its router fetched the
 * slot earlier), so a timestamp past a shard's archive is refused, as a time past it is. Entries
 * without a timestamp (0: written before timestamps, or by an older primary in a mixed-version
 * window) that precede every timestamped entry of the shard count as before every timestamp (the
 * database's history before it had timestamps); a stretch of them after a timestamped entry cannot
 * be placed against the timestamp, so a replay across one is refused ({@link #crossesUnknown}).
 */
public final class TimestampCut {

  /** How many bits of a timestamp are below its milliseconds (protocol's GlobalTimestamp). */
  private static final int MILLIS_SHIFT = 21;

  private TimestampCut() {}

  /** One archived entry: its LSN and global timestamp (0: none known). */
  public record Stamp(long lsn, long timestamp) {}

  /**
   * A shard's cut: {@code lsn}, its last entry at or below the timestamp (entries after it are all
   * above it); {@code unknownFrom..unknownTo}, the last stretch of entries without a timestamp at
   * or below the cut that follows a timestamped entry (-1: none).
   */
  public record ShardCut(String shard, long lsn, long unknownFrom, long unknownTo) {}

  /** The name under which the cut is handed to the planner as a restore point. */
  public static String pointName(long timestamp) {
    return "timestamp " + timestamp;
  }

  /** A timestamp in words: the number and the wall-clock time its milliseconds give. */
  public static String describe(long timestamp) {
    return timestamp + " (" + Instant.ofEpochMilli(millis(timestamp)) + ")";
  }

  /** The oracle's milliseconds in a timestamp, as protocol's {@code GlobalTimestamp.millis}. */
  public static long millis(long timestamp) {
    return timestamp >>> MILLIS_SHIFT;
  }

  /** Whether {@code stamps} already hold the cut (an entry stamped past the timestamp). */
  public static boolean reaches(List<Stamp> stamps, long timestamp) {
    return stamps.stream().anyMatch(s -> s.timestamp() > timestamp);
  }

  /**
   * The cut of one shard at {@code timestamp}, from its archived entries in LSN order ({@code
   * stamps}, from its oldest usable base on); refused when the archive does not reach the timestamp
   * or is not in timestamp order there.
   */
  public static ShardCut cut(String shard, long timestamp, List<Stamp> stamps) {
    if (timestamp <= 0) {
      throw new RestoreException("a global timestamp is a positive number, not " + timestamp);
    }
    boolean stamped = false;
    long runFrom = -1;
    long runTo = -1;
    long from = -1;
    long to = -1;
    for (int i = 0; i < stamps.size(); i++) {
      Stamp s = stamps.get(i);
      if (s.timestamp() == 0) {
        if (stamped) {
          runFrom = runFrom < 0 ? s.lsn() : runFrom;
          runTo = s.lsn();
        }
        continue;
      }
      if (runFrom >= 0) {
        from = runFrom;
        to = runTo;
        runFrom = -1;
      }
      if (s.timestamp() > timestamp) {
        requireKnownBefore(shard, timestamp, s, i);
        requireOrderedAfter(shard, timestamp, stamps.subList(i, stamps.size()));
        return new ShardCut(shard, s.lsn() - 1, from, to);
      }
      stamped = true;
    }
    Stamp last = stamps.isEmpty() ? null : stamps.getLast();
    if (last != null && last.timestamp() == timestamp) {
      return new ShardCut(shard, last.lsn(), from, to);
    }
    throw new RestoreException(
        "timestamp "
            + describe(timestamp)
            + " is past the archive of shard "
            + shard
            + ": "
            + (last == null
                ? "it has nothing archived"
                : "its last archived entry, lsn "
                    + last.lsn()
                    + ", "
                    + (last.timestamp() == 0
                        ? "has no timestamp"
                        : "has timestamp " + describe(last.timestamp())))
            + ". Until the archive holds an entry of the shard stamped at or after it, a write"
            + " stamped at or below it may still arrive there; retry once archiving catches up"
            + " (a shard that takes no writes needs one write after the timestamp)");
  }

  /**
   * The entry before the first one past the timestamp is read, so the cut is known to be at or
   * below it; unless the log starts there (the shard held nothing at the timestamp).
   */
  private static void requireKnownBefore(String shard, long timestamp, Stamp first, int index) {
    if (index == 0 && first.lsn() > 1) {
      throw new RestoreException(
          "timestamp "
              + describe(timestamp)
              + " is before what the archive of shard "
              + shard
              + " holds from its oldest base backup on: its entry at lsn "
              + first.lsn()
              + " already has timestamp "
              + describe(first.timestamp())
              + ", so no base backup lies before the timestamp");
    }
  }

  /** Past the cut every timestamped entry is above the timestamp, or the cut is no prefix. */
  private static void requireOrderedAfter(String shard, long timestamp, List<Stamp> after) {
    for (Stamp s : after) {
      if (s.timestamp() != 0 && s.timestamp() <= timestamp) {
        throw new RestoreException(
            "the archive of shard "
                + shard
                + " is not in timestamp order at "
                + describe(timestamp)
                + ": lsn "
                + s.lsn()
                + " has timestamp "
                + describe(s.timestamp())
                + " after lsn "
                + after.getFirst().lsn()
                + " with "
                + describe(after.getFirst().timestamp())
                + ", so no prefix of its log holds exactly the entries at or below it; restore to"
                + " a time or a restore point");
      }
    }
  }

  /** The cuts as the restore point the planner restores them as: each shard to its cut's LSN. */
  public static RestorePoint asPoint(String database, long timestamp, Map<String, ShardCut> cuts) {
    Map<String, Long> lsns = new LinkedHashMap<>();
    cuts.forEach((shard, c) -> lsns.put(shard, c.lsn()));
    return new RestorePoint(pointName(timestamp), database, millis(timestamp), lsns);
  }

  /**
   * Null when no shard of {@code plan} replays entries without a timestamp that follow timestamped
   * ones (between its base and its cut); else why the restore cannot be exact, for the user.
   */
  public static String crossesUnknown(RestorePlan plan, Map<String, ShardCut> cuts) {
    for (RestorePlan.Shard s : plan.shards()) {
      ShardCut c = cuts.get(s.shard());
      if (c == null || c.unknownTo() < 0 || c.unknownTo() <= s.baseLsn()) {
        continue;
      }
      return "entries "
          + Math.max(c.unknownFrom(), s.baseLsn() + 1)
          + ".."
          + c.unknownTo()
          + " of shard "
          + s.shard()
          + " carry no global timestamp but follow entries that do (written by a shard-server"
          + " without timestamps), and the restore ("
          + plan.summary()
          + ") would replay them: whether they belong before or after the timestamp is not known."
          + " Restore to a time or a restore point, or from a base backup taken after lsn "
          + c.unknownTo();
    }
    return null;
  }
}
