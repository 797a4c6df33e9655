package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.backup.StoreSettings;
import java.util.List;

/**
 * The backup store's access key ({@code spec.backup.store.credentialsSecret}) as files in the
 * shard-server container, which reads them from {@code SHARDEDDB_BACKUP_CREDENTIALS_DIR} (a row of
 * {@link SettingsTable}): no key in the environment, where {@code /proc/<pid>/environ} and {@code
 * kubectl describe pod} would show it. Nothing without a store.
 */
final class BackupStoreFiles {

  static final String VOLUME = "backup-store-credentials";

  private BackupStoreFiles() {}

  /**
   * The Secret's two keys, both required (as the environment references they replace were), read by
   * the pod's group only; none without a store.
   */
  static List<Volume> volumes(DatabaseModel db) {
    BackupStoreSpec store = store(db);
    if (store == null) {
      return List.of();
    }
    return List.of(
        new VolumeBuilder()
            .withName(VOLUME)
            .withNewSecret()
            .withSecretName(store.credentialsSecret())
            .addNewItem()
            .withKey(StoreSettings.SECRET_ACCESS_KEY_ID)
            .withPath(StoreSettings.SECRET_ACCESS_KEY_ID)
            .endItem()
            .addNewItem()
            .withKey(StoreSettings.SECRET_SECRET_ACCESS_KEY)
            .withPath(StoreSettings.SECRET_SECRET_ACCESS_KEY)
            .endItem()
            .withDefaultMode(0440)
            .endSecret()
            .build());
  }

  /** Where the shard-server reads them (read-only); none without a store. */
  static List<VolumeMount> mounts(DatabaseModel db) {
    if (store(db) == null) {
      return List.of();
    }
    return List.of(
        new VolumeMountBuilder()
            .withName(VOLUME)
            .withMountPath(ShardedDatabaseResources.BACKUP_STORE_CREDENTIALS_MOUNT)
            .withReadOnly(true)
            .build());
  }

  private static BackupStoreSpec store(DatabaseModel db) {
    return db.spec().backup() == null ? null : db.spec().backup().store();
  }
}
