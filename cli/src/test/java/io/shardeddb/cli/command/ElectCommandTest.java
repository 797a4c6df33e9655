package io.shardeddb.cli.command;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.cli.testing.MockCluster;
import io.shardeddb.protocol.failover.SeerScore;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl sdb elect DB SHARD}: SEER's ranking of a shard's ready secondaries from the
 * resource's status, the pods' restarts and uptime, and the primary's measured latencies.
 */
class ElectCommandTest {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private static final Instant NOW = Instant.parse("2026-11-27T11:00:00Z");

  private MockCluster mock;

  @AfterEach
  void stop() {
    if (mock != null) {
      mock.close();
    }
  }

  private static ReplicaStatus replica(String pod, Role role, boolean ready, long lsn) {
    return new ReplicaStatus(pod, "http://" + pod, role, ready, ReplicaState.Ready, lsn, 0L, null);
  }

  private static ShardStatus sh1() {
    return ShardStatus.builder()
        .id("sh1")
        .epoch(4L)
        .primary("failover-sh1-0")
        .replicas(
            List.of(
                replica("failover-sh1-0", Role.Primary, true, 120),
                replica("failover-sh1-1", Role.Secondary, true, 120),
                replica("failover-sh1-2", Role.Secondary, true, 118),
                replica("failover-sh1-3", Role.Secondary, false, 120)))
        .build();
  }

  private static Pod pod(String name, int restarts, Instant started) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .endMetadata()
        .withNewStatus()
        .withStartTime(started.toString())
        .addNewContainerStatus()
        .withName("shard-server")
        .withRestartCount(restarts)
        .endContainerStatus()
        .endStatus()
        .build();
  }

  @Test
  void theFastSteadySecondaryWinsAndOnlyReadySecondariesAreCandidates() {
    Map<String, Pod> pods =
        Map.of(
            "failover-sh1-1", pod("failover-sh1-1", 5, NOW.minusSeconds(30)),
            "failover-sh1-2", pod("failover-sh1-2", 0, NOW.minusSeconds(3600)));
    // sh1-1 is level but slow and restarted five times; sh1-2 is two behind, fast and steady.
    List<SeerScore.Ranked> ranking =
        SeerScore.ranking(
            ElectCommand.candidates(
                sh1(), pods, Map.of("failover-sh1-1", 120.0, "failover-sh1-2", 0.8), NOW));

    assertThat(ranking)
        .extracting(r -> r.candidate().name())
        .containsExactly("failover-sh1-2", "failover-sh1-1");
    assertThat(ranking.get(0).candidate().restarts()).isZero();
    assertThat(ranking.get(0).candidate().uptime()).isEqualTo(Duration.ofHours(1));
    assertThat(ranking.get(1).candidate().latency()).isEqualTo(Duration.ofMillis(120));
    assertThat(ElectCommand.table(ranking, Map.of("failover-sh1-2", 0.8)))
        .containsPattern("failover-sh1-2\\s+0\\.\\d\\d\\s+0\\.93\\s+1\\.00\\s+0\\.33\\s+0\\.8ms");
  }

  @Test
  void aDryRunShowsTheRankingAndTheChoiceAndSwitchesNothing(@TempDir Path dir) throws Exception {
    mock = new MockCluster().crd(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"));
    String k = mock.kubeconfig(dir.resolve("kubeconfig"), "shop").toString();
    var client = mock.client();
    try (InputStream in =
        Files.newInputStream(HOME.resolve("cli/src/test/resources/failover.yaml"))) {
      ShardedDatabase created =
          client
              .resource(Serialization.unmarshal(in, ShardedDatabase.class))
              .inNamespace("shop")
              .create();
      created.setStatus(ShardedDatabaseStatus.builder().shards(List.of(sh1())).build());
      client.resource(created).updateStatus();
    }
    Instant now = Instant.now();
    client.resource(pod("failover-sh1-1", 7, now.minusSeconds(20))).create();
    client.resource(pod("failover-sh1-2", 0, now.minusSeconds(7200))).create();

    CliRun run = cli("elect", "failover", "sh1", "--dry-run", "--kubeconfig", k);

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("SEER's choice: failover-sh1-2")
        .contains("latency: not measured (")
        .doesNotContain("failover-sh1-3");
    assertThat(
            client
                .resources(ShardedDatabase.class)
                .inNamespace("shop")
                .withName("failover")
                .get()
                .getMetadata()
                .getAnnotations())
        .as("nothing requested")
        .satisfiesAnyOf(
            a -> assertThat(a).isNull(),
            a -> assertThat(a).doesNotContainKey("shardeddb.io/promote"));
    CliRun unknown = cli("elect", "failover", "sh9", "--dry-run", "--kubeconfig", k);
    assertThat(unknown.code()).isEqualTo(3);
    assertThat(unknown.err()).contains("no shard 'sh9'");
  }
}
