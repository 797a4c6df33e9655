package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.backup.BackupCatalog;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalBackupStore;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * docs/backup.md, "Disaster recovery: restore from the store alone", in local mode with its real S3
 * protocol server: rows written and acknowledged, a base backup, more rows; then the source
 * ShardedDatabase is deleted (and gone), so only the store knows it. {@code kubectl-sdb backup list
 * --from-store} shows its backup and owner; {@code kubectl-sdb restore --from-store FILE --time}
 * (FILE: the fields of spec.backup.store, nothing of the source's resource) creates a new database
 * holding every acknowledged row and no other; a name the store has nothing of, an archive without
 * an owner marker and NEW named as SOURCE are refused with nothing created (about 3 min).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreFromStoreIT {
  private static final Duration LONG = Duration.ofMinutes(5);

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private String kubeconfig;

  @BeforeAll
  void startCluster() throws java.io.IOException {
    Path dataDir = home.resolve("cli/target/restore-from-store-it");
    if (Files.exists(dataDir)) {
      try (var walk = Files.walk(dataDir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    kubeconfig = cluster.kubeconfig().toString();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aDeletedDatabaseIsRestoredFromTheStoreAloneWithEveryAcknowledgedRow() throws Exception {
    String name = cluster.apply(home.resolve("cli/src/test/resources/backup.yaml"));
    RouterClient source = router(name);
    Set<Long> acked = new HashSet<>();
    write(source, acked, LongStream.range(0, 60), LongStream.range(4096, 4156));
    CliRun b1 = cli("backup", "create", name, "--name", "b1", "--wait", "--kubeconfig", kubeconfig);
    assertThat(b1.code()).as(b1.err()).isZero();
    write(source, acked, LongStream.range(60, 100), LongStream.range(4156, 4196));
    for (long k : List.of(5L, 4100L)) {
      assertThat(source.delete(k).status()).isEqualTo("success");
      acked.remove(k);
    }
    assertThat(keys(source)).isEqualTo(acked);
    Thread.sleep(1500);
    Instant after = Instant.now();
    awaitArchivedPast(name, after);
    String uid = status(name).resource().getMetadata().getUid();

    // The disaster: the source's resource is gone; only the store is left.
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(name)
        .delete();
    await().atMost(LONG).until(() -> status(name).resource() == null && pods(name).isEmpty());

    // The store as a user names it: the fields of spec.backup.store, with the Secret holding its
    // key in the namespace restored into.
    Path storeFile = home.resolve("cli/target/restore-from-store-it/store.yaml");
    Files.writeString(
        storeFile,
        "endpoint: "
            + cluster.backupStore().url()
            + "\nbucket: "
            + LocalBackupStore.BUCKET
            + "\npathStyle: true\ncredentialsSecret: "
            + LocalBackupStore.SECRET
            + "\n");
    String file = storeFile.toString();

    CliRun list = cli("backup", "list", name, "--from-store", file, "--kubeconfig", kubeconfig);
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out())
        .contains("ShardedDatabase " + cluster.namespace() + "/" + name + " (uid " + uid + ")")
        .containsPattern("b1 +Base");

    // Refusals: nothing created.
    try (BackupStore store = new BackupStore(cluster.backupStore().settings())) {
      store.putBytes(
          BackupKeys.manifest("unmarked", "u1"),
          BackupJson.write(new BackupManifest("u1", "unmarked", 1, 2, List.of(), List.of(), null)));
    }
    String at = after.toString();
    assertRefused(
        cli(
            "restore",
            "nosuch",
            "n1",
            "--time",
            at,
            "--from-store",
            file,
            "--kubeconfig",
            kubeconfig),
        "holds no database 'nosuch'");
    assertRefused(
        cli(
            "restore",
            "unmarked",
            "n2",
            "--backup",
            "u1",
            "--from-store",
            file,
            "--kubeconfig",
            kubeconfig),
        "no owner marker");
    assertRefused(
        cli("restore", name, name, "--time", at, "--from-store", file, "--kubeconfig", kubeconfig),
        "NEW must not be SOURCE's name");
    assertRefused(
        cli("restore", name, "n3", "--time", at, "--kubeconfig", kubeconfig),
        "not found in " + cluster.namespace());
    for (String n : List.of("n1", "n2", "n3", name)) {
      assertThat(status(n).resource()).as(n).isNull();
    }

    CliRun restore =
        cli(
            "restore",
            name,
            "recovered",
            "--time",
            at,
            "--from-store",
            file,
            "--wait",
            "--kubeconfig",
            kubeconfig);
    assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
    assertThat(restore.out())
        .contains(
            "restoring recovered from "
                + cluster.namespace()
                + "/"
                + name
                + " (uid "
                + uid
                + ") (from the store)")
        .contains("from backup b1")
        .contains("restored and verified");
    assertThat(keys(router("recovered"))).isEqualTo(acked);
    Map<?, ?> spec =
        (Map<?, ?>) status("recovered").resource().getAdditionalProperties().get("spec");
    assertThat(String.valueOf(spec.get("bootstrap"))).contains("source=" + name);
    assertThat(String.valueOf(spec.get("backup")))
        .contains("credentialsSecret=" + LocalBackupStore.SECRET);
  }

  private void awaitArchivedPast(String db, Instant t) {
    try (BackupStore store = new BackupStore(cluster.backupStore().settings())) {
      BackupCatalog catalog = new BackupCatalog(store, db);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  catalog.archive(List.of("sh1", "sh2")).values().stream()
                          .filter(a -> a.archivedThroughMillis() > t.toEpochMilli())
                          .count()
                      == 2);
    }
  }

  private static void assertRefused(CliRun run, String says) {
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: ").contains(says);
  }

  private DatabaseStatus status(String name) {
    return new DatabaseStatus(cluster.client(), cluster.namespace(), name);
  }

  private RouterClient router(String name) {
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    await().atMost(LONG).until(status(name)::isReady);
    return info.client(info.token(), "Stud_id", Duration.ofSeconds(20));
  }

  private static void write(RouterClient router, Set<Long> acked, LongStream... ranges) {
    List<Long> keys = Arrays.stream(ranges).flatMap(LongStream::boxed).toList();
    List<Map<String, Object>> rows =
        keys.stream().map(ConcurrentWriters::row).collect(Collectors.toList());
    assertThat(router.write(rows).status()).isEqualTo("success");
    acked.addAll(keys);
  }

  private static Set<Long> keys(RouterClient router) {
    return router.read(0, 8191).data().stream()
        .map(r -> ((Number) r.get("Stud_id")).longValue())
        .collect(Collectors.toSet());
  }

  private List<String> pods(String name) {
    return cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .filter(p -> p.startsWith(name + "-"))
        .toList();
  }
}
