package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * docs/backup.md, "One owner per archive", in local mode: a database deleted and applied again
 * under its name (a new UID, the same store and prefix) finds its predecessor's archive. It is
 * refused, never adopted: the ShardedDatabase's ContinuousArchiving condition and a Warning Event
 * say ArchiveRefused naming the old UID, the old incarnation's archive state is left as it was, and
 * {@code kubectl-sdb restore --time} of the new one is refused naming the owner, creating nothing
 * (before owner markers it replayed the deleted database's rows).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveOwnerIT {
  private static final Duration LONG = Duration.ofMinutes(5);

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private String kubeconfig;

  @BeforeAll
  void startCluster() throws java.io.IOException {
    Path dataDir = home.resolve("cli/target/archive-owner-it");
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
  void aDatabaseReCreatedUnderItsNameIsRefusedItsPredecessorsArchive() throws Exception {
    Path yaml = home.resolve("cli/src/test/resources/backup.yaml");
    String name = cluster.apply(yaml);
    write(router(name), LongStream.range(0, 100), LongStream.range(4096, 4196));
    CliRun old1 =
        cli("backup", "create", name, "--name", "old1", "--wait", "--kubeconfig", kubeconfig);
    assertThat(old1.code()).as(old1.err()).isZero();
    String oldUid = status(name).resource().getMetadata().getUid();

    delete(name);
    await().atMost(LONG).until(() -> pods(name).isEmpty());
    // A deleted pod's process stops on the pod runner's next tick: wait until the old primaries'
    // idle archive passes no longer advance the state (three archive intervals unchanged).
    List<Map<String, String>> seen = new java.util.ArrayList<>(List.of(states(name)));
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(7))
        .until(() -> seen.set(0, states(name)).equals(seen.get(0)));
    Map<String, String> oldStates = seen.get(0);
    assertThat(oldStates).containsOnlyKeys("sh1", "sh2");

    String again = cluster.apply(yaml);
    String newUid = status(again).resource().getMetadata().getUid();
    assertThat(newUid).isNotEqualTo(oldUid);
    write(router(again), LongStream.range(200, 250), LongStream.range(4300, 4350));

    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(archivingCondition(again))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.get("status")).isEqualTo("False");
                          assertThat(c.get("reason")).isEqualTo("ArchiveRefused");
                          assertThat((String) c.get("message"))
                              .contains("uid " + oldUid)
                              .contains("uid " + newUid)
                              .contains("spec.backup.store.prefix");
                        }));
    assertThat(events(again))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage()).contains("uid " + oldUid);
            });
    assertThat(states(again)).isEqualTo(oldStates);

    CliRun restore =
        cli(
            "restore",
            again,
            "copy",
            "--time",
            Instant.now().toString(),
            "--kubeconfig",
            kubeconfig);
    assertThat(restore.code()).as(restore.out()).isNotZero();
    assertThat(restore.err())
        .contains("belongs to ShardedDatabase " + cluster.namespace() + "/" + again)
        .contains("uid " + oldUid);
    assertThat(status("copy").resource()).isNull();
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

  private static void write(RouterClient router, LongStream... ranges) {
    List<Map<String, Object>> rows =
        Arrays.stream(ranges)
            .flatMap(LongStream::boxed)
            .map(ConcurrentWriters::row)
            .collect(Collectors.toList());
    assertThat(router.write(rows).status()).isEqualTo("success");
  }

  private void delete(String name) {
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(name)
        .delete();
  }

  private List<String> pods(String name) {
    return cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .filter(p -> p.startsWith(name + "-"))
        .toList();
  }

  private Map<String, String> states(String db) {
    try (BackupStore store = new BackupStore(cluster.backupStore().settings())) {
      Map<String, String> out = new java.util.TreeMap<>();
      for (String shard : List.of("sh1", "sh2")) {
        store.get(BackupKeys.archiveState(db, shard)).ifPresent(b -> out.put(shard, new String(b)));
      }
      return out;
    }
  }

  private Optional<Map<String, Object>> archivingCondition(String name) {
    return DatabaseStatus.asList(status(name).status().get("conditions")).stream()
        .map(DatabaseStatus::asMap)
        .filter(c -> "ContinuousArchiving".equals(c.get("type")))
        .findFirst();
  }

  private List<Event> events(String name) {
    return cluster
        .client()
        .v1()
        .events()
        .inNamespace(cluster.namespace())
        .list()
        .getItems()
        .stream()
        .filter(e -> "ArchiveRefused".equals(e.getReason()))
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
