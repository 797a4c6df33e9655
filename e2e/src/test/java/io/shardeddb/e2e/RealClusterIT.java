package io.shardeddb.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.shardeddb.operator.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabaseStatus;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator on a real Kubernetes (the cluster e2e/cluster/up.sh brings up): installed with the
 * chart through helm-java, a 2-shard x 3-replica database made Ready, used through the router with
 * the token from its Secret, its primary force-deleted under writes, and everything uninstalled
 * again. The steps build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealClusterIT {

  private static final String RELEASE = "shardeddb";
  private static final String OPERATOR_NS = "shardeddb-system";
  private static final String DB_NS = "e2e";
  private static final String DB = "students";
  private static final Duration READY = Duration.ofMinutes(6);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path repo = Path.of(System.getProperty("shardeddb.repo.root", "..")).normalize();
  private final Path kubeconfig =
      Path.of(
          System.getProperty(
              "shardeddb.e2e.kubeconfig", "/var/lib/shardeddb-e2e/admin.kubeconfig"));
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private KubernetesClient client;

  @BeforeAll
  void connect() throws Exception {
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build();
  }

  @AfterAll
  void disconnect() {
    client.close();
  }

  @Test
  @Order(1)
  void theChartInstallsAndTheOperatorBecomesAvailable() {
    new Helm(repo.resolve("helm/shardeddb-operator"))
        .install()
        .withName(RELEASE)
        .withNamespace(OPERATOR_NS)
        .createNamespace()
        .withKubeConfig(kubeconfig)
        // The changes from a default install: the MySQL-compatible image built on this
        // machine, as no registry is reachable here, and the databases' namespace to watch (by
        // default the operator watches only its own).
        .set("images.mysql.repository", "shardeddb.local/mariadb")
        .set("images.mysql.tag", "10.11")
        .set("watchNamespaces[0]", DB_NS)
        .waitReady()
        .withTimeout(300)
        .call();

    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(operatorPod().getStatus().getContainerStatuses())
                    .allSatisfy(s -> assertThat(s.getReady()).isTrue()));
  }

  @Test
  @Order(2)
  void aTwoShardThreeReplicaDatabaseBecomesReady() throws Exception {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(DB_NS).endMetadata().build())
        .createOr(r -> r.update());
    ShardedDatabase sdb;
    try (InputStream in = getClass().getResourceAsStream("/students-2x3.yaml")) {
      sdb = client.getKubernetesSerialization().unmarshal(in, ShardedDatabase.class);
    }
    sdb.getMetadata().setNamespace(DB_NS);
    client.resource(sdb).create();

    await().atMost(READY).pollInterval(Duration.ofSeconds(3)).until(() -> isReady(status()));
    assertThat(status().shardsOrEmpty()).hasSize(2);
    assertThat(status().shardsOrEmpty())
        .allSatisfy(s -> assertThat(s.readyReplicas()).isEqualTo(3));
  }

  @Test
  @Order(3)
  void theRouterWritesAndReadsWithTheTokenFromItsSecret() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int key = 0; key < 16384; key += 1024) {
      rows.add(row(key));
    }
    JsonNode written = router("/write", "{\"data\":[" + String.join(",", rows) + "]}");
    assertThat(written.path("message").asText()).startsWith("16 Data entries added");

    JsonNode read = router("/read", "{\"Stud_id\":{\"low\":0,\"high\":16383}}");
    assertThat(read.path("data")).hasSize(16);
    assertThat(read.path("shards_queried").toString()).contains("sh1").contains("sh2");
  }

  @Test
  @Order(4)
  void forceDeletingThePrimaryUnderWritesFailsOverAndLosesNoAcknowledgedWrite() throws Exception {
    ShardStatus before = status().shard("sh1").orElseThrow();
    Set<Integer> acknowledged = new ConcurrentSkipListSet<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int key = 100; writing.get() && key < 4000; key++) {
                    try {
                      JsonNode reply = router("/write", "{\"data\":[" + row(key) + "]}");
                      if (reply.path("message").asText().startsWith("1 Data entries added")) {
                        acknowledged.add(key);
                      }
                    } catch (Exception refusedDuringFailover) {
                      // Not acknowledged: the row may or may not be there.
                    }
                  }
                });
    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 20);

    client.pods().inNamespace(DB_NS).withName(before.primary()).withGracePeriod(0).delete();

    await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              ShardedDatabaseStatus now = status();
              ShardStatus sh1 = now.shard("sh1").orElseThrow();
              // The status in the message says what the operator saw when this times out.
              assertThat(sh1.epochOrZero())
                  .as(
                      "sh1 epoch after %s (was primary) was force-deleted; status %s",
                      before.primary(), now)
                  .isGreaterThan(before.epochOrZero());
              assertThat(isReady(now)).as("Ready; status %s", now).isTrue();
            });
    int ackedAfterFailover = acknowledged.size();
    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() > ackedAfterFailover);
    writing.set(false);
    writer.join(Duration.ofSeconds(30).toMillis());

    JsonNode read = router("/read", "{\"Stud_id\":{\"low\":100,\"high\":4095}}");
    Set<Integer> present = new TreeSet<>();
    read.path("data").forEach(r -> present.add(r.path("Stud_id").asInt()));
    assertThat(present).as("acknowledged writes after failover").containsAll(acknowledged);
  }

  @Test
  @Order(5)
  void aSettledDatabaseGetsNoWorkloadWritesAndItsBudgetsUseTheServersPolicyVersion() {
    await().atMost(READY).until(() -> isReady(status()));
    long before = workloadWrites();
    // Four 5 s resync periods without a single write of a workload object.
    await()
        .during(Duration.ofSeconds(20))
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(workloadWrites() - before)
                    .as("PUT/PATCH/POST of statefulsets, deployments and services while settled")
                    .isZero());

    // v1.20 serves no policy/v1: the operator must have chosen policy/v1beta1.
    assertThat(
            client
                .resources(io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class)
                .inNamespace(DB_NS)
                .list()
                .getItems())
        .hasSize(2);
  }

  @Test
  @Order(6)
  void theOperatorNeverRestartedAndNoReconcileFailedWithAConflict() {
    assertOperatorHealthy();
  }

  @Test
  @Order(7)
  void aRestartedOperatorTakesOverAndTheDatabaseStaysReady() {
    String old = operatorPod().getMetadata().getName();
    client.pods().inNamespace(OPERATOR_NS).withName(old).delete();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              Pod now = operatorPod();
              assertThat(now.getMetadata().getName()).isNotEqualTo(old);
              assertThat(now.getStatus().getContainerStatuses())
                  .allSatisfy(c -> assertThat(c.getReady()).isTrue());
            });
    await().atMost(READY).until(() -> isReady(status()));
  }

  @Test
  @Order(8)
  void aHelmUpgradeWithAChangedValueRollsTheOperator() {
    new Helm(repo.resolve("helm/shardeddb-operator"))
        .upgrade()
        .withName(RELEASE)
        .withNamespace(OPERATOR_NS)
        .withKubeConfig(kubeconfig)
        .set("images.mysql.repository", "shardeddb.local/mariadb")
        .set("images.mysql.tag", "10.11")
        .set("watchNamespaces[0]", DB_NS)
        .set("podAnnotations.e2e/upgraded", "yes")
        .waitReady()
        .withTimeout(300)
        .call();

    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              Pod now = operatorPod();
              assertThat(now.getMetadata().getAnnotations()).containsEntry("e2e/upgraded", "yes");
              assertThat(now.getStatus().getContainerStatuses())
                  .allSatisfy(c -> assertThat(c.getReady()).isTrue());
            });
    await().atMost(READY).until(() -> isReady(status()));
    assertOperatorHealthy();
  }

  private void assertOperatorHealthy() {
    Pod operator = operatorPod();
    assertThat(operator.getStatus().getContainerStatuses())
        .allSatisfy(s -> assertThat(s.getRestartCount()).as("operator restarts").isZero());
    String log =
        client.pods().inNamespace(OPERATOR_NS).withName(operator.getMetadata().getName()).getLog();
    assertThat(log).doesNotContain("the object has been modified").doesNotContain("code=409");
  }

  /** The API server's own count of writes to workload objects (not their status). */
  private long workloadWrites() {
    String metrics = client.raw("/metrics");
    long total = 0;
    for (String line : metrics.split("\n")) {
      if (!line.startsWith("apiserver_request_total{")) {
        continue;
      }
      boolean write = line.matches(".*verb=\"(PUT|PATCH|POST)\".*");
      boolean workload = line.matches(".*resource=\"(statefulsets|deployments|services)\".*");
      boolean main = line.contains("subresource=\"\"");
      if (write && workload && main) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  @Test
  @Order(9)
  void deletingTheDatabaseAndUninstallingTheChartLeavesNothingBehind() {
    client.resources(ShardedDatabase.class).inNamespace(DB_NS).withName(DB).delete();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              assertThat(client.apps().statefulSets().inNamespace(DB_NS).list().getItems())
                  .isEmpty();
              assertThat(client.apps().deployments().inNamespace(DB_NS).list().getItems())
                  .isEmpty();
              assertThat(client.pods().inNamespace(DB_NS).list().getItems()).isEmpty();
              String owned = "app.kubernetes.io/managed-by";
              assertThat(client.services().inNamespace(DB_NS).withLabel(owned).list().getItems())
                  .isEmpty();
              assertThat(client.secrets().inNamespace(DB_NS).withLabel(owned).list().getItems())
                  .isEmpty();
              assertThat(client.configMaps().inNamespace(DB_NS).withLabel(owned).list().getItems())
                  .isEmpty();
              assertThat(
                      client
                          .network()
                          .v1()
                          .networkPolicies()
                          .inNamespace(DB_NS)
                          .withLabel(owned)
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      client
                          .resources(
                              io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget
                                  .class)
                          .inNamespace(DB_NS)
                          .list()
                          .getItems())
                  .isEmpty();
            });
    // The data stays by design (docs/install.md, Uninstall): only the StatefulSets' claims.
    assertThat(client.persistentVolumeClaims().inNamespace(DB_NS).list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .allSatisfy(name -> assertThat(name).startsWith("data-" + DB + "-"));
    client.persistentVolumeClaims().inNamespace(DB_NS).delete();
    Helm.uninstall(RELEASE).withNamespace(OPERATOR_NS).withKubeConfig(kubeconfig).call();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              assertThat(client.pods().inNamespace(OPERATOR_NS).list().getItems()).isEmpty();
              assertThat(
                      client
                          .rbac()
                          .clusterRoles()
                          .withLabel("app.kubernetes.io/instance", RELEASE)
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      client
                          .secrets()
                          .inNamespace(OPERATOR_NS)
                          .withLabel("owner", "helm")
                          .list()
                          .getItems())
                  .as("Helm's release records")
                  .isEmpty();
            });
    client.namespaces().withName(DB_NS).delete();
    client.namespaces().withName(OPERATOR_NS).delete();
  }

  private static String row(int key) {
    return "{\"Stud_id\":"
        + key
        + ",\"Stud_name\":\"s"
        + key
        + "\",\"Stud_marks\":"
        + key % 100
        + "}";
  }

  private ShardedDatabaseStatus status() {
    ShardedDatabase sdb =
        client.resources(ShardedDatabase.class).inNamespace(DB_NS).withName(DB).get();
    return sdb == null || sdb.getStatus() == null
        ? new ShardedDatabaseStatus(null, null, null, null, null, null)
        : sdb.getStatus();
  }

  private static boolean isReady(ShardedDatabaseStatus status) {
    return status.condition("Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private Pod operatorPod() {
    List<Pod> pods =
        client
            .pods()
            .inNamespace(OPERATOR_NS)
            .withLabel("app.kubernetes.io/name", "shardeddb-operator")
            .list()
            .getItems();
    assertThat(pods).hasSize(1);
    return pods.get(0);
  }

  /** POSTs to the router pod over the node's bridge with the bearer token from its Secret. */
  private JsonNode router(String path, String body) throws Exception {
    Pod routerPod =
        client
            .pods()
            .inNamespace(DB_NS)
            .withLabel("app.kubernetes.io/component", "router")
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getStatus().getPodIP() != null)
            .findFirst()
            .orElseThrow();
    String token =
        new String(
            Base64.getDecoder()
                .decode(
                    client
                        .secrets()
                        .inNamespace(DB_NS)
                        .withName(DB + "-router-token")
                        .get()
                        .getData()
                        .get("token")),
            StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + routerPod.getStatus().getPodIP() + ":8080" + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }
}
