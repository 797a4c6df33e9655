package io.shardeddb.backup;

import java.util.List;

/**
 * A base backup's manifest, written after every shard's snapshot is in the store (its presence
 * means the backup is complete): per shard the snapshot LSN, rows, checksum and ranges at that
 * time, and the database's spec (schema and layout) so a restore can build the new database.
 */
public record BackupManifest(
    String name,
    String database,
    long startedAtMillis,
    long completedAtMillis,
    List<ShardBaseBackup> shards,
    List<ShardRange> layout,
    String specJson) {

  /** A shard's key range in the layout at backup time. */
  public record ShardRange(String shard, long low, long size) {}

  public ShardBaseBackup shard(String id) {
    return shards.stream().filter(s -> s.shard().equals(id)).findFirst().orElse(null);
  }

  public long bytes() {
    return shards.stream().mapToLong(ShardBaseBackup::bytes).sum();
  }
}
