package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.backup.StoreSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The backup store's access key ({@code spec.backup.store.credentialsSecret}) as files in the
 * shard-server container, which reads them from {@code SHARDEDDB_BACKUP_CREDENTIALS_DIR} (a row of
 * {@link SettingsTable}): no key in the environment, where {@code /proc/<pid>/environ} and {@code
 * kubectl describe pod} would show it. Nothing without a store, nor for a store without a
 * credentials Secret (the SDK's default chain: a cloud identity, docs/backup.md). Likewise the
 * store's private CA ({@code spec.backup.store.caSecret}, key {@code ca.crt}), named by {@code
 * SHARDEDDB_BACKUP_CA_FILE}.
 */
final class BackupStoreFiles {

  static final String VOLUME = "backup-store-credentials";

  static final String CA_VOLUME = "backup-store-ca";

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
    List<Volume> out = new ArrayList<>();
    if (store.caSecret() != null) {
      out.add(
          new VolumeBuilder()
              .withName(CA_VOLUME)
              .withNewSecret()
              .withSecretName(store.caSecret())
              .addNewItem()
              .withKey(StoreSettings.SECRET_CA)
              .withPath(StoreSettings.SECRET_CA)
              .endItem()
              .withDefaultMode(0444)
              .endSecret()
              .build());
    }
    if (store.credentialsSecret() == null) {
      return out;
    }
    out.add(
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
    return out;
  }

  /** Where the shard-server reads them (read-only); none without a store or its Secret. */
  static List<VolumeMount> mounts(DatabaseModel db) {
    BackupStoreSpec store = store(db);
    List<VolumeMount> out = new ArrayList<>();
    if (store != null && store.caSecret() != null) {
      out.add(
          new VolumeMountBuilder()
              .withName(CA_VOLUME)
              .withMountPath(ShardedDatabaseResources.BACKUP_STORE_CA_MOUNT)
              .withReadOnly(true)
              .build());
    }
    if (store != null && store.credentialsSecret() != null) {
      out.add(
          new VolumeMountBuilder()
              .withName(VOLUME)
              .withMountPath(ShardedDatabaseResources.BACKUP_STORE_CREDENTIALS_MOUNT)
              .withReadOnly(true)
              .build());
    }
    return out;
  }

  private static BackupStoreSpec store(DatabaseModel db) {
    return db.spec().backup() == null ? null : db.spec().backup().store();
  }
}
