package io.shardeddb.operator.reconciler;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.FailoverSpec;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.OperatorSettings;
import io.shardeddb.operator.ShardedDbOperator;
import io.shardeddb.operator.testing.ClusterSimulator;
import io.shardeddb.operator.testing.FakeShardFleet;
import io.shardeddb.operator.testing.FakeShardServer;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.topology.PointRange;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's per-database PodMonitors ({@code shardeddb.metrics.pod-monitors}, chart {@code
 * metrics.podMonitors.perDatabase}) against the fabric8 mock API server (CRUD mode), with fake
 * shard-servers over real HTTP: security review 2026-11-26 #5 ("one scrape token serves every
 * database; PodMonitors skip verification"). Which pods a PodMonitor makes Prometheus scrape is
 * worked out here the way the Prometheus Operator's pod discovery does ({@link #targets}: pods of
 * the PodMonitor's namespace matching its selector, one target per container port named as the
 * endpoint's, then the endpoint's {@code keep} relabelings), over the pods the test plays the
 * StatefulSet controller for.
 */
@EnableKubernetesMockClient(crud = true)
class PodMonitorReconcilerTest {

  private static final String NS = "test";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String MONITORING = "/apis/monitoring.coreos.com/v1";

  KubernetesClient client;
  KubernetesMockServer server;
  private FakeShardFleet fleet;
  private ShardedDbOperator operator;
  private ClusterSimulator cluster;

  /** Starts the operator writing PodMonitors, with the PodMonitor CRD installed or not. */
  private void startOperator(boolean podMonitorCrd) throws Exception {
    try (InputStream crd = Files.newInputStream(Fixtures.generatedCrd())) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    if (podMonitorCrd) {
      client.apiextensions().v1().customResourceDefinitions().resource(podMonitorCrd()).create();
    }
    fleet = new FakeShardFleet();
    operator =
        new ShardedDbOperator(
            client,
            OperatorSettings.inProcess(Map.of("shardeddb.metrics.pod-monitors", "true"), fleet));
    operator.start();
    cluster = new ClusterSimulator(client, fleet, NS);
  }

  @AfterEach
  void stopOperator() {
    if (operator != null) {
      operator.stop();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void eachDatabaseGetsAnOwnedPodMonitorVerifyingItsOwnCaWithItsOwnTokenAndScrapingOnlyItsPods()
      throws Exception {
    startOperator(true);
    apply(database("shop", List.of(new ShardSpec("sh1", 0, 2048, null), shard("sh2", 2048))));
    apply(database("blog", List.of(new ShardSpec("sh1", 0, 4096, null))));
    List<Pod> pods = new ArrayList<>();
    for (String sts : List.of("shop-sh1", "shop-sh2", "blog-sh1")) {
      awaitStatefulSet(sts);
      cluster.startPods(sts);
    }
    startRouterPods("shop");
    startRouterPods("blog");
    pods.addAll(client.pods().inNamespace(NS).list().getItems());
    assertThat(pods).hasSize(3 * 1 + 2); // one replica per shard, one router pod per database

    PodMonitor shop = awaitPodMonitor("shop");
    PodMonitor blog = awaitPodMonitor("blog");

    // Owned by its database, so the garbage collector deletes it with the database.
    for (PodMonitor pm : List.of(shop, blog)) {
      String db = pm.getMetadata().getName();
      assertThat(pm.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getKind()).isEqualTo("ShardedDatabase");
                assertThat(o.getName()).isEqualTo(db);
                assertThat(o.getApiVersion()).isEqualTo("shardeddb.io/v1alpha1");
                assertThat(o.getUid()).isEqualTo(current(db).getMetadata().getUid());
              });
    }

    // Every endpoint verifies TLS against its own database's CA by a name its pods carry, and
    // sends its own database's scrape token: never insecureSkipVerify, never another's Secret.
    assertVerifiedWithOwnCaAndToken(shop, List.of("shop-sh1", "shop-sh2", "shop-router"));
    assertVerifiedWithOwnCaAndToken(blog, List.of("blog-sh1", "blog-router"));
    String shopToken = secretValue(ShardedDatabaseResources.metricsAuthSecretName("shop"), "token");
    String blogToken = secretValue(ShardedDatabaseResources.metricsAuthSecretName("blog"), "token");
    assertThat(shopToken).isNotBlank().isNotEqualTo(blogToken);
    assertThat(caOf("shop")).isNotEqualTo(caOf("blog"));

    // What Prometheus scrapes: each database's own pods, each under the endpoint (server name)
    // of its shard, and nothing of the other database.
    assertThat(targets(shop, pods))
        .containsExactly(
            Map.entry("shop-router.test.svc", List.of(routerPod("shop"))),
            Map.entry("shop-sh1.test.svc", List.of("shop-sh1-0")),
            Map.entry("shop-sh2.test.svc", List.of("shop-sh2-0")));
    assertThat(targets(blog, pods))
        .containsExactly(
            Map.entry("blog-router.test.svc", List.of(routerPod("blog"))),
            Map.entry("blog-sh1.test.svc", List.of("blog-sh1-0")));
  }

  @Test
  void aShardMergedAwayLeavesThePodMonitorAndItsPodsAreNotScrapedEvenWhileTheyLinger()
      throws Exception {
    startOperator(true);
    apply(database("merge", List.of(new ShardSpec("sh1", 0, 2048, null), shard("sh2", 2048))));
    List<String> shardPods = new ArrayList<>(awaitPods("merge-sh1"));
    shardPods.addAll(awaitPods("merge-sh2"));
    startRouterPods("merge");
    awaitReady("merge", shardPods);
    assertThat(targets(awaitPodMonitor("merge"), client.pods().inNamespace(NS).list().getItems()))
        .containsKeys("merge-sh1.test.svc", "merge-sh2.test.svc")
        .containsEntry("merge-sh2.test.svc", List.of("merge-sh2-0"));

    FakeShardServer kept = fleet.replica("merge-sh1-0");
    FakeShardServer dropped = fleet.replica("merge-sh2-0").holding(5, 1, 5);
    kept.importsFrom(dropped);
    ShardedDatabase edited = current("merge");
    edited.setSpec(
        edited.getSpec().toBuilder().shards(List.of(new ShardSpec("sh1", 0, 4096, null))).build());
    client.resource(edited).update();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardedDatabaseStatus st = status("merge");
              assertThat(st.reshardingOrEmpty().movesOrEmpty())
                  .singleElement()
                  .satisfies(m -> assertThat(m.phase()).isEqualTo(MovePhase.Done));
              assertThat(client.apps().statefulSets().inNamespace(NS).withName("merge-sh2").get())
                  .isNull();
              assertThat(podMonitor("merge").getSpec().getPodMetricsEndpoints())
                  .extracting(e -> e.getTlsConfig().getServerName())
                  .containsExactly("merge-sh1.test.svc", "merge-router.test.svc");
            });
    assertThat(kept.owned()).containsExactly(new PointRange(0, 4096));

    // The mock API server runs no garbage collector, so sh2's pod outlives its StatefulSet here,
    // as a terminating pod does in a cluster: the PodMonitor still selects it by the database's
    // labels, and no endpoint keeps it.
    List<Pod> live = client.pods().inNamespace(NS).list().getItems();
    assertThat(live).extracting(p -> p.getMetadata().getName()).contains("merge-sh2-0");
    assertThat(targets(podMonitor("merge"), live))
        .containsExactly(
            Map.entry("merge-router.test.svc", List.of(routerPod("merge"))),
            Map.entry("merge-sh1.test.svc", List.of("merge-sh1-0")));
  }

  @Test
  void withoutThePodMonitorCrdNoneIsWrittenTheDatabaseGetsReadyAndNothingIsRetried()
      throws Exception {
    startOperator(false);
    apply(database("plain", List.of(new ShardSpec("sh1", 0, 4096, null))));
    List<String> pods = awaitPods("plain-sh1");
    startRouterPods("plain");
    awaitReady("plain", pods);
    // A few more passes (the resync and the heartbeats keep reconciling).
    Thread.sleep(3_000);
    assertThat(status("plain").condition("Ready"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));

    List<String> monitoring = new ArrayList<>();
    int recorded = server.getRequestCount();
    for (int i = 0; i < recorded; i++) {
      RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
      if (r != null && r.getPath().startsWith(MONITORING)) {
        monitoring.add(r.getMethod() + " " + r.getPath());
      }
    }
    // Asked once whether the API is served (discovery), never a PodMonitor read, write or watch.
    assertThat(monitoring).containsExactly("GET " + MONITORING);
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()))
                .map(e -> e.getReason() + ": " + e.getMessage())
                .toList())
        .isEmpty();
  }

  private void assertVerifiedWithOwnCaAndToken(PodMonitor pm, List<String> services) {
    String db = pm.getMetadata().getName();
    List<PodMetricsEndpoint> endpoints = pm.getSpec().getPodMetricsEndpoints();
    assertThat(endpoints)
        .extracting(e -> e.getTlsConfig().getServerName())
        .containsExactlyElementsOf(services.stream().map(s -> s + "." + NS + ".svc").toList());
    String ca = caOf(db);
    for (PodMetricsEndpoint e : endpoints) {
      assertThat(e.getScheme()).isEqualTo("https");
      assertThat(e.getTlsConfig().getInsecureSkipVerify()).isFalse();
      String caSecret = e.getTlsConfig().getCa().getSecret().getName();
      assertThat(caSecret).isEqualTo(ShardedDatabaseResources.tlsSecretName(db));
      // The bundle Prometheus loads holds the CA that issued this database's certificates.
      assertThat(secretValue(caSecret, e.getTlsConfig().getCa().getSecret().getKey()))
          .contains(ca.strip());
      assertThat(e.getAuthorization().getType()).isEqualTo("Bearer");
      assertThat(e.getAuthorization().getCredentials().getName())
          .isEqualTo(ShardedDatabaseResources.metricsAuthSecretName(db));
      assertThat(e.getAuthorization().getCredentials().getKey()).isEqualTo("token");
    }
    for (String secret :
        List.of(
            ShardedDatabaseResources.metricsAuthSecretName(db),
            ShardedDatabaseResources.tlsSecretName(db))) {
      Secret s = client.secrets().inNamespace(NS).withName(secret).get();
      assertThat(s.getMetadata().getOwnerReferences())
          .extracting(OwnerReference::getName)
          .containsExactly(db);
    }
  }

  /**
   * The pods each endpoint of {@code pm} makes a target, by the endpoint's TLS server name: pods in
   * the PodMonitor's namespace whose labels match its selector, with a container port named as the
   * endpoint's port, that every {@code keep} relabeling keeps (Prometheus's regex is anchored at
   * both ends; source labels joined by {@code ;}). Endpoints without targets are left out.
   */
  static Map<String, List<String>> targets(PodMonitor pm, List<Pod> pods) {
    Map<String, List<String>> out = new TreeMap<>();
    Map<String, String> selector = pm.getSpec().getSelector().getMatchLabels();
    for (PodMetricsEndpoint e : pm.getSpec().getPodMetricsEndpoints()) {
      TreeSet<String> kept = new TreeSet<>();
      for (Pod pod : pods) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        boolean selected =
            pm.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
                && labels != null
                && labels.entrySet().containsAll(selector.entrySet());
        boolean hasPort =
            pod.getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts().stream())
                .map(ContainerPort::getName)
                .anyMatch(e.getPort()::equals);
        if (selected && hasPort && keptBy(e.getRelabelings(), labels)) {
          kept.add(pod.getMetadata().getName());
        }
      }
      if (!kept.isEmpty()) {
        out.put(e.getTlsConfig().getServerName(), List.copyOf(kept));
      }
    }
    return out;
  }

  private static boolean keptBy(List<RelabelConfig> relabelings, Map<String, String> labels) {
    for (RelabelConfig r : relabelings) {
      if (!"keep".equals(r.getAction())) {
        continue;
      }
      List<String> values = new ArrayList<>();
      for (String source : r.getSourceLabels()) {
        values.add(podLabel(source, labels));
      }
      if (!Pattern.compile(r.getRegex()).matcher(String.join(";", values)).matches()) {
        return false;
      }
    }
    return true;
  }

  /** The value of {@code __meta_kubernetes_pod_label_<label>} for a pod with {@code labels}. */
  private static String podLabel(String meta, Map<String, String> labels) {
    String prefix = "__meta_kubernetes_pod_label_";
    assertThat(meta).startsWith(prefix);
    for (Map.Entry<String, String> l : labels.entrySet()) {
      if ((prefix + l.getKey().replaceAll("[^a-zA-Z0-9_]", "_")).equals(meta)) {
        return l.getValue();
      }
    }
    return "";
  }

  /** Plays the ReplicaSet controller: one router pod from the Deployment's template. */
  private void startRouterPods(String db) {
    String name = ShardedDatabaseResources.routerName(db);
    await()
        .atMost(TIMEOUT)
        .until(() -> client.apps().deployments().inNamespace(NS).withName(name).get() != null);
    Deployment d = client.apps().deployments().inNamespace(NS).withName(name).get();
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(routerPod(db))
                .withNamespace(NS)
                .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
                .endMetadata()
                .withSpec(d.getSpec().getTemplate().getSpec())
                .build())
        .create();
  }

  private static String routerPod(String db) {
    return ShardedDatabaseResources.routerName(db) + "-0";
  }

  private String caOf(String db) {
    return secretValue(ShardedDatabaseResources.caSecretName(db), "ca.crt");
  }

  private String secretValue(String secret, String key) {
    Secret s = client.secrets().inNamespace(NS).withName(secret).get();
    assertThat(s).as("Secret %s", secret).isNotNull();
    assertThat(s.getData()).as("Secret %s", secret).containsKey(key);
    return new String(Base64.getDecoder().decode(s.getData().get(key)), UTF_8);
  }

  private PodMonitor podMonitor(String db) {
    return client.resources(PodMonitor.class).inNamespace(NS).withName(db).get();
  }

  private PodMonitor awaitPodMonitor(String db) {
    await().atMost(TIMEOUT).until(() -> podMonitor(db) != null);
    // The CA and the token Secret it names are written in the same passes.
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client
                        .secrets()
                        .inNamespace(NS)
                        .withName(ShardedDatabaseResources.caSecretName(db))
                        .get()
                    != null);
    return podMonitor(db);
  }

  private void awaitStatefulSet(String name) {
    await()
        .atMost(TIMEOUT)
        .until(() -> client.apps().statefulSets().inNamespace(NS).withName(name).get() != null);
  }

  private List<String> awaitPods(String statefulSet) {
    awaitStatefulSet(statefulSet);
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

  private ShardedDatabase apply(ShardedDatabase sdb) {
    return client.resource(sdb).create();
  }

  private ShardedDatabase current(String name) {
    return client.resources(ShardedDatabase.class).inNamespace(NS).withName(name).get();
  }

  private ShardedDatabaseStatus status(String name) {
    ShardedDatabase sdb = current(name);
    assertThat(sdb.getStatus()).as("status of %s", name).isNotNull();
    return sdb.getStatus();
  }

  private static ShardSpec shard(String id, long low) {
    return new ShardSpec(id, low, 2048, null);
  }

  /** The students schema with these shards, one replica each, failing over after 1 s. */
  private static ShardedDatabase database(String name, List<ShardSpec> shards) {
    ShardedDatabase sdb = Fixtures.load("students.yaml", NS);
    sdb.getMetadata().setName(name);
    sdb.setSpec(
        sdb.getSpec().toBuilder()
            .shards(shards)
            .replicas(1)
            .failover(new FailoverSpec(1, 3, 60))
            .servers(Map.of())
            .build());
    return sdb;
  }

  /** The CRD of the Prometheus Operator's PodMonitor (its schema left open). */
  private static CustomResourceDefinition podMonitorCrd() {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName("podmonitors.monitoring.coreos.com")
        .endMetadata()
        .withNewSpec()
        .withGroup("monitoring.coreos.com")
        .withScope("Namespaced")
        .withNewNames()
        .withKind("PodMonitor")
        .withListKind("PodMonitorList")
        .withPlural("podmonitors")
        .withSingular("podmonitor")
        .endNames()
        .addNewVersion()
        .withName("v1")
        .withServed(true)
        .withStorage(true)
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .endVersion()
        .endSpec()
        .build();
  }
}
