package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl-sdb sql} and {@code restart} against local mode, as a user runs them: SQL through
 * the router found from the kubeconfig, and a rolling restart of a shard under a concurrent writer
 * that ends with every pod new, the primary switched over and no acknowledged write lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqlAndRestartIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final String DB = "failover";

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private DatabaseStatus db;
  private RouterClient lb;
  private String kubeconfig;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    String name = cluster.apply(home.resolve("cli/src/test/resources/failover.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);
    lb = info.client(info.token(), "Stud_id", Duration.ofSeconds(20));
    kubeconfig = cluster.kubeconfig().toString();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void sqlRunsStatementsFromTheCommandLineAndAFileAndStopsAtAFailure(@TempDir Path dir)
      throws Exception {
    CliRun insert =
        cli(
            "sql",
            DB,
            "-e",
            "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (1, 'Alice', 90)",
            "--kubeconfig",
            kubeconfig);
    assertThat(insert.code()).as(insert.err()).isZero();
    assertThat(insert.out()).contains("Write successful").contains("(1 row affected on sh1/");

    Path script = dir.resolve("script.sql");
    Files.writeString(
        script,
        "-- two shards, then a read of both\n"
            + "INSERT INTO students VALUES (4097, 'Bob; the second', 70);\n"
            + "SELECT * FROM students\n  WHERE Stud_id IN (1, 4097) ORDER BY Stud_id;\n");
    CliRun file = cli("sql", DB, "-f", script.toString(), "--kubeconfig", kubeconfig);
    assertThat(file.code()).as(file.err()).isZero();
    List<String> lines = file.out().lines().map(l -> l.replaceAll(" +", " ")).toList();
    assertThat(lines)
        .containsSubsequence(
            "STUD_ID STUD_NAME STUD_MARKS",
            "1 Alice 90",
            "4097 Bob; the second 70",
            "(2 rows from sh1, sh2)");

    Path bad = dir.resolve("bad.sql");
    Files.writeString(
        bad,
        "SELECT * FROM students s JOIN teachers t ON s.id = t.id;\nDELETE FROM students"
            + " WHERE Stud_id = 1;\n");
    CliRun failed = cli("sql", DB, "-f", bad.toString(), "--kubeconfig", kubeconfig);
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err().strip())
        .startsWith("error: statement 1: ")
        .contains("(HTTP 400)")
        .doesNotContain("\n");
    // The statement after the failure did not run.
    assertThat(lb.read(1, 1).data()).hasSize(1);
  }

  @Test
  @Order(2)
  void restartRollsAShardsPodsPrimaryLastUnderAWriterAndLosesNoAcknowledgedWrite()
      throws Exception {
    String oldPrimary = db.primary("sh1");
    Map<String, String> uids = uids("sh1");
    assertThat(uids).hasSize(3);

    CliRun plan = cli("restart", DB, "--shard", "sh1", "--dry-run", "--kubeconfig", kubeconfig);
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("switch-over").contains("dry run: nothing restarted");
    assertThat(uids("sh1")).isEqualTo(uids);

    // Keys 100..3999 of sh1, paced to last through the restart, bounded in time.
    ConcurrentWriters writers =
        new ConcurrentWriters(List.of(lb), 1, 100, 3900, Duration.ofMinutes(8))
            .paced(Duration.ofMillis(50));
    writers.start();
    await().atMost(Duration.ofMinutes(1)).until(() -> writers.ackCount() >= 50);
    CliRun restarted =
        cli("restart", DB, "--shard", "sh1", "--timeout", "4m", "--kubeconfig", kubeconfig);
    writers.stop();
    System.out.printf(
        "restart: %d of %d writes acknowledged%n", writers.ackCount(), writers.attempts());
    // Writes go on at the new primary.
    assertThat(lb.write(List.of(ConcurrentWriters.row(4000))).status()).isEqualTo("success");

    assertThat(restarted.code()).as(restarted.out() + restarted.err()).isZero();
    assertThat(restarted.out())
        .contains("sh1: switched over from " + oldPrimary)
        .contains("sh1: restarted " + oldPrimary + " (former primary)")
        .contains("restarted 3 pods of failover");
    // The primary went last: every other pod's restart line comes before the switch-over.
    String out = restarted.out();
    for (String pod : uids.keySet()) {
      if (!pod.equals(oldPrimary)) {
        assertThat(out.indexOf("restarted " + pod + " (secondary)"))
            .isPositive()
            .isLessThan(out.indexOf("switched over"));
      }
    }
    Map<String, String> after = uids("sh1");
    assertThat(after.keySet()).isEqualTo(uids.keySet());
    uids.forEach((pod, uid) -> assertThat(after.get(pod)).as(pod).isNotEqualTo(uid));
    assertThat(db.primary("sh1")).isNotEqualTo(oldPrimary);

    Set<Long> stored =
        lb.read(0, 8191).data().stream()
            .map(r -> ((Number) r.get("Stud_id")).longValue())
            .collect(Collectors.toSet());
    assertThat(stored).containsAll(writers.acked());
  }

  private Map<String, String> uids(String shard) {
    Map<String, String> out = new HashMap<>();
    for (Map<String, Object> r : db.replicas(shard)) {
      String pod = (String) r.get("pod");
      var p = cluster.client().pods().inNamespace(cluster.namespace()).withName(pod).get();
      out.put(pod, p == null ? null : p.getMetadata().getUid());
    }
    return out;
  }
}
