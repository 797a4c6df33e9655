package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.FailoverSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.OperatorSettings;
import io.shardeddb.operator.ShardedDbOperator;
import io.shardeddb.operator.testing.ClusterSimulator;
import io.shardeddb.operator.testing.FakeShardFleet;
import io.shardeddb.operator.testing.FakeShardServer;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.operator.testing.PruningCrudDispatcher;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator against an API server that serves the CRD from before resharding (it prunes {@code
 * status.resharding} and {@code status.applied.sharding}), as after a {@code helm upgrade} without
 * the new CRD: it must notice, say so, and never act on a move its status cannot remember.
 */
class OutdatedCrdReconcilerTest {

  private static final String NS = "test";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private KubernetesMockServer server;
  private KubernetesClient client;
  private FakeShardFleet fleet;
  private ShardedDbOperator operator;
  private ClusterSimulator cluster;

  @BeforeEach
  void startOperatorAgainstTheOldCrd() throws Exception {
    CustomResourceDefinition old;
    try (InputStream in =
        getClass().getResourceAsStream("/crds/shardeddatabases-before-resharding.yml")) {
      old = Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new PruningCrudDispatcher(old),
            false);
    server.init();
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(old).create();
    fleet = new FakeShardFleet();
    operator = new ShardedDbOperator(client, OperatorSettings.inProcess(Map.of(), fleet));
    operator.start();
    cluster = new ClusterSimulator(client, fleet, NS);
  }

  @AfterEach
  void stop() {
    operator.stop();
    fleet.close();
    client.close();
    server.destroy();
  }

  @Test
  void aSplitUnderAnOutdatedCrdStartsNoMoveAndSaysWhichCrdToApplyAndHow() {
    ShardedDatabase sdb = singleShard("db1");
    client.resource(sdb).create();
    List<String> pods = awaitPods("db1-sh1");
    awaitReady("db1", pods);

    ShardedDatabase edited = current("db1");
    edited.setSpec(
        edited
            .getSpec()
            .withShards(
                List.of(
                    new ShardSpec("sh1", 0, 2048, null), new ShardSpec("sh2", 2048, 2048, null))));
    client.resource(edited).update();
    List<String> destPods = awaitPods("db1-sh2");
    FakeShardServer source = fleet.replica(pods.get(0));
    FakeShardServer dest = fleet.replica(destPods.get(0));
    dest.importsFrom(source);
    cluster.allReady(destPods);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(status("db1").condition("Resharding"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("CrdOutdated");
                        assertThat(c.getMessage())
                            .contains("shardeddatabases.shardeddb.io")
                            // Every pass writes it, so it is the first dropped field seen.
                            .contains("dropped status.applied.sharding")
                            .contains("kubectl apply --server-side -f crds/");
                      });
              assertThat(events("CrdOutdated"))
                  .singleElement()
                  .satisfies(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getMessage()).contains("kubectl apply");
                      });
            });
    // Several passes later (the operator resyncs while busy) still nothing was acted on: the
    // destination's primary is Ready, so only the outdated CRD holds the move back.
    await()
        .during(Duration.ofSeconds(5))
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(dest.calls()).doesNotContain("POST /import");
              assertThat(source.calls()).doesNotContain("POST /ranges/fence");
              assertThat(status("db1").applied().shards())
                  .containsExactly(new AppliedSpec.AppliedShard("sh1", 0, 4096));
              assertThat(events("CrdOutdated")).hasSize(1);
            });
    assertThat(dest.owned()).isEmpty();
    assertThat(source.owned())
        .containsExactly(new io.shardeddb.protocol.topology.PointRange(0, 4096));
  }

  private List<String> awaitPods(String statefulSet) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(client.apps().statefulSets().inNamespace(NS).withName(statefulSet).get())
                    .isNotNull());
    return cluster.startPods(statefulSet);
  }

  private void awaitReady(String db, List<String> pods) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status(db).shardsOrEmpty())
                    .allSatisfy(s -> assertThat(s.primary()).isNotNull()));
    cluster.allReady(pods);
    cluster.routerReady(ShardedDatabaseResources.routerName(db), 1);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status(db).condition("Ready"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True")));
  }

  private ShardedDatabase current(String name) {
    return client.resources(ShardedDatabase.class).inNamespace(NS).withName(name).get();
  }

  private ShardedDatabaseStatus status(String name) {
    ShardedDatabase sdb = current(name);
    assertThat(sdb.getStatus()).as("status of %s", name).isNotNull();
    return sdb.getStatus();
  }

  private List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  /** The students schema in one shard of 4096 keys, one replica. */
  private static ShardedDatabase singleShard(String name) {
    ShardedDatabase sdb = Fixtures.load("students.yaml", NS);
    sdb.getMetadata().setName(name);
    ShardedDatabaseSpec s = sdb.getSpec();
    sdb.setSpec(
        s.toBuilder()
            .shards(List.of(new ShardSpec("sh1", 0, 4096, null)))
            .replicas(1)
            .failover(new FailoverSpec(1, 3, 60))
            .servers(Map.of())
            .build());
    return sdb;
  }
}
