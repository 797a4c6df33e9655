package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.api.Labels;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * {@code kubectl-sdb fence/unfence} and {@code hibernate/resume} against local mode, through the
 * real operator: a fenced secondary leaves the routing (no address in the status) and comes back
 * with every row; a fence that would cost a shard its write quorum is refused with nothing changed;
 * a fenced primary hands over; a hibernated database has no pods, refuses writes (no router) and,
 * resumed, serves every row written before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FenceAndHibernateIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final String DB = "failover";

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private DatabaseStatus db;
  private RouterClient lb;
  private String kubeconfig;
  private final Set<Long> written = new TreeSet<>();

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    String name = cluster.apply(home.resolve("cli/src/test/resources/failover.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    await().atMost(LONG).until(db::isReady);
    lb = router();
    kubeconfig = cluster.kubeconfig().toString();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private RouterClient router() {
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(DB).orElse(null), i -> i != null);
    return info.client(info.token(), "Stud_id", Duration.ofSeconds(20));
  }

  private void write(long from, long to) {
    for (long k = from; k < to; k++) {
      assertThat(lb.write(List.of(ConcurrentWriters.row(k))).status()).isEqualTo("success");
      written.add(k);
    }
  }

  private Set<Long> stored() {
    return lb.read(0, 8191).data().stream()
        .map(r -> ((Number) r.get("Stud_id")).longValue())
        .collect(Collectors.toSet());
  }

  private List<String> secondaries(String shard) {
    String primary = db.primary(shard);
    List<String> out = new ArrayList<>();
    for (Map<String, Object> r : db.replicas(shard)) {
      if (!r.get("pod").equals(primary)) {
        out.add((String) r.get("pod"));
      }
    }
    return out;
  }

  private String fencedAnnotation() {
    Map<String, String> a = db.resource().getMetadata().getAnnotations();
    return a == null ? null : a.get("shardeddb.io/fenced-pods");
  }

  @Test
  @Order(1)
  void aFencedSecondaryLeavesTheRoutingAndComesBackWithEveryRow() {
    write(1, 21);
    write(4100, 4120);
    String fenced = secondaries("sh1").get(0);

    CliRun fence = cli("fence", DB, fenced, "--kubeconfig", kubeconfig);
    assertThat(fence.code()).as(fence.err()).isZero();
    assertThat(fence.out()).contains(fenced).contains("fenced: " + fenced);
    assertThat(fencedAnnotation()).isEqualTo("[\"" + fenced + "\"]");
    // Out of the routing: routers route only to replicas with an address.
    assertThat(db.replica("sh1", fenced).orElseThrow().get("url")).isNull();
    CliRun status = cli("status", DB, "--kubeconfig", kubeconfig);
    assertThat(status.out()).contains("Fenced").contains(fenced);

    // The shard still writes with its two unfenced replicas.
    write(21, 41);

    CliRun unfence = cli("unfence", DB, fenced, "--kubeconfig", kubeconfig);
    assertThat(unfence.code()).as(unfence.err()).isZero();
    assertThat(fencedAnnotation()).isNull();
    assertThat(db.replica("sh1", fenced).orElseThrow().get("url")).isNotNull();
    assertThat(stored()).containsAll(written);
  }

  @Test
  @Order(2)
  void aFenceThatWouldCostTheWriteQuorumIsRefusedWithNothingChanged() {
    List<String> both = secondaries("sh1");
    CliRun refused = cli("fence", DB, both.get(0), both.get(1), "--kubeconfig", kubeconfig);
    assertThat(refused.code()).isEqualTo(4);
    assertThat(refused.err())
        .contains("fence refused")
        .contains("fewer than the 2 a write needs")
        .contains("--force");
    assertThat(fencedAnnotation()).isNull();

    CliRun shard = cli("fence", DB, "--shard", "sh1", "--kubeconfig", kubeconfig);
    assertThat(shard.code()).isEqualTo(4);
    assertThat(fencedAnnotation()).isNull();
  }

  @Test
  @Order(3)
  void aFencedPrimaryHandsOverToAnUnfencedSecondary() {
    String primary = db.primary("sh2");
    CliRun fence = cli("fence", DB, primary, "--kubeconfig", kubeconfig);
    assertThat(fence.code()).as(fence.err()).isZero();
    assertThat(db.primary("sh2")).isNotEqualTo(primary);
    write(4120, 4130);

    CliRun unfence = cli("unfence", DB, "--all", "--kubeconfig", kubeconfig);
    assertThat(unfence.code()).as(unfence.err()).isZero();
    assertThat(fencedAnnotation()).isNull();
    assertThat(stored()).containsAll(written);
  }

  @Test
  @Order(4)
  void hibernateLeavesNoPodsAndResumeServesEveryRow() {
    await().atMost(LONG).until(db::isReady);
    CliRun hibernate = cli("hibernate", DB, "--kubeconfig", kubeconfig);
    assertThat(hibernate.code()).as(hibernate.err()).isZero();
    assertThat(hibernate.out()).contains("hibernated");
    assertThat(
            cluster
                .client()
                .pods()
                .inNamespace(cluster.namespace())
                .withLabel(Labels.INSTANCE, DB)
                .list()
                .getItems())
        .isEmpty();
    assertThat(cli("status", DB, "--kubeconfig", kubeconfig).out()).contains("Hibernated");

    // No router: a write fails with one clear line.
    CliRun insert =
        cli(
            "insert",
            DB,
            "{\"Stud_id\":7,\"Stud_name\":\"x\",\"Stud_marks\":1}",
            "--kubeconfig",
            kubeconfig);
    assertThat(insert.code()).isNotZero();
    assertThat(insert.err()).startsWith("error: ");

    CliRun resume = cli("resume", DB, "--kubeconfig", kubeconfig);
    assertThat(resume.code()).as(resume.err()).isZero();
    lb = router();
    assertThat(stored()).containsAll(written);
    write(41, 51);
  }
}
