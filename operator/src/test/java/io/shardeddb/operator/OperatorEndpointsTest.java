package io.shardeddb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.shardeddb.operator.shardclient.HttpShardServerClient;
import io.shardeddb.operator.testing.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-process operator serves health and Prometheus metrics on its management port. */
@EnableKubernetesMockClient(crud = true)
class OperatorEndpointsTest {

  KubernetesClient client;
  KubernetesMockServer server;

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aStartedOperatorIsLiveReadyAndExportsReconcileMetrics() throws Exception {
    try (ShardedDbOperator operator =
        new ShardedDbOperator(
            client,
            OperatorSettings.inProcess(
                Map.of("shardeddb.management-port", "-1"),
                HttpShardServerClient.withDefaultTimeouts()))) {
      operator.start();
      int port = operator.managementPort();

      assertThat(port).isPositive();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(get(port, "/health/liveness").statusCode()).isEqualTo(200);
                assertThat(get(port, "/health/readiness").statusCode()).isEqualTo(200);
              });
      HttpResponse<String> metrics = get(port, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("# TYPE");
    }
  }

  @Test
  void withLeaderElectionTheOperatorHoldsTheLeaseBeforeReconciling() {
    // JOSDK checks its Lease permissions first; the CRUD mock cannot review rules, so answer.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("*")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
    try (ShardedDbOperator operator =
        new ShardedDbOperator(
            client,
            OperatorSettings.inProcess(
                Map.of("shardeddb.leader-election", "true", "shardeddb.lease-namespace", "ops"),
                HttpShardServerClient.withDefaultTimeouts()))) {
      operator.start();

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .leases()
                              .inNamespace("ops")
                              .withName(OperatorSettings.LEASE_NAME)
                              .get())
                      .isNotNull()
                      .satisfies(l -> assertThat(l.getSpec().getHolderIdentity()).isNotBlank()));
    }
  }

  @Test
  void eachManagedDatabaseGetsItsOwnSeriesOnMetrics() throws Exception {
    client.resource(Fixtures.load("students.yaml", "shop")).create();
    try (ShardedDbOperator operator =
        new ShardedDbOperator(
            client,
            OperatorSettings.inProcess(
                Map.of("shardeddb.management-port", "-1"),
                HttpShardServerClient.withDefaultTimeouts()))) {
      operator.start();
      int port = operator.managementPort();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(get(port, "/metrics").body())
                      .contains(
                          "shardeddb_operator_failovers_total{database=\"students\","
                              + "namespace=\"shop\"} 0.0")
                      .contains(
                          "shardeddb_operator_condition{database=\"students\","
                              + "namespace=\"shop\""));
    }
  }

  @Test
  void theManagementPortCanBeSwitchedOff() {
    try (ShardedDbOperator operator = new ShardedDbOperator(client, OperatorSettings.inProcess())) {
      operator.start();

      assertThat(operator.managementPort()).isZero();
    }
  }
}
