package io.shardeddb.shardserver.backup;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.shardeddb.backup.StoreSettings;
import java.time.Duration;

/**
 * {@code shardeddb.backup.*} (docs/backup.md): the store (endpoint, region, bucket, prefix,
 * path-style, access key, server-side encryption), the database name the archive is kept under and
 * the database's namespace and UID (the archive's owner, {@code owner.json}), how often the primary
 * ships committed entries ({@code archive-interval}, the archive lag's bound), how long the archive
 * may lag before the replica reports it stalled, and, on a replica of a database being restored,
 * what to restore (source database, base backup, and up to which LSN or time).
 */
@ConfigurationProperties("shardeddb.backup")
public record BackupSettings(
    @Nullable String endpoint,
    @Nullable String region,
    @Nullable String bucket,
    @Nullable String prefix,
    @Bindable(defaultValue = "true") boolean pathStyle,
    @Nullable String accessKeyId,
    @Nullable String secretAccessKey,
    @Nullable String serverSideEncryption,
    @Nullable String kmsKeyId,
    @Nullable String database,
    @Nullable String databaseUid,
    @Nullable String databaseNamespace,
    @Bindable(defaultValue = "2s") Duration archiveInterval,
    @Bindable(defaultValue = "5m") Duration stallAfter,
    @Nullable String restoreSource,
    @Nullable String restoreBackup,
    @Bindable(defaultValue = "-1") long restoreToLsn,
    @Bindable(defaultValue = "-1") long restoreToTime,
    @Nullable String restoreShard,
    @Bindable(defaultValue = "-1") long restoreTime,
    @Nullable String restorePoint) {

  /** Whether a store is configured (continuous archiving and base backups on). */
  public boolean enabled() {
    return bucket != null && !bucket.isBlank();
  }

  /** Whether this replica starts by restoring from a backup. */
  public boolean restoring() {
    return restoreSource != null
        && !restoreSource.isBlank()
        && (present(restoreBackup) || present(restorePoint) || restoreTime >= 0);
  }

  public StoreSettings store() {
    return new StoreSettings(
        endpoint,
        region,
        bucket,
        prefix,
        pathStyle,
        blankToNull(accessKeyId),
        secretAccessKey,
        blankToNull(serverSideEncryption),
        blankToNull(kmsKeyId));
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
