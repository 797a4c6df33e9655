package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.backup.BackupCatalog;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.cli.local.LocalCluster;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.protocol.client.RouterClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * Backups end to end in local mode, as docs/backup.md tells a user to: write, take a base backup,
 * write more, take a restore point, write more, delete rows; then restore new databases to a time
 * between and to the restore point, each with exactly the rows it should hold, verified against the
 * store; and the bad requests fail with nothing created.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupRestoreIT {
  private static final Duration LONG = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "backedup";

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private RouterClient lb;
  private String kubeconfig;

  @BeforeAll
  void startCluster() throws java.io.IOException {
    // Kept after the run (pod logs under logs/) for a failure's diagnosis; emptied at start.
    Path dataDir = home.resolve("cli/target/backup-it");
    if (java.nio.file.Files.exists(dataDir)) {
      try (var walk = java.nio.file.Files.walk(dataDir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    String name = cluster.apply(home.resolve("cli/src/test/resources/backup.yaml"));
    lb = router(name);
    kubeconfig = cluster.kubeconfig().toString();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private RouterClient router(String name) {
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);
    return info.client(info.token(), "Stud_id", Duration.ofSeconds(20));
  }

  @Test
  void restoresToATimeAndToARestorePointHoldExactlyTheExpectedRows() throws Exception {
    Set<Long> expected = new HashSet<>();
    write(expected, LongStream.range(0, 40), LongStream.range(4096, 4136));

    CliRun backup =
        cli("backup", "create", DB, "--name", "b1", "--wait", "--kubeconfig", kubeconfig);
    assertThat(backup.code()).as(backup.err()).isZero();
    assertThat(backup.out().strip()).isEqualTo("b1");
    CliRun list = cli("backup", "list", DB, "-o", "json", "--kubeconfig", kubeconfig);
    assertThat(list.code()).as(list.err()).isZero();
    JsonNode listed = JSON.readTree(list.out());
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).at("/status/phase").asText()).isEqualTo("Completed");
    assertThat(listed.get(0).at("/status/shards")).hasSize(2);
    CliRun table = cli("backup", "list", DB, "--kubeconfig", kubeconfig);
    assertThat(table.out()).contains("NAME").contains("b1").contains("Completed").contains("sh1=");

    write(expected, LongStream.range(40, 60), LongStream.range(4136, 4156));
    CliRun point = cli("restore-point", "create", DB, "rp1", "--kubeconfig", kubeconfig);
    assertThat(point.code()).as(point.err()).isZero();
    Set<Long> atPoint = Set.copyOf(expected);

    write(expected, LongStream.range(60, 70), LongStream.range(4156, 4166));
    Thread.sleep(1500);
    Instant between = Instant.now();
    Set<Long> atTime = Set.copyOf(expected);
    Thread.sleep(1500);
    for (long k : List.of(1L, 2L, 3L, 4097L, 4098L)) {
      assertThat(lb.delete(k).status()).isEqualTo("success");
    }

    // The archive reaches past `between` within a few archive intervals (until then a restore to
    // it is refused, creating nothing).
    try (BackupStore store = new BackupStore(cluster.backupStore().settings())) {
      BackupCatalog catalog = new BackupCatalog(store, DB);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  catalog.archive(List.of("sh1", "sh2")).values().stream()
                          .filter(a -> a.archivedThroughMillis() > between.toEpochMilli())
                          .count()
                      == 2);
    }
    CliRun toTime =
        cli(
            "restore",
            DB,
            "attime",
            "--time",
            between.toString(),
            "--wait",
            "--kubeconfig",
            kubeconfig);
    assertThat(toTime.code()).as(toTime.out() + toTime.err()).isZero();
    assertThat(toTime.out()).contains("restored and verified");
    assertThat(keys(router("attime"))).isEqualTo(atTime);

    CliRun toPoint =
        cli(
            "restore",
            DB,
            "atpoint",
            "--restore-point",
            "rp1",
            "--wait",
            "--kubeconfig",
            kubeconfig);
    assertThat(toPoint.code()).as(toPoint.out() + toPoint.err()).isZero();
    assertThat(keys(router("atpoint"))).isEqualTo(atPoint);

    // Bad requests: a clear error, nothing created.
    CliRun existing = cli("restore", DB, "attime", "--backup", "b1", "--kubeconfig", kubeconfig);
    assertThat(existing.code()).isEqualTo(1);
    assertThat(existing.err()).contains("already exists");
    CliRun unknown = cli("restore", DB, "nope1", "--backup", "b9", "--kubeconfig", kubeconfig);
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("'b9'").contains("b1");
    CliRun tooEarly =
        cli("restore", DB, "nope2", "--time", "2000-01-01T00:00:00Z", "--kubeconfig", kubeconfig);
    assertThat(tooEarly.code()).isEqualTo(1);
    assertThat(tooEarly.err()).contains("before the first complete backup");
    CliRun tooLate =
        cli("restore", DB, "nope3", "--time", "2100-01-01T00:00:00Z", "--kubeconfig", kubeconfig);
    assertThat(tooLate.code()).isEqualTo(1);
    assertThat(tooLate.err()).contains("after the last archived entry");
    for (String name : List.of("nope1", "nope2", "nope3")) {
      assertThat(new DatabaseStatus(cluster.client(), cluster.namespace(), name).resource())
          .isNull();
    }
  }

  /**
   * A restore across a resharding move made after its base backup (docs/backup.md): the move [2048,
   * 4096) sh1 → sh2 follows backup m1, so a restore to a time after it would replay each shard's
   * archive over m1's layout (sh1 purged the range, sh2 adopted it, the layout still routes it to
   * sh1; before the refusal such a restore succeeded and its reads of [0, 8191] answered 503 "shard
   * sh2 owns [2048, 8192), not [4096, 8192)" for good): refused, naming the change, nothing
   * created. The operator then takes a base backup after the move; from its completion a restore to
   * a later time holds exactly the rows written.
   */
  @Test
  void aRestoreAcrossAMoveAfterItsBaseIsRefusedAndABaseAfterTheMoveRestoresEveryRow()
      throws Exception {
    String name = cluster.apply(home.resolve("cli/src/test/resources/backup-moved.yaml"));
    RouterClient moved = router(name);
    Set<Long> expected = new HashSet<>();
    write(moved, expected, LongStream.range(2000, 2100), LongStream.range(4096, 4136));
    CliRun m1 = cli("backup", "create", name, "--name", "m1", "--wait", "--kubeconfig", kubeconfig);
    assertThat(m1.code()).as(m1.err()).isZero();

    patchShards(
        name,
        List.of(
            Map.of("id", "sh1", "low", 0, "size", 2048),
            Map.of("id", "sh2", "low", 2048, "size", 6144)));
    DatabaseStatus status = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    await().atMost(Duration.ofMinutes(10)).until(() -> moveDone(status));
    write(moved, expected, LongStream.range(2100, 2150), LongStream.range(4136, 4150));
    // A time just past the move's fence (its archived stamp is at most the commit clock's 50 ms
    // late): long before the base backup the operator takes after the move can complete.
    Map<String, Object> move = lastMove(status);
    Instant pastFence = Instant.parse((String) move.get("fencedAt")).plusMillis(200);
    awaitArchivedPast(name, Instant.now());

    CliRun across =
        cli(
            "restore",
            name,
            "across",
            "--time",
            pastFence.toString(),
            "--wait",
            "--kubeconfig",
            kubeconfig);
    assertThat(across.code()).as(across.out() + across.err()).isEqualTo(1);
    assertThat(across.err())
        .contains("resharding move changed the layout after backup 'm1'")
        .contains("[2048, 4096)");
    assertThat(new DatabaseStatus(cluster.client(), cluster.namespace(), "across").resource())
        .isNull();

    // The operator takes a base backup after the move (its minute tick): from its completion on,
    // a restore to a later time holds every row, in the layout after the move.
    String afterMove = name + "-after-" + ((String) move.get("id")).replaceAll("[^a-z0-9-]", "-");
    await().atMost(Duration.ofMinutes(4)).until(() -> "Completed".equals(backupPhase(afterMove)));
    write(moved, expected, LongStream.range(2150, 2160));
    Thread.sleep(1500);
    Instant later = Instant.now();
    awaitArchivedPast(name, later);
    CliRun after =
        cli(
            "restore",
            name,
            "aftermove",
            "--time",
            later.toString(),
            "--wait",
            "--kubeconfig",
            kubeconfig);
    assertThat(after.code()).as(after.out() + after.err()).isZero();
    assertThat(keys(router("aftermove"))).isEqualTo(expected);
  }

  private String backupPhase(String backup) {
    var r =
        cluster
            .client()
            .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabaseBackup")
            .inNamespace(cluster.namespace())
            .withName(backup)
            .get();
    if (r == null || r.getAdditionalProperties().get("status") == null) {
      return null;
    }
    return (String) DatabaseStatus.asMap(r.getAdditionalProperties().get("status")).get("phase");
  }

  private static Map<String, Object> lastMove(DatabaseStatus status) {
    List<Object> moves =
        DatabaseStatus.asList(DatabaseStatus.asMap(status.status().get("resharding")).get("moves"));
    return DatabaseStatus.asMap(moves.get(moves.size() - 1));
  }

  private void awaitArchivedPast(String db, Instant t) throws Exception {
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

  private static boolean moveDone(DatabaseStatus status) {
    Map<String, Object> st = status.status();
    if (st == null || st.get("resharding") == null) {
      return false;
    }
    List<Object> moves =
        DatabaseStatus.asList(DatabaseStatus.asMap(st.get("resharding")).get("moves"));
    boolean done =
        !moves.isEmpty()
            && "Done".equals(DatabaseStatus.asMap(moves.get(moves.size() - 1)).get("phase"));
    boolean resharding =
        DatabaseStatus.asList(st.get("conditions")).stream()
            .map(DatabaseStatus::asMap)
            .anyMatch(c -> "Resharding".equals(c.get("type")) && "True".equals(c.get("status")));
    return done && !resharding && status.isReady();
  }

  private void patchShards(String database, List<Map<String, Object>> shards)
      throws java.io.IOException {
    String patch =
        JSON.writeValueAsString(
            List.of(Map.of("op", "replace", "path", "/spec/shards", "value", shards)));
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(database)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            patch);
  }

  private void write(Set<Long> expected, LongStream... ranges) {
    write(lb, expected, ranges);
  }

  private static void write(RouterClient router, Set<Long> expected, LongStream... ranges) {
    List<Map<String, Object>> rows =
        java.util.Arrays.stream(ranges)
            .flatMap(LongStream::boxed)
            .peek(expected::add)
            .map(ConcurrentWriters::row)
            .collect(Collectors.toList());
    assertThat(router.write(rows).status()).isEqualTo("success");
  }

  private static Set<Long> keys(RouterClient router) {
    return router.read(0, 8191).data().stream()
        .map(r -> ((Number) r.get("Stud_id")).longValue())
        .collect(Collectors.toSet());
  }
}
