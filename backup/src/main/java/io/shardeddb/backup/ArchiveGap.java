package io.shardeddb.backup;

import java.util.List;

/**
 * Entries {@code fromLsn..toLsn} of a shard that never reached its archive (backup review
 * 2026-11-26 M1): a primary whose log no longer holds the entries after the archive's end (trimmed
 * past {@code max-unarchived-entries} while the store was down, or re-copied from a snapshot past
 * them) records this in the store before it archives on, so the gap outlives its memory, and no
 * restore plans a replay across it. {@code completeThroughMillis}: every entry committed at or
 * before it is in the archive before the gap (the archive state's through-time when the gap was
 * found), so a restore to a time up to it does not cross the gap.
 */
public record ArchiveGap(
    String shard,
    long fromLsn,
    long toLsn,
    long completeThroughMillis,
    long foundAtMillis,
    String foundBy) {

  /**
   * Null when {@code plan} replays across none of {@code gaps}; else why it cannot be restored, for
   * the user. A shard's replay crosses a gap that lies after its base when it goes to an LSN at or
   * past the gap's start, or to a time after the archive was last complete before it.
   */
  public static String crossedBy(RestorePlan plan, List<ArchiveGap> gaps) {
    for (RestorePlan.Shard s : plan.shards()) {
      for (ArchiveGap g : gaps) {
        if (!g.shard().equals(s.shard()) || g.toLsn() <= s.baseLsn()) {
          continue;
        }
        boolean toLsn = s.toLsn() >= 0 && s.toLsn() >= g.fromLsn();
        boolean toTime = s.toTimeMillis() >= 0 && s.toTimeMillis() > g.completeThroughMillis();
        if (toLsn || toTime) {
          return "entries "
              + g.fromLsn()
              + ".."
              + g.toLsn()
              + " of shard "
              + g.shard()
              + " were never archived (found by "
              + g.foundBy()
              + "): a restore cannot replay across them; restore to a time at or before "
              + java.time.Instant.ofEpochMilli(g.completeThroughMillis())
              + ", or from a base backup taken after lsn "
              + g.toLsn();
        }
      }
    }
    return null;
  }
}
