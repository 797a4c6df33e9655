package io.shardeddb.cli.command;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.ArchiveOwner;
import io.shardeddb.backup.ArchiveState;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.RestorePlan;
import io.shardeddb.backup.RestorePoint;
import io.shardeddb.backup.ShardBaseBackup;
import io.shardeddb.backup.embedded.EmbeddedS3Server;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalKubernetes;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/backup.md, "Disaster recovery: restore from the store alone": {@code kubectl-sdb restore
 * SOURCE NEW --from-store FILE} and {@code backup list SOURCE --from-store FILE} with no SOURCE
 * resource, against a real API server (local mode's) and a real S3 protocol server. NEW's spec is
 * the one the backup recorded with the store named; a store without the database, an archive
 * without an owner marker, a re-created source, NEW named as SOURCE, a misspelled field and wrong
 * credentials are each refused naming the problem, with nothing created.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreFromStoreTest {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();

  private Path dir;
  private EmbeddedS3Server s3;
  private LocalKubernetes kube;
  private String kubeconfig;
  private Path storeFile;
  private ShardedDatabaseSpec recorded;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    s3 = EmbeddedS3Server.start(dir.resolve("s3"), "127.0.0.1", 0, "dr-key", "dr-secret");
    kube = LocalKubernetes.start(0, dir.resolve("kubeconfig"), "default");
    kubeconfig = dir.resolve("kubeconfig").toString();
    try (InputStream crd =
        Files.newInputStream(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"))) {
      kube.installCrd(crd);
    }
    secret("dr-store", "dr-secret");
    secret("wrong-store", "not-the-secret");
    ShardedDatabase source;
    try (InputStream in =
        Files.newInputStream(HOME.resolve("cli/src/test/resources/backup.yaml"))) {
      source = Serialization.unmarshal(in, ShardedDatabase.class);
    }
    // The spec the source had when it was backed up: its store as the lost cluster reached it.
    recorded =
        source
            .getSpec()
            .withBackup(
                new BackupSpec(
                    new BackupStoreSpec("http://old-minio:9000", null, "old", null, true, "old"),
                    "0 3 * * *",
                    null,
                    5));
    try (BackupStore store = new BackupStore(s3.settings("bkt", "dr"))) {
      store.ensureBucket();
      List<ShardBaseBackup> shards =
          List.of(
              new ShardBaseBackup("sh1", 7, 1, 3, "c1", 10, "k1", "r", owned(0, 4096), 1, 2),
              new ShardBaseBackup("sh2", 9, 1, 4, "c2", 10, "k2", "r", owned(4096, 4096), 1, 2));
      store.putBytes(
          BackupKeys.manifest("src", "b1"),
          BackupJson.write(
              new BackupManifest(
                  "b1",
                  "src",
                  1_000,
                  2_000,
                  shards,
                  List.of(
                      new BackupManifest.ShardRange("sh1", 0, 4096),
                      new BackupManifest.ShardRange("sh2", 4096, 4096)),
                  Serialization.asJson(recorded))));
      store.putBytes(
          BackupKeys.archiveOwner("src"),
          BackupJson.write(new ArchiveOwner("prod", "src", "uid-src", 500)));
      store.putBytes(
          BackupKeys.restorePoint("src", "rp1"),
          BackupJson.write(new RestorePoint("rp1", "src", 3_000, Map.of("sh1", 8L, "sh2", 9L))));
      store.putBytes(
          BackupKeys.archiveState("src", "sh1"),
          BackupJson.write(new ArchiveState("sh1", 8, 1, 4_000, "p")));
      store.putBytes(
          BackupKeys.manifest("unmarked", "b1"),
          BackupJson.write(new BackupManifest("b1", "unmarked", 1, 2, shards, List.of(), null)));
    }
    storeFile = dir.resolve("store.yaml");
    Files.writeString(
        storeFile,
        "endpoint: "
            + s3.url()
            + "\nbucket: bkt\nprefix: dr\npathStyle: true\ncredentialsSecret: dr-store\n");
  }

  @AfterAll
  void stop() throws Exception {
    kube.close();
    s3.close();
  }

  private static String owned(long low, long size) {
    return "{\"owned\":[{\"low\":" + low + ",\"size\":" + size + "}]}";
  }

  private void secret(String name, String key) {
    kube.client()
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToStringData("accessKeyId", "dr-key")
                .addToStringData("secretAccessKey", key)
                .build())
        .create();
  }

  private ShardedDatabase db(String name) {
    return kube.client()
        .resources(ShardedDatabase.class)
        .inNamespace("default")
        .withName(name)
        .get();
  }

  private CliRun restore(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "restore";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--kubeconfig=" + kubeconfig;
    return cli(all);
  }

  @Test
  void aRestoreFromTheStoreAloneCreatesTheRecordedSpecWithTheStoreNamed() {
    CliRun run = restore("src", "copy", "--backup", "b1", "--from-store", storeFile.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("restoring copy from prod/src (uid uid-src) (from the store)");

    ShardedDatabaseSpec spec = db("copy").getSpec();
    assertThat(spec.bootstrap().fromBackup())
        .isEqualTo(new FromBackupSpec("src", "b1", null, null));
    assertThat(spec.backup().store())
        .isEqualTo(new BackupStoreSpec(s3.url(), null, "bkt", "dr", true, "dr-store"));
    assertThat(spec.backup().schedule()).isEqualTo("0 3 * * *");
    assertThat(spec.backup().archiveIntervalSeconds()).isEqualTo(5);
    assertThat(spec.schema()).isEqualTo(recorded.schema());
    assertThat(spec.shards())
        .containsExactly(
            new ShardSpec("sh1", 0, 4096, null), new ShardSpec("sh2", 4096, 4096, null));
    assertThat(spec.replicas()).isEqualTo(2);
  }

  @Test
  void aDryRunPrintsTheDatabaseAndCreatesNothing() {
    CliRun run =
        restore(
            "src",
            "dry",
            "--restore-point",
            "rp1",
            "--from-store",
            storeFile.toString(),
            "--dry-run");
    assertThat(run.code()).as(run.err()).isZero();
    ShardedDatabase printed = Serialization.unmarshal(run.out(), ShardedDatabase.class);
    assertThat(printed.getMetadata().getName()).isEqualTo("dry");
    assertThat(printed.getSpec().bootstrap().fromBackup().restorePoint()).isEqualTo("rp1");
    assertThat(printed.getSpec().backup().store().bucket()).isEqualTo("bkt");
    assertThat(db("dry")).isNull();
  }

  @Test
  void whatTheStoreCannotRestoreIsRefusedByNameWithNothingCreated() throws Exception {
    String file = storeFile.toString();
    assertRefused(
        restore("nosuch", "c1", "--backup", "b1", "--from-store", file),
        "holds no database 'nosuch'");
    assertRefused(
        restore("unmarked", "c2", "--backup", "b1", "--from-store", file), "no owner marker");
    assertRefused(
        restore("src", "src", "--backup", "b1", "--from-store", file),
        "NEW must not be SOURCE's name");
    assertRefused(
        restore("src", "c3", "--backup", "b9", "--from-store", file), "backup 'b9' of database");
    assertRefused(
        restore(
            "src",
            "c4",
            "--backup",
            "b1",
            "--from-store",
            file,
            "--store-credentials-secret",
            "wrong-store"),
        "refused the credentials");
    assertRefused(
        restore(
            "src",
            "c5",
            "--backup",
            "b1",
            "--from-store",
            file,
            "--store-credentials-secret",
            "gone"),
        "Secret default/gone does not exist");
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "bucket: bkt\ncredentialSecret: dr-store\n");
    assertRefused(
        restore("src", "c6", "--backup", "b1", "--from-store", typo.toString()),
        "credentialSecret is not a field of spec.backup.store");
    for (String name : List.of("c1", "c2", "c3", "c4", "c5", "c6")) {
      assertThat(db(name)).as(name).isNull();
    }
  }

  /**
   * While a ShardedDatabase of the source's name exists where the marker says it lived, with
   * another UID (re-created), the archive is an earlier incarnation's: refused (the gate's rule).
   */
  @Test
  void aSourceReCreatedWhereItLivedIsRefused() {
    ShardedDatabase reborn = new ShardedDatabase();
    reborn.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("src")
            .withNamespace("prod")
            .build());
    reborn.setSpec(ShardedDatabaseSpec.builder().build());
    kube.client()
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("prod")
                .endMetadata()
                .build())
        .create();
    kube.client().resource(reborn).inNamespace("prod").create();
    try {
      CliRun list =
          cli(
              "backup",
              "list",
              "src",
              "--from-store",
              storeFile.toString(),
              "--kubeconfig=" + kubeconfig);
      assertRefused(list, "belongs to ShardedDatabase prod/src (uid uid-src)");
      assertRefused(
          restore("src", "c7", "--backup", "b1", "--from-store", storeFile.toString()),
          "belongs to ShardedDatabase prod/src (uid uid-src)");
      assertThat(db("c7")).isNull();
    } finally {
      kube.client().resource(reborn).inNamespace("prod").delete();
    }
  }

  @Test
  void theListingShowsTheOwnerBackupsRestorePointsAndArchive() {
    CliRun run =
        cli(
            "backup",
            "list",
            "src",
            "--store-endpoint",
            s3.url(),
            "--store-bucket",
            "bkt",
            "--store-prefix",
            "dr",
            "--store-credentials-secret",
            "dr-store",
            "--kubeconfig=" + kubeconfig);
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("ShardedDatabase prod/src (uid uid-src)")
        .containsPattern("b1 +Base +1970-01-01T00:00:02Z")
        .containsPattern("rp1 +RestorePoint +1970-01-01T00:00:03Z")
        .contains("sh1=7,sh2=9")
        .containsPattern("sh1 +8 +1970-01-01T00:00:04Z");
    assertRefused(
        cli(
            "backup",
            "list",
            "nosuch",
            "--from-store",
            storeFile.toString(),
            "--kubeconfig=" + kubeconfig),
        "holds no database 'nosuch'");
  }

  @Test
  void theStoreFileIsTheFieldsOfSpecBackupStoreOrAManifestNamingThem() {
    BackupStoreSpec want = new BackupStoreSpec("http://s:9000", null, "b", "p", null, "sec");
    String fields = "endpoint: http://s:9000\nbucket: b\nprefix: p\ncredentialsSecret: sec\n";
    assertThat(StoreOptions.toSpec(StoreOptions.storeFields(fields, "f"), "f")).isEqualTo(want);
    String manifest =
        "apiVersion: shardeddb.io/v1alpha1\nkind: ShardedDatabase\nmetadata: {name: x}\n"
            + "spec:\n  backup:\n    archiveIntervalSeconds: 1\n    store:\n"
            + fields.replaceAll("(?m)^", "      ");
    assertThat(StoreOptions.toSpec(StoreOptions.storeFields(manifest, "f"), "f")).isEqualTo(want);
    assertThat(
            StoreOptions.toSpec(
                StoreOptions.storeFields("store: {bucket: b, endpoint: 'http://s:9000'}", "f"),
                "f"))
        .isEqualTo(new BackupStoreSpec("http://s:9000", null, "b", null, null, null));
    assertThatThrownBy(
            () ->
                StoreOptions.storeFields(
                    "kind: ShardedDatabase\nspec: {replicas: 3}\n", "--from-store x.yaml"))
        .hasMessage("--from-store x.yaml has no spec.backup.store");
    assertThatThrownBy(() -> StoreOptions.toSpec(Map.of("endpoint", "http://s"), "f"))
        .hasMessageContaining("names no bucket");
    assertThatThrownBy(() -> StoreOptions.storeFields("- a\n- b\n", "f"))
        .hasMessageContaining("must hold the fields of spec.backup.store");
  }

  /** A manifest written before manifests recorded the spec cannot give a spec: refused by name. */
  @Test
  void aBackupThatRecordsNoSpecIsRefused() {
    BackupManifest m = new BackupManifest("old", "src", 1, 2, List.of(), List.of(), null);
    RestorePlan plan = new RestorePlan("src", m, List.of(), "backup old");
    assertThatThrownBy(
            () ->
                RestoreCommand.fromStoreSpec(
                    plan,
                    new FromBackupSpec("src", "old", null, null),
                    new BackupStoreSpec(null, null, "b", null, null, null)))
        .hasMessageContaining("backup 'old' of 'src' records no spec");
  }

  private static void assertRefused(CliRun run, String says) {
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: ").contains(says).doesNotContain("\tat ");
  }
}
