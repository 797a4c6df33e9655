package io.shardeddb.shardserver.backup;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code /backup/base}: a base backup of this replica's shard: {@code Running}, {@code Completed}
 * (with its result) or {@code Failed} (with the reason), and rows streamed so far.
 */
@Serdeable
public record BaseBackupStatus(
    String name,
    String phase,
    long rowsDone,
    @Nullable ShardResult result,
    @Nullable String message) {

  /** The shard's part of the manifest (see {@code io.shardeddb.backup.ShardBaseBackup}). */
  @Serdeable
  public record ShardResult(
      String shard,
      long lsn,
      long epoch,
      long rows,
      String checksum,
      long bytes,
      String key,
      String takenFrom,
      String configJson,
      long startedAtMillis,
      long completedAtMillis) {}
}
