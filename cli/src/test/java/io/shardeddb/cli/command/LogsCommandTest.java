package io.shardeddb.cli.command;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.cli.testing.MockCluster;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl sdb logs} against fabric8's mock API (CRUD, plus pods' logs): which pod it reads
 * for {@code --shard}, {@code --pod}, {@code --router} and {@code --operator}, and what it asks the
 * API for ({@code --since} in human form, {@code --tail}, {@code --follow}).
 */
class LogsCommandTest {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();

  private MockCluster mock;
  private String k;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    mock = new MockCluster().crd(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"));
    k = mock.kubeconfig(dir.resolve("kubeconfig"), "shop").toString();
    var client = mock.client();
    try (InputStream in =
        Files.newInputStream(HOME.resolve("cli/src/test/resources/failover.yaml"))) {
      ShardedDatabase created =
          client
              .resource(Serialization.unmarshal(in, ShardedDatabase.class))
              .inNamespace("shop")
              .create();
      created.setStatus(
          ShardedDatabaseStatus.builder()
              .shards(
                  List.of(
                      ShardStatus.builder().id("sh1").epoch(4L).primary("failover-sh1-1").build()))
              .build());
      client.resource(created).updateStatus();
    }
    for (String pod : List.of("failover-sh1-0", "failover-sh1-1")) {
      client.resource(pod(pod, "shop", "failover", "shard", "shard-server")).create();
      mock.log("shop", pod, "shard-server", false, "log of " + pod + "\nline two\n");
    }
    client.resource(pod("failover-router-1", "shop", "failover", "router", "router")).create();
    mock.log("shop", "failover-router-1", "router", false, "router line\n");
    client.resource(pod("other-sh1-0", "shop", "other", "shard", "shard-server")).create();
    Pod operator = pod("shardeddb-operator-1", "sdb-system", null, null, "operator");
    operator.getMetadata().getLabels().put("app.kubernetes.io/name", "shardeddb-operator");
    client.resource(operator).create();
    mock.log("sdb-system", "shardeddb-operator-1", "operator", false, "reconciled\n");
  }

  private static Pod pod(String name, String ns, String db, String component, String container) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .addToLabels("app.kubernetes.io/name", "shardeddb")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName(container)
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .endStatus();
    if (db != null) {
      b.editMetadata()
          .addToLabels("app.kubernetes.io/instance", db)
          .addToLabels("app.kubernetes.io/component", component)
          .addToLabels("shardeddb.io/shard", component.equals("shard") ? "sh1" : null)
          .endMetadata();
    }
    Pod p = b.build();
    p.getMetadata().getLabels().values().removeIf(v -> v == null);
    return p;
  }

  @AfterEach
  void stop() {
    mock.close();
  }

  @Test
  @DisplayName("--shard prints the shard's primary's log; --since takes 2m and 1h30m")
  void shardMeansItsPrimary() {
    CliRun run = cli("logs", "failover", "--shard", "sh1", "--since", "2m", "--kubeconfig", k);
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("log of failover-sh1-1\nline two\n");
    assertThat(mock.logQueries().getLast())
        .startsWith("shop/failover-sh1-1?")
        .contains("container=shard-server")
        .contains("sinceSeconds=120");

    assertThat(
            cli("logs", "failover", "--shard", "sh1", "--since", "1h30m", "--kubeconfig", k).code())
        .isZero();
    assertThat(mock.logQueries().getLast()).contains("sinceSeconds=5400");
  }

  @Test
  @DisplayName("--pod, --router, --tail; --operator --follow streams until the log ends")
  void podRouterOperator() {
    CliRun pod =
        cli("logs", "failover", "--pod", "failover-sh1-0", "--tail", "5", "--kubeconfig", k);
    assertThat(pod.code()).as(pod.err()).isZero();
    assertThat(pod.out()).startsWith("log of failover-sh1-0\n");
    assertThat(mock.logQueries().getLast()).contains("tailLines=5");

    CliRun router = cli("logs", "failover", "--router", "--kubeconfig", k);
    assertThat(router.out()).isEqualTo("router line\n");

    CliRun operator = cli("logs", "failover", "--operator", "--follow", "--kubeconfig", k);
    assertThat(operator.code()).as(operator.err()).isZero();
    assertThat(operator.out()).isEqualTo("reconciled\n");
    assertThat(mock.logQueries().getLast())
        .startsWith("sdb-system/shardeddb-operator-1?")
        .contains("follow=true");
  }

  @Test
  @DisplayName("another database's pod, an unknown shard or container, no target: one line each")
  void wrongNamesAreOneLine() {
    CliRun other = cli("logs", "failover", "--pod", "other-sh1-0", "--kubeconfig", k);
    assertThat(other.code()).isEqualTo(1);
    assertThat(other.err().strip())
        .isEqualTo(
            "error: pod 'other-sh1-0' is not a pod of ShardedDatabase failover (pods:"
                + " failover-router-1, failover-sh1-0, failover-sh1-1)");
    CliRun shard = cli("logs", "failover", "--shard", "sh9", "--kubeconfig", k);
    assertThat(shard.code()).isEqualTo(1);
    assertThat(shard.err().strip())
        .isEqualTo("error: no shard 'sh9' in ShardedDatabase failover (shards: sh1)");
    CliRun container = cli("logs", "failover", "--shard", "sh1", "-c", "mysql", "--kubeconfig", k);
    assertThat(container.code()).isEqualTo(1);
    assertThat(container.err())
        .contains("pod failover-sh1-1 has no container 'mysql' (containers: shard-server)");
    CliRun none = cli("logs", "failover", "--kubeconfig", k);
    assertThat(none.code()).isEqualTo(2);
    assertThat(mock.logQueries()).noneMatch(q -> q.contains("other-sh1-0"));
  }
}
