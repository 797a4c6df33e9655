package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.backup.BackupCatalog;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
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

  /** {@code POST /query} on {@code name}'s router with its admin token; the reply's JSON. */
  private JsonNode adminQuery(String name, String sql) throws Exception {
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    java.net.http.HttpClient.Builder b =
        java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (info.tls() != null) {
      b.sslContext(info.tls());
    }
    java.net.http.HttpResponse<String> r =
        b.build()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(info.routerUrl() + "/query"))
                    .timeout(Duration.ofSeconds(120))
                    .header("Authorization", "Bearer " + info.adminToken())
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(java.util.Map.of("query", sql))))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
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
    // A schema change after the base backup and the restore point, before the time restored to:
    // the restore to the time brings it (docs/sql.md, "Changing the schema").
    JsonNode altered = adminQuery(DB, "ALTER TABLE students ADD COLUMN note VARCHAR(20) NULL");
    assertThat(altered.path("message").asText())
        .as(altered.toString())
        .contains("schema version 2");
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
    // The restored shards replayed the Schema entry; the operator took their schema and version.
    DatabaseStatus attime = new DatabaseStatus(cluster.client(), cluster.namespace(), "attime");
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              assertThat(String.valueOf(attime.status().get("applied")))
                  .contains("schemaVersion=2")
                  .contains("note");
              assertThat(String.valueOf(attime.resource().getAdditionalProperties().get("spec")))
                  .contains("name=note");
            });
    JsonNode withNote =
        adminQuery("attime", "SELECT Stud_id, note FROM students WHERE Stud_id = 0");
    assertThat(withNote.path("data").get(0).has("note")).as(withNote.toString()).isTrue();
    assertThat(cluster.client().v1().events().inNamespace(cluster.namespace()).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("SchemaLearned"));

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
   * A restore across a resharding move made after its base backup (docs/backup.md, "Restores and
   * resharding moves"): backup m1 of sh1 [0, 4096) and sh2 [4096, 8192); then sh2 is split under
   * writes, [6144, 8192) moving to a new shard sh3; then more writes. A restore to a time after the
   * split and one to a restore point after it each create a database with the layout after the
   * split (sh3 restored from an empty base and its whole archive), every row the source held at the
   * target and no other, each on the shard that owns it, every replica's checksum agreeing.
   * (Before: refused, "a resharding move changed the layout after backup 'm1' ...".) m1's resource
   * is deleted once complete — its objects stay in the store, which is what a restore reads — so
   * the operator takes no base backup after the move (it does so only for a database that has a
   * backup resource) and both restores must replay across the split, whatever its minute tick does.
   */
  @Test
  void aRestoreToATimeOrARestorePointPastASplitAfterItsBaseHasTheLayoutAndRowsOfThen()
      throws Exception {
    String name = cluster.apply(home.resolve("cli/src/test/resources/backup-moved.yaml"));
    RouterClient moved = router(name);
    Set<Long> acked = new HashSet<>();
    write(
        moved,
        acked,
        LongStream.range(2000, 2100),
        LongStream.range(4096, 4136),
        LongStream.range(6200, 6240));
    CliRun m1 = cli("backup", "create", name, "--name", "m1", "--wait", "--kubeconfig", kubeconfig);
    assertThat(m1.code()).as(m1.err()).isZero();
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabaseBackup")
        .inNamespace(cluster.namespace())
        .withName("m1")
        .delete();

    // Split sh2 while writers write keys in both of its halves: [4200, 6000) stays on sh2, [6300,
    // 8100) moves to sh3 (written during the copy, the catch-up and the cut-over's pause).
    List<ConcurrentWriters> writers =
        List.of(
            new ConcurrentWriters(List.of(moved), 1, 4200, 1800, Duration.ofMinutes(8))
                .paced(Duration.ofMillis(30)),
            new ConcurrentWriters(List.of(moved), 1, 6300, 1800, Duration.ofMinutes(8))
                .paced(Duration.ofMillis(30)));
    writers.forEach(ConcurrentWriters::start);
    patchShards(
        name,
        List.of(
            Map.of("id", "sh1", "low", 0, "size", 4096),
            Map.of("id", "sh2", "low", 4096, "size", 2048),
            Map.of("id", "sh3", "low", 6144, "size", 2048)));
    DatabaseStatus status = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    await().atMost(Duration.ofMinutes(10)).until(() -> moveDone(status));
    for (ConcurrentWriters w : writers) {
      w.stop();
      acked.addAll(w.acked());
      assertThat(w.ackCount()).as("writes acknowledged during the split").isPositive();
      System.out.printf("split under writes: %d of %d acknowledged%n", w.ackCount(), w.attempts());
    }

    write(
        moved,
        acked,
        LongStream.range(2100, 2150),
        LongStream.range(4150, 4160),
        LongStream.range(7000, 7050));
    // What the source holds is the truth a restore must give (a write that was not acknowledged
    // may still have been applied); every acknowledged write is in it.
    Set<Long> atPoint = keys(moved);
    assertThat(atPoint).containsAll(acked);
    CliRun point = cli("restore-point", "create", name, "rp-split", "--kubeconfig", kubeconfig);
    assertThat(point.code()).as(point.err()).isZero();

    write(
        moved,
        acked,
        LongStream.range(2150, 2160),
        LongStream.range(4160, 4170),
        LongStream.range(7050, 7060));
    Set<Long> atTime = keys(moved);
    Thread.sleep(1500);
    Instant later = Instant.now();
    Thread.sleep(1500);
    write(moved, acked, LongStream.range(2160, 2170), LongStream.range(7060, 7070));
    awaitArchivedPast(name, later, List.of("sh1", "sh2", "sh3"));

    CliRun toTime =
        cli(
            "restore",
            name,
            "splittime",
            "--time",
            later.toString(),
            "--wait",
            "--kubeconfig",
            kubeconfig);
    assertThat(toTime.code()).as(toTime.out() + toTime.err()).isZero();
    assertThat(toTime.out()).contains("from backup m1").contains("restored and verified");
    assertRestoredAsSplit("splittime", toTime.out(), atTime);
    deleteDatabase("splittime");

    CliRun toPoint =
        cli(
            "restore",
            name,
            "splitpoint",
            "--restore-point",
            "rp-split",
            "--wait",
            "--kubeconfig",
            kubeconfig);
    assertThat(toPoint.code()).as(toPoint.out() + toPoint.err()).isZero();
    assertThat(toPoint.out()).contains("from backup m1").contains("restored and verified");
    assertRestoredAsSplit("splitpoint", toPoint.out(), atPoint);
    deleteDatabase("splitpoint");
  }

  /**
   * The restored database has the layout after the split, exactly {@code expected} through its
   * router, and each shard (every replica agreeing, as {@code restore --wait} printed) holds
   * exactly the rows of its range.
   */
  private void assertRestoredAsSplit(String db, String restoreOut, Set<Long> expected) {
    DatabaseStatus restored = new DatabaseStatus(cluster.client(), cluster.namespace(), db);
    Object shards =
        DatabaseStatus.asMap(restored.resource().getAdditionalProperties().get("spec"))
            .get("shards");
    assertThat(
            DatabaseStatus.asList(shards).stream()
                .map(DatabaseStatus::asMap)
                .map(m -> m.get("id") + " " + m.get("low") + "+" + m.get("size"))
                .toList())
        .containsExactly("sh1 0+4096", "sh2 4096+2048", "sh3 6144+2048");
    assertThat(keys(router(db))).isEqualTo(expected);
    Map<String, Long> rows = new java.util.TreeMap<>();
    for (String line : restoreOut.split("\n")) {
      String[] cols = line.strip().split("\\s+");
      if (cols.length >= 5 && cols[0].startsWith("sh")) {
        rows.put(cols[0], Long.parseLong(cols[2]));
        assertThat(line).as(restoreOut).contains("yes (2 replicas)");
      }
    }
    assertThat(rows)
        .as(restoreOut)
        .containsExactlyEntriesOf(
            new java.util.TreeMap<>(
                Map.of(
                    "sh1", expected.stream().filter(k -> k < 4096).count(),
                    "sh2", expected.stream().filter(k -> k >= 4096 && k < 6144).count(),
                    "sh3", expected.stream().filter(k -> k >= 6144).count())));
  }

  private void deleteDatabase(String db) {
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(db)
        .delete();
  }

  private void awaitArchivedPast(String db, Instant t, List<String> shards) throws Exception {
    try (BackupStore store = new BackupStore(cluster.backupStore().settings())) {
      BackupCatalog catalog = new BackupCatalog(store, db);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  catalog.archive(shards).values().stream()
                          .filter(a -> a.archivedThroughMillis() > t.toEpochMilli())
                          .count()
                      == shards.size());
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
    new DatabaseStatus(cluster.client(), cluster.namespace(), database).patchShards(shards);
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
