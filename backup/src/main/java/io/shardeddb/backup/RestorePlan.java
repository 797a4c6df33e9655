package io.shardeddb.backup;

import java.util.List;

/**
 * How each shard of a new database is restored: from the base backup {@code base} (its snapshot at
 * {@code baseLsn}, or an empty base for a shard a split created after it), then its archive
 * replayed up to {@code toLsn} (a restore point), or up to the last entry committed at or before
 * {@code toTimeMillis} (PITR); both -1 for the snapshot alone. {@code layout} is the layout at the
 * target (each restored shard and the one range it owns, by its low end): the new database's {@code
 * spec.shards}; empty when the backup does not say what its shards owned (then the base backup's
 * spec's shards, as before resharding).
 */
public record RestorePlan(
    String source,
    BackupManifest base,
    List<Shard> shards,
    String summary,
    List<BackupManifest.ShardRange> layout) {

  public RestorePlan(String source, BackupManifest base, List<Shard> shards, String summary) {
    this(source, base, shards, summary, List.of());
  }

  /**
   * One shard's target. {@code emptyBase}: the shard is not in the base backup (a split created it
   * after), so it starts empty, owning nothing, and replays its archive from its first entry.
   * {@code owned}: what it owns at the target (null when unknown: what the base and the replay
   * leave); {@code unfenced}: ranges among them that its replay leaves fenced but no other shard
   * adopted by the target (a move's cut-over that had not completed), which the restore owns again.
   */
  public record Shard(
      String shard,
      long baseLsn,
      long toLsn,
      long toTimeMillis,
      boolean emptyBase,
      List<KeyRange> owned,
      List<KeyRange> unfenced) {

    public Shard(String shard, long baseLsn, long toLsn, long toTimeMillis) {
      this(shard, baseLsn, toLsn, toTimeMillis, false, null, List.of());
    }
  }

  public Shard shard(String id) {
    return shards.stream().filter(s -> s.shard().equals(id)).findFirst().orElse(null);
  }
}
