package io.shardeddb.shardserver.backup;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.shardeddb.backup.StoreSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code shardeddb.backup.*} (docs/backup.md): the store (endpoint, region, bucket, prefix,
 * path-style, access key, server-side encryption; the key from the files of {@code credentials-dir}
 * when set, the mounted Secret, else from {@code access-key-id}/{@code secret-access-key}; a
 * private CA's PEM certificates from {@code ca-file}, env {@code SHARDEDDB_BACKUP_CA_FILE}), the
 * database name the archive is kept under and the database's namespace and UID (the archive's
 * owner, {@code owner.json}), how often the primary ships committed entries ({@code
 * archive-interval}, the archive lag's bound), how long the archive may lag before the replica
 * reports it stalled, how many entries the log may hold past the archive while archiving is stalled
 * before it is trimmed anyway ({@code max-unarchived-entries}, 0: no bound; the archive then has a
 * gap, recorded in the store, and restores refuse to cross it), how long one attempt of a call to
 * the store may take before it is retried on a new connection ({@code call-attempt-timeout}: a call
 * hanging on a dead connection delays archiving by at most that much once the store is back), and,
 * on a replica of a database being restored, what to restore (source database, base backup, and up
 * to which LSN, time, restore point or global timestamp).
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
    @Nullable String restorePoint,
    @Bindable(defaultValue = "-1") long restoreTimestamp,
    @Nullable String credentialsDir,
    @Bindable(defaultValue = "1000000") long maxUnarchivedEntries,
    @Bindable(defaultValue = "15s") Duration callAttemptTimeout,
    @Nullable String caFile) {

  /** Whether a store is configured (continuous archiving and base backups on). */
  public boolean enabled() {
    return bucket != null && !bucket.isBlank();
  }

  /** Whether this replica starts by restoring from a backup. */
  public boolean restoring() {
    return restoreSource != null
        && !restoreSource.isBlank()
        && (present(restoreBackup)
            || present(restorePoint)
            || restoreTime >= 0
            || restoreTimestamp > 0);
  }

  /**
   * The store, with the access key read now from {@code credentials-dir} (files {@code accessKeyId}
   * and {@code secretAccessKey}, exact bytes, as the environment references gave them) when it is
   * set, else from the settings; a missing file fails with its path.
   */
  public StoreSettings store() {
    boolean files = present(credentialsDir);
    return new StoreSettings(
        endpoint,
        region,
        bucket,
        prefix,
        pathStyle,
        files ? read(StoreSettings.SECRET_ACCESS_KEY_ID) : blankToNull(accessKeyId),
        files ? read(StoreSettings.SECRET_SECRET_ACCESS_KEY) : secretAccessKey,
        blankToNull(serverSideEncryption),
        blankToNull(kmsKeyId),
        present(caFile) ? readCa() : null);
  }

  private String readCa() {
    Path file = Path.of(caFile.trim());
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the backup store's CA from "
              + file
              + " (shardeddb.backup.ca-file, spec.backup.store.caSecret): "
              + e.getMessage(),
          e);
    }
  }

  private String read(String key) {
    Path file = Path.of(credentialsDir.trim()).resolve(key);
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the backup store's "
              + key
              + " from "
              + file
              + " (shardeddb.backup.credentials-dir): "
              + e.getMessage(),
          e);
    }
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
