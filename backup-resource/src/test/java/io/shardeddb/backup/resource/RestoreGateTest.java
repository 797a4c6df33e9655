package io.shardeddb.backup.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.BootstrapSpec;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.ArchiveOwner;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.RangeChange;
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
      // "split" owned [0, 8192) in its backup s1; a split moved [4096, 8192) to a new shard sh2.
      ShardBaseBackup whole =
          new ShardBaseBackup(
              "sh1", 5, 1, 3, "c", 10, "k", "r", "{\"owned\":[{\"low\":0,\"size\":8192}]}", 1, 2);
      store.putBytes(
          BackupKeys.manifest("split", "s1"),
          BackupJson.write(
              new BackupManifest("s1", "split", 1, 2_000, List.of(whole), List.of(), null)));
      store.putBytes(
          BackupKeys.rangeChange("split", "sh1", 9),
          BackupJson.write(new RangeChange("sh1", 9, 3_000, "Fence", 4096, 4096)));
      store.putBytes(
          BackupKeys.rangeChange("split", "sh2", 4),
          BackupJson.write(new RangeChange("sh2", 4, 3_100, "Adopt", 4096, 4096)));
      store.putBytes(BackupKeys.segment("split", "sh2", 1, 4), new byte[0]);
      for (String db : List.of("src", "split")) {
        store.putBytes(
            BackupKeys.archiveOwner(db),
            BackupJson.write(new ArchiveOwner("test", db, "uid-" + db, 1)));
      }
      // "elsewhere" was archived by a database in namespace prod (restored into test below).
      store.putBytes(
          BackupKeys.manifest("elsewhere", "b1"),
          BackupJson.write(
              new BackupManifest("b1", "elsewhere", 1, 2_000, List.of(sh1), List.of(), null)));
      store.putBytes(
          BackupKeys.archiveOwner("elsewhere"),
          BackupJson.write(new ArchiveOwner("prod", "elsewhere", "uid-prod", 1)));
      store.putBytes(
          BackupKeys.manifest("unmarked", "b1"),
          BackupJson.write(
              new BackupManifest("b1", "unmarked", 1, 2_000, List.of(sh1), List.of(), null)));
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
        ShardedDatabaseSpec.builder().backup(backup).bootstrap(new BootstrapSpec(from)).build());
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

  /**
   * A database restored past a split made after its base backup must name the layout at the target
   * in spec.shards (the restored shards own exactly that); the backup's layout is refused, saying
   * which shards to write.
   */
  @Test
  void aRestorePastASplitNeedsTheLayoutAtTheTargetInSpecShards() {
    secret("good", "gate-secret");
    RestoreGate gate = new RestoreGate(client);
    ShardedDatabase named = restoring("good", new FromBackupSpec("split", "s1", null, null));
    named.setSpec(named.getSpec().withShards(List.of(new ShardSpec("sh1", 0, 8192, null))));
    assertThat(gate.problem(named)).isNull();

    // A restore point past the split (sh2 at lsn 4 adopted [4096, 8192)).
    ShardedDatabase past = restoring("good", new FromBackupSpec("split", null, null, "rp"));
    try (var store = new io.shardeddb.backup.BackupStore(s3.settings("bkt", ""))) {
      store.putBytes(
          BackupKeys.restorePoint("split", "rp"),
          BackupJson.write(
              new io.shardeddb.backup.RestorePoint(
                  "rp", "split", 4_000, java.util.Map.of("sh1", 9L, "sh2", 4L))));
      store.putBytes(
          BackupKeys.archiveState("split", "sh1"),
          BackupJson.write(new io.shardeddb.backup.ArchiveState("sh1", 9, 1, 4_000, "p")));
      store.putBytes(
          BackupKeys.archiveState("split", "sh2"),
          BackupJson.write(new io.shardeddb.backup.ArchiveState("sh2", 4, 1, 4_000, "p")));
    }
    past.setSpec(past.getSpec().withShards(List.of(new ShardSpec("sh1", 0, 8192, null))));
    assertThat(gate.problem(past))
        .contains("spec.shards must be the layout at the restore's target")
        .contains("sh1 [0, 4096), sh2 [4096, 8192)");
    ShardedDatabase right = restoring("good", new FromBackupSpec("split", null, null, "rp"));
    right.setSpec(
        right
            .getSpec()
            .withShards(
                List.of(new ShardSpec("sh1", 0, 4096, null), new ShardSpec("sh2", 4096, 4096, 2))));
    assertThat(gate.problem(right)).isNull();
  }

  /**
   * docs/backup.md, "One owner per archive": a database deleted and re-created under its name finds
   * the earlier incarnation's archive; a restore of the live source refuses it (it would replay the
   * deleted database's rows), as it refuses an archive with no owner marker. Once the source is
   * gone, its archive's one marked owner is restored.
   */
  @Test
  void aRestoreReadsOnlyAnArchiveOwnedByTheSource() {
    secret("good", "gate-secret");
    ShardedDatabase reborn = new ShardedDatabase();
    reborn.setMetadata(
        new ObjectMetaBuilder().withName("src").withNamespace("test").withUid("uid-new").build());
    reborn.setSpec(ShardedDatabaseSpec.builder().build());
    client.resource(reborn).inNamespace("test").create();
    RestoreGate gate = new RestoreGate(client);

    assertThat(gate.problem(restoring("good", new FromBackupSpec("src", "b1", null, null))))
        .contains("belongs to ShardedDatabase test/src (uid uid-src)")
        .contains("'src' (uid " + sourceUidInCluster() + ")");
    assertThat(gate.problem(restoring("good", new FromBackupSpec("unmarked", "b1", null, null))))
        .contains("no owner marker");

    client.resource(reborn).inNamespace("test").delete();
    assertThat(gate.problem(restoring("good", new FromBackupSpec("src", "b1", null, null))))
        .isNull();
  }

  /**
   * docs/backup.md, "Disaster recovery": a restore from the store alone into another namespace than
   * the one the archive's marker names. While a ShardedDatabase of the source's name exists there
   * with another UID (re-created), the archive is an earlier incarnation's and is refused; once it
   * is gone the marked owner restores. Red before: only the restore's own namespace was looked at,
   * so the re-created source's namespace was never checked.
   */
  @Test
  void aRestoreIntoAnotherNamespaceChecksTheSourceWhereTheMarkerSaysItLived() {
    secret("good", "gate-secret");
    FromBackupSpec from = new FromBackupSpec("elsewhere", "b1", null, null);
    assertThat(new RestoreGate(client).problem(restoring("good", from))).isNull();

    ShardedDatabase reborn = new ShardedDatabase();
    reborn.setMetadata(
        new ObjectMetaBuilder().withName("elsewhere").withNamespace("prod").withUid("x").build());
    reborn.setSpec(ShardedDatabaseSpec.builder().build());
    client.resource(reborn).inNamespace("prod").create();
    String rebornUid =
        client
            .resources(ShardedDatabase.class)
            .inNamespace("prod")
            .withName("elsewhere")
            .get()
            .getMetadata()
            .getUid();
    assertThat(new RestoreGate(client).problem(restoring("good", from)))
        .contains("belongs to ShardedDatabase prod/elsewhere (uid uid-prod)")
        .contains("(uid " + rebornUid + ")");
    assertThatThrownBy(
            () ->
                RestoreGate.owner(
                    client,
                    "test",
                    new BackupStoreSpec(s3.url(), null, "bkt", null, true, "good"),
                    "elsewhere"))
        .hasMessageContaining("belongs to ShardedDatabase prod/elsewhere (uid uid-prod)");

    client.resource(reborn).inNamespace("prod").delete();
    assertThat(new RestoreGate(client).problem(restoring("good", from))).isNull();
  }

  /**
   * The owner a restore from the store alone reads: the marker's namespace, name and UID; a name
   * the store holds nothing of, or an archive with no marker, refused naming the problem.
   */
  @Test
  void aRestoreFromTheStoreAloneNeedsTheSourcesMarker() {
    secret("good", "gate-secret");
    BackupStoreSpec store = new BackupStoreSpec(s3.url(), null, "bkt", null, true, "good");
    assertThat(RestoreGate.owner(client, "test", store, "elsewhere"))
        .isEqualTo(new ArchiveOwner("prod", "elsewhere", "uid-prod", 1));
    assertThatThrownBy(() -> RestoreGate.owner(client, "test", store, "nosuch"))
        .hasMessageContaining("holds no database 'nosuch'")
        .hasMessageContaining("no owner marker");
    assertThatThrownBy(() -> RestoreGate.owner(client, "test", store, "unmarked"))
        .hasMessageContaining("no owner marker")
        .hasMessageNotContaining("holds no database");
    assertThatThrownBy(
            () ->
                RestoreGate.owner(
                    client,
                    "test",
                    new BackupStoreSpec(s3.url(), null, "bkt", null, true, "none"),
                    "x"))
        .hasMessageContaining("Secret test/none does not exist");
  }

  private String sourceUidInCluster() {
    return RestoreGate.sourceUid(client, "test", "src", null);
  }
}
