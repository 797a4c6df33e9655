package io.shardeddb.operator.backup;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.StoreSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The shard-server's backup settings as container environment (one table from resource field to
 * server setting): the store from {@code spec.backup.store} (the access key by reference to its
 * Secret), the archive interval, the database name objects are kept under, and, for a database
 * created from a backup, what to restore ({@code spec.bootstrap.fromBackup}).
 */
public final class BackupEnv {
  public static final String DATABASE = "SHARDEDDB_BACKUP_DATABASE";
  public static final String ARCHIVE_INTERVAL = "SHARDEDDB_BACKUP_ARCHIVE_INTERVAL";
  public static final String RESTORE_SOURCE = "SHARDEDDB_RESTORE_SOURCE";
  public static final String RESTORE_BACKUP = "SHARDEDDB_RESTORE_BACKUP";
  public static final String RESTORE_TIME = "SHARDEDDB_RESTORE_TIME";
  public static final String RESTORE_POINT = "SHARDEDDB_RESTORE_POINT";
  public static final String RESTORE_SHARD = "SHARDEDDB_RESTORE_SHARD";

  private BackupEnv() {}

  /**
   * The variables for a shard-server of {@code shard} of database {@code db}; none without backups.
   */
  public static List<EnvVar> shardServer(String db, ShardedDatabaseSpec spec, String shard) {
    List<EnvVar> env = new ArrayList<>();
    BackupSpec backup = spec.backup();
    if (backup == null || backup.store() == null) {
      return env;
    }
    BackupStoreSpec store = backup.store();
    add(env, StoreSettings.ENV_ENDPOINT, store.endpoint());
    add(env, StoreSettings.ENV_REGION, store.region());
    add(env, StoreSettings.ENV_BUCKET, store.bucket());
    add(env, StoreSettings.ENV_PREFIX, store.prefix());
    add(env, StoreSettings.ENV_PATH_STYLE, Boolean.toString(store.pathStyleOrDefault()));
    add(env, StoreSettings.ENV_SSE, store.serverSideEncryption());
    add(env, StoreSettings.ENV_SSE_KMS_KEY_ID, store.kmsKeyId());
    env.add(
        secretRef(
            StoreSettings.ENV_ACCESS_KEY_ID,
            store.credentialsSecret(),
            StoreSettings.SECRET_ACCESS_KEY_ID));
    env.add(
        secretRef(
            StoreSettings.ENV_SECRET_ACCESS_KEY,
            store.credentialsSecret(),
            StoreSettings.SECRET_SECRET_ACCESS_KEY));
    add(env, DATABASE, db);
    add(env, ARCHIVE_INTERVAL, backup.archiveIntervalSecondsOrDefault() + "s");
    FromBackupSpec from = spec.restoreSource();
    if (from != null) {
      add(env, RESTORE_SOURCE, from.source());
      add(env, RESTORE_SHARD, shard);
      add(env, RESTORE_BACKUP, from.backup());
      if (from.time() != null) {
        add(env, RESTORE_TIME, Long.toString(FromBackupSpec.epochMillis(from.time())));
      }
      add(env, RESTORE_POINT, from.restorePoint());
    }
    return env;
  }

  private static void add(List<EnvVar> env, String name, String value) {
    if (value != null && !value.isBlank()) {
      env.add(new EnvVarBuilder().withName(name).withValue(value).build());
    }
  }

  private static EnvVar secretRef(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
