package io.shardeddb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.StoreSettings;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a shard-server is told of the backup store, by environment variables. */
class BackupEnvTest {

  private static Map<String, String> plain(BackupStoreSpec store) {
    ShardedDatabaseSpec spec =
        new ShardedDatabaseSpec(null, null, null, null, null, null, null, null, null, null, null)
            .withBackup(new BackupSpec(store, null, null, null));
    return BackupEnv.shardServer("db", spec, "sh1").stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void serverSideEncryptionReachesTheShardServersOnlyWhenSet() {
    Map<String, String> sse =
        plain(
            new BackupStoreSpec(
                "http://s3:9000", null, "bkt", null, true, "creds", "aws:kms", "alias/backups"));
    assertThat(sse)
        .containsEntry(StoreSettings.ENV_SSE, "aws:kms")
        .containsEntry(StoreSettings.ENV_SSE_KMS_KEY_ID, "alias/backups")
        .containsEntry(StoreSettings.ENV_BUCKET, "bkt");
    assertThat(StoreSettings.fromEnv(sse).serverSideEncryption()).isEqualTo("aws:kms");

    Map<String, String> none =
        plain(new BackupStoreSpec("http://s3:9000", null, "bkt", null, true, "creds"));
    assertThat(none).doesNotContainKeys(StoreSettings.ENV_SSE, StoreSettings.ENV_SSE_KMS_KEY_ID);
  }
}
