package io.shardeddb.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.shardeddb.operator.OperatorSettings;
import io.shardeddb.operator.ShardedDbOperator;
import io.shardeddb.operator.testing.FakeShardFleet;
import io.shardeddb.operator.testing.Fixtures;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reconciling an unchanged database writes nothing: once the workloads exist and carry the defaults
 * a real API server adds, further reconciles send no PUT, PATCH or POST for StatefulSets, Services,
 * Deployments, disruption budgets or network policies.
 */
@EnableKubernetesMockClient(crud = true)
class NoOpReconcileTest {

  private static final String NS = "test";
  private static final List<String> WORKLOADS =
      List.of(
          "/statefulsets",
          "/services",
          "/deployments",
          "/poddisruptionbudgets",
          "/networkpolicies");

  KubernetesMockServer server;
  KubernetesClient client;
  private FakeShardFleet fleet;
  private ShardedDbOperator operator;

  @BeforeEach
  void startOperator() throws Exception {
    try (InputStream crd = Files.newInputStream(Fixtures.generatedCrd())) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).createOr(r -> r.update());
    }
    fleet = new FakeShardFleet();
    operator = new ShardedDbOperator(client, OperatorSettings.inProcess(Map.of(), fleet));
    operator.start();
  }

  @AfterEach
  void stopOperator() {
    operator.stop();
    fleet.close();
  }

  @Test
  void givenWorkloadsWithServerDefaults_whenReconciledAgain_thenNoWorkloadIsWritten()
      throws Exception {
    client.resource(Fixtures.load("students.yaml", NS)).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).hasSize(4);
              assertThat(client.services().inNamespace(NS).list().getItems()).hasSize(5);
              assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).hasSize(1);
            });

    // Play the API server's defaulting on every workload, as a real server returns them; each
    // update is also a watch event that makes the operator reconcile again.
    KubernetesSerialization json = client.getKubernetesSerialization();
    List<HasMetadata> live = new ArrayList<>();
    live.addAll(client.apps().statefulSets().inNamespace(NS).list().getItems());
    live.addAll(client.services().inNamespace(NS).list().getItems());
    live.addAll(client.apps().deployments().inNamespace(NS).list().getItems());
    drainWrites();
    writes.clear();
    for (HasMetadata resource : live) {
      ObjectNode node = json.convertValue(resource, ObjectNode.class);
      ApiServerDefaults.apply(node);
      client.resource(json.convertValue(node, resource.getClass())).update();
    }

    // Two resync periods and the events of the updates above: only the test's own writes.
    await()
        .during(Duration.ofSeconds(12))
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              drainWrites();
              assertThat(writes).as("workload writes after defaulting").hasSize(live.size());
            });
  }

  private final List<String> writes = new ArrayList<>();

  /** Workload writes seen by the mock server since the last call. */
  private synchronized List<String> drainWrites() throws InterruptedException {
    RecordedRequest request;
    List<String> seen = new ArrayList<>();
    while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      String path = request.getPath();
      boolean write = List.of("PUT", "PATCH", "POST").contains(request.getMethod());
      if (write && path != null && WORKLOADS.stream().anyMatch(path::contains)) {
        seen.add(request.getMethod() + " " + path);
      }
    }
    writes.addAll(seen);
    return seen;
  }

  /** What a v1.20 API server adds to or drops from the workloads the operator sends. */
  static final class ApiServerDefaults {
    private ApiServerDefaults() {}

    static void apply(ObjectNode object) {
      String kind = object.path("kind").asText();
      ObjectNode spec = (ObjectNode) object.get("spec");
      switch (kind) {
        case "StatefulSet" -> {
          spec.put("podManagementPolicy", spec.path("podManagementPolicy").asText("OrderedReady"));
          spec.put("revisionHistoryLimit", 10);
          // Defaulted only when absent (type RollingUpdate with partition 0); OnDelete stays.
          if (!spec.has("updateStrategy")) {
            spec.putObject("updateStrategy")
                .put("type", "RollingUpdate")
                .putObject("rollingUpdate")
                .put("partition", 0);
          }
          podTemplate((ObjectNode) spec.get("template"));
          for (JsonNode claim : spec.withArray("volumeClaimTemplates")) {
            ObjectNode c = (ObjectNode) claim;
            // Embedded objects lose their type fields and gain a status.
            c.remove("apiVersion");
            c.remove("kind");
            ((ObjectNode) c.get("spec")).put("volumeMode", "Filesystem");
            c.putObject("status").put("phase", "Pending");
          }
        }
        case "Deployment" -> {
          spec.put("revisionHistoryLimit", 10);
          spec.put("progressDeadlineSeconds", 600);
          if (!spec.has("strategy")) {
            spec.putObject("strategy")
                .put("type", "RollingUpdate")
                .putObject("rollingUpdate")
                .put("maxSurge", "25%")
                .put("maxUnavailable", "25%");
          }
          podTemplate((ObjectNode) spec.get("template"));
        }
        case "Service" -> {
          spec.put("sessionAffinity", "None");
          spec.put("type", spec.path("type").asText("ClusterIP"));
          if (!spec.has("clusterIP")) {
            spec.put("clusterIP", "10.96.0.10");
          }
          spec.putArray("clusterIPs").add(spec.get("clusterIP").asText());
          for (JsonNode port : spec.withArray("ports")) {
            ((ObjectNode) port).put("protocol", "TCP");
          }
        }
        default -> throw new IllegalArgumentException(kind);
      }
    }

    private static void podTemplate(ObjectNode template) {
      ObjectNode pod = (ObjectNode) template.get("spec");
      pod.put("restartPolicy", "Always");
      pod.put("dnsPolicy", "ClusterFirst");
      pod.put("schedulerName", "default-scheduler");
      pod.put("terminationGracePeriodSeconds", pod.path("terminationGracePeriodSeconds").asInt(30));
      if (!pod.has("securityContext")) {
        pod.putObject("securityContext");
      }
      List<ArrayNode> containerLists = new ArrayList<>();
      containerLists.add(pod.withArray("containers"));
      if (pod.has("initContainers")) {
        containerLists.add(pod.withArray("initContainers"));
      }
      for (ArrayNode containers : containerLists) {
        for (JsonNode c : containers) {
          ObjectNode container = (ObjectNode) c;
          container.put("terminationMessagePath", "/dev/termination-log");
          container.put("terminationMessagePolicy", "File");
          container.put(
              "imagePullPolicy", container.path("imagePullPolicy").asText("IfNotPresent"));
          for (JsonNode port : container.withArray("ports")) {
            ((ObjectNode) port).put("protocol", "TCP");
          }
          for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            if (container.get(probe) instanceof ObjectNode p) {
              p.put("timeoutSeconds", p.path("timeoutSeconds").asInt(1));
              p.put("successThreshold", p.path("successThreshold").asInt(1));
              p.put("failureThreshold", p.path("failureThreshold").asInt(3));
              if (p.get("httpGet") instanceof ObjectNode http && !http.has("scheme")) {
                http.put("scheme", "HTTP");
              }
            }
          }
          for (JsonNode env : container.withArray("env")) {
            if (env.path("valueFrom").get("fieldRef") instanceof ObjectNode ref) {
              ref.put("apiVersion", "v1");
            }
          }
          if (container.withArray("env").isEmpty()) {
            container.remove("env");
          }
          if (container.withArray("ports").isEmpty()) {
            container.remove("ports");
          }
        }
      }
    }
  }
}
