package io.shardeddb.backup;

import java.util.List;

/**
 * How each shard of a new database is restored: from the base backup {@code base} (its snapshot at
 * {@code baseLsn}), then its archive replayed up to {@code toLsn} (a restore point), or up to the
 * last entry committed at or before {@code toTimeMillis} (PITR); both -1 for the snapshot alone.
 */
public record RestorePlan(String source, BackupManifest base, List<Shard> shards, String summary) {

  /** One shard's target. */
  public record Shard(String shard, long baseLsn, long toLsn, long toTimeMillis) {}

  public Shard shard(String id) {
    return shards.stream().filter(s -> s.shard().equals(id)).findFirst().orElse(null);
  }
}
