package io.shardeddb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.BootstrapSpec;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.ShardBaseBackup;
import io.shardeddb.backup.embedded.EmbeddedS3Server;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's check before it creates anything of a database restored from a backup, against a
 * real S3 protocol server: a possible restore passes; an unknown backup, a time before the first
 * backup, a missing Secret and refused credentials each give the reason.
 */
@EnableKubernetesMockClient(crud = true)
class RestoreGateTest {
  @TempDir static Path dir;
  static EmbeddedS3Server s3;
  KubernetesClient client;

  @BeforeAll
  static void startStore() throws Exception {
    s3 = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "gate-key", "gate-secret");
    try (BackupStore store = new BackupStore(s3.settings("bkt", ""))) {
      store.ensureBucket();
      ShardBaseBackup sh1 = new ShardBaseBackup("sh1", 5, 1, 3, "c", 10, "k", "r", "{}", 1, 2);
      store.putBytes(
          BackupKeys.manifest("src", "b1"),
          BackupJson.write(
              new BackupManifest("b1", "src", 1, 2_000, List.of(sh1), List.of(), null)));
    }
  }

  @AfterAll
  static void stopStore() throws Exception {
    s3.close();
  }

  private void secret(String name, String key) {
    client
        .secrets()
        .inNamespace("test")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("test")
                .endMetadata()
                .addToStringData("accessKeyId", "gate-key")
                .addToStringData("secretAccessKey", key)
                .build())
        .create();
  }

  private ShardedDatabase restoring(String secret, FromBackupSpec from) {
    ShardedDatabase db = new ShardedDatabase();
    db.setMetadata(
        new ObjectMetaBuilder()
            .withName("copy")
            .withNamespace("test")
            .withUid("u-" + secret + from)
            .build());
    BackupSpec backup =
        new BackupSpec(
            new BackupStoreSpec(s3.url(), null, "bkt", null, true, secret), null, null, null);
    db.setSpec(
        new ShardedDatabaseSpec(null, null, null, null, null, null, null, null, null, null, null)
            .withBackup(backup)
            .withBootstrap(new BootstrapSpec(from)));
    return db;
  }

  @Test
  void aPossibleRestorePassesAndImpossibleOnesSayWhy() {
    secret("good", "gate-secret");
    secret("bad", "not-the-secret");
    RestoreGate gate = new RestoreGate(client);

    assertThat(gate.problem(restoring("good", new FromBackupSpec("src", "b1", null, null))))
        .isNull();
    assertThat(gate.problem(restoring("good", new FromBackupSpec("src", "b9", null, null))))
        .startsWith("spec.bootstrap.fromBackup: ")
        .contains("'b9'")
        .contains("b1");
    assertThat(
            gate.problem(
                restoring("good", new FromBackupSpec("src", null, "1970-01-01T00:00:01Z", null))))
        .contains("before the first complete backup");
    assertThat(gate.problem(restoring("missing", new FromBackupSpec("src", "b1", null, null))))
        .contains("Secret test/missing does not exist");
    assertThat(gate.problem(restoring("bad", new FromBackupSpec("src", "b1", null, null))))
        .contains("refused the credentials");
  }
}
