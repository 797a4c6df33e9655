package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.backup.BackupCatalog;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.RestorePlan;
import io.shardeddb.backup.RestoreTarget;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.time.GlobalTimestamp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * docs/backup.md and docs/timestamps.md, a restore to a global timestamp, in local mode with real
 * processes and its real S3 protocol server: single-row writes alternating over two shards, each
 * noting the {@code timestamp} its reply returns; a base backup; more writes, an update and a
 * delete. {@code kubectl-sdb restore --timestamp TS} to one write's timestamp creates a database
 * holding exactly the writes stamped at or below it, on both shards (the update's old value, the
 * deleted row still there); a timestamp past what the archive holds is refused with nothing
 * created.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimestampRestoreIT {
  private static final Duration LONG = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private String kubeconfig;

  @BeforeAll
  void startCluster() throws java.io.IOException {
    Path dataDir = home.resolve("cli/target/timestamp-restore-it");
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
  void aRestoreToAWritesTimestampHoldsExactlyTheWritesStampedAtOrBeforeItOnEveryShard()
      throws Exception {
    String name = cluster.apply(home.resolve("cli/src/test/resources/backup.yaml"));
    Sql sql = new Sql(routerInfo(name));
    // Key -> marks, and key -> the timestamp of the write that last changed it.
    Map<Long, Long> marks = new TreeMap<>();
    Map<Long, Long> stamps = new TreeMap<>();
    for (long i = 0; i < 10; i++) {
      for (long key : new long[] {i, 4096 + i}) {
        stamps.put(key, sql.insert(key));
        marks.put(key, key % 100);
      }
    }
    CliRun b1 = cli("backup", "create", name, "--name", "b1", "--wait", "--kubeconfig", kubeconfig);
    assertThat(b1.code()).as(b1.err()).isZero();

    // Twenty more on each shard, one after the other; the target is the twentieth's (sh2's).
    long target = 0;
    for (long i = 10; i < 30; i++) {
      for (long key : new long[] {i, 4096 + i}) {
        stamps.put(key, sql.insert(key));
        marks.put(key, key % 100);
      }
      if (i == 19) {
        target = stamps.get(4096 + i);
      }
    }
    Map<Long, Long> expected = new TreeMap<>();
    long ts = target;
    stamps.forEach(
        (k, t) -> {
          if (t <= ts) {
            expected.put(k, marks.get(k));
          }
        });
    assertThat(expected).containsKeys(19L, 4096L + 19).doesNotContainKeys(20L, 4096L + 20);
    // After the target: an update of a row written before it, a delete of another, more writes.
    assertThat(sql.run("UPDATE students SET Stud_marks = 99 WHERE Stud_id = 3").get("timestamp"))
        .isNotNull();
    sql.run("DELETE FROM students WHERE Stud_id = 4100");
    for (long key : new long[] {30, 4096 + 30}) {
      sql.insert(key);
    }
    assertThat(GlobalTimestamp.millis(ts)).isLessThanOrEqualTo(System.currentTimeMillis() + 5_000);

    // Refused, nothing created: a timestamp no shard's archive holds yet.
    long ahead = GlobalTimestamp.atMillis(System.currentTimeMillis() + 3_600_000);
    CliRun refused =
        cli(
            "restore",
            name,
            "ahead",
            "--timestamp",
            String.valueOf(ahead),
            "--kubeconfig",
            kubeconfig);
    assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(1);
    assertThat(refused.err()).startsWith("error: ").contains("is past the archive of shard");
    assertThat(new DatabaseStatus(cluster.client(), cluster.namespace(), "ahead").resource())
        .isNull();

    // Both shards' archives reach past the target (archiving runs every second in local mode).
    RestorePlan plan = awaitPlannable(name, ts);
    assertThat(plan.base().name()).isEqualTo("b1");

    CliRun restore =
        cli(
            "restore",
            name,
            "atts",
            "--timestamp",
            String.valueOf(ts),
            "--wait",
            "--kubeconfig",
            kubeconfig);
    assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
    assertThat(restore.out())
        .contains("timestamp " + ts)
        .contains("from backup b1")
        .contains("restored and verified");
    assertThat(rows(routerInfo("atts"))).isEqualTo(expected);
    assertThat(expected).containsEntry(3L, 3L).containsKey(4100L);
  }

  private RestorePlan awaitPlannable(String db, long ts) {
    try (BackupStore store = new BackupStore(cluster.backupStore().settings())) {
      BackupCatalog catalog = new BackupCatalog(store, db);
      return await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(() -> catalog.plan(new RestoreTarget.Timestamp(ts)), p -> p != null);
    }
  }

  private LocalCluster.RouterInfo routerInfo(String name) {
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    await()
        .atMost(LONG)
        .until(new DatabaseStatus(cluster.client(), cluster.namespace(), name)::isReady);
    return info;
  }

  /** Every row's key and marks, read through the router. */
  private static Map<Long, Long> rows(LocalCluster.RouterInfo info) {
    RouterClient router = info.client(info.token(), "Stud_id", Duration.ofSeconds(20));
    return router.read(0, 8191).data().stream()
        .collect(
            Collectors.toMap(
                r -> ((Number) r.get("Stud_id")).longValue(),
                r -> ((Number) r.get("Stud_marks")).longValue(),
                (a, b) -> a,
                TreeMap::new));
  }

  /** SQL over the router's {@code POST /query}, whose replies carry the write's timestamp. */
  private static final class Sql {
    private final LocalCluster.RouterInfo router;
    private final HttpClient http;

    Sql(LocalCluster.RouterInfo router) {
      this.router = router;
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
      if (router.tls() != null) {
        b.sslContext(router.tls());
      }
      this.http = b.build();
    }

    JsonNode run(String statement) throws Exception {
      HttpRequest r =
          HttpRequest.newBuilder(URI.create(router.routerUrl() + "/query"))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + router.token())
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      JSON.writeValueAsString(Map.of("query", statement))))
              .build();
      HttpResponse<String> reply = http.send(r, HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).as(statement + " → " + reply.body()).isEqualTo(200);
      return JSON.readTree(reply.body());
    }

    /** Inserts row {@code key} (marks {@code key % 100}); its write's global timestamp. */
    long insert(long key) throws Exception {
      long ts =
          run("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES ("
                  + key
                  + ", 's"
                  + key
                  + "', "
                  + key % 100
                  + ")")
              .get("timestamp")
              .asLong();
      assertThat(ts).as("timestamp of the write of " + key).isPositive();
      return ts;
    }
  }
}
