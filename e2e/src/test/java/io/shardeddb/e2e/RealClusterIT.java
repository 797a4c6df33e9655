package io.shardeddb.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.shardeddb.api.v1alpha1.BootstrapSpec;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.RequestStatus.Outcome;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.cli.KubectlSdb;
import io.shardeddb.cli.output.TextTable;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.release.ChartRelease;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The operator on a real Kubernetes (the cluster e2e/cluster/up.sh brings up): installed with the
 * chart through helm-java, a 2-shard x 3-replica database made Ready, used through the router with
 * the token from its Secret; under writes its primary force-deleted and its primary's shard-server
 * killed in place, a secondary's pod and volume lost; a template change rolled (secondaries first,
 * the primary after a planned switch-over); the operator restarted and upgraded; all uninstalled,
 * and installed once more from the plain manifests. The steps build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealClusterIT {

  private static final String RELEASE = "shardeddb";
  private static final String OPERATOR_NS = "shardeddb-system";
  // The databases' namespace: one the chart is told to watch; the plain manifests (step 23)
  // watch only the operator's own namespace, as docs/install.md says, so step 23 uses that one.
  private static String dbNs = "e2e";
  private static final String DB = "students";
  private static final Duration READY = Duration.ofMinutes(6);
  private static final ObjectMapper JSON = new ObjectMapper();
  // The project's one version: the images' tag and the packaged chart's version and appVersion.
  private static final String VERSION = System.getProperty("shardeddb.version");

  private final Path repo = Path.of(System.getProperty("shardeddb.repo.root", "..")).normalize();
  private final Path kubeconfig =
      Path.of(
          System.getProperty(
              "shardeddb.e2e.kubeconfig", "/var/lib/shardeddb-e2e/admin.kubeconfig"));
  private final String containerd =
      System.getProperty(
          "shardeddb.e2e.containerd", "/var/lib/shardeddb-e2e/containerd/containerd.sock");
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  // The packaged chart archives of this run, by version.
  private final Map<String, Path> chartArchives = new java.util.HashMap<>();
  private KubernetesClient client;

  /**
   * A failed step prints what a reader needs to tell why without the cluster: the database
   * namespace's Events in order and the last lines of the operator's log.
   */
  @RegisterExtension
  final TestWatcher onFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          dumpForDiagnosis(context.getDisplayName());
        }
      };

  private void dumpForDiagnosis(String step) {
    try {
      System.out.printf("==== %s failed: Events in %s ====%n", step, dbNs);
      client.v1().events().inNamespace(dbNs).list().getItems().stream()
          .sorted(
              java.util.Comparator.comparing(
                  e ->
                      String.valueOf(
                          e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getEventTime())))
          .forEach(
              e ->
                  System.out.printf(
                      "  %s %s %s %s: %s%n",
                      e.getLastTimestamp(),
                      e.getType(),
                      e.getInvolvedObject().getName(),
                      e.getReason(),
                      e.getMessage()));
      Pod operator = operatorPod();
      String log =
          client
              .pods()
              .inNamespace(OPERATOR_NS)
              .withName(operator.getMetadata().getName())
              .tailingLines(400)
              .getLog();
      System.out.printf("==== operator log (last 400 lines) ====%n%s%n", log);
    } catch (RuntimeException e) {
      System.out.printf("==== could not collect diagnostics: %s ====%n", e);
    }
  }

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
  void theChartInstallsFromItsPackagedArchiveAndTheOperatorBecomesAvailable() throws Exception {
    // A previous run whose last step failed leaves the plain manifests' install (same names, no
    // Helm release): helm install would refuse to take those objects over.
    kubectl(
        "delete",
        "-f",
        "helm/manifests/shardeddb-operator.yaml",
        "--ignore-not-found",
        "--wait=true",
        "--timeout=180s");
    // A fresh install, also on a cluster whose state a previous run left (e2e/cluster/down.sh
    // keeps etcd unless --purge): Helm installs crds/ only when the CRD is absent and never
    // upgrades it, so an older run's CRD would stay and prune the status fields this operator
    // writes (a resharding move's state was lost that way, 2026-11-23).
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("shardeddatabases.shardeddb.io")
        .withTimeout(60, java.util.concurrent.TimeUnit.SECONDS)
        .delete();
    // The chart installs both CRDs as templates (docs/install.md, "Upgrading"): one left by the
    // plain-manifest step (kubectl create, no Helm ownership) would make helm install refuse it.
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("shardeddatabasebackups.shardeddb.io")
        .withTimeout(60, java.util.concurrent.TimeUnit.SECONDS)
        .delete();
    // A previous run that failed before its clean-up leaves the databases' namespace behind (its
    // claims hold MariaDB data with the old run's credentials): start from an empty one.
    client.namespaces().withName(dbNs).delete();
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> client.namespaces().withName(dbNs).get() == null);
    // A watched namespace must exist before the install: the chart puts the operator's Role there.
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(dbNs).endMetadata().build())
        .createOr(r -> r.update());
    // The chart archive the release build publishes (ChartRelease, as bin/release packages it:
    // version and appVersion the project's one version), not the source folder; its component
    // images default to its appVersion, the tag e2e/images/build.sh gave the loaded images.
    Release release =
        new Helm(chartArchive(VERSION))
            .install()
            .withName(RELEASE)
            .withNamespace(OPERATOR_NS)
            .createNamespace()
            .withKubeConfig(kubeconfig)
            // The changes from a default install: the MySQL-compatible image built on this
            // machine, as no registry is reachable here, and the databases' namespace to watch
            // (by default the operator watches only its own).
            .set("images.mysql.repository", "shardeddb.local/mariadb")
            .set("images.mysql.tag", "10.11")
            .set("watchNamespaces[0]", dbNs)
            .waitReady()
            .withTimeout(300)
            .call();
    assertThat(release.getChart()).isEqualTo("shardeddb-operator-" + VERSION);
    assertThat(release.getAppVersion()).isEqualTo(VERSION);

    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(operatorPod().getStatus().getContainerStatuses())
                    .allSatisfy(s -> assertThat(s.getReady()).isTrue()));
    assertOperatorDeploysImagesAt(VERSION);
  }

  /**
   * The operator runs {@code shardeddb/operator:TAG} and is told to deploy the router and
   * shard-server at TAG (no {@code images.*.tag} was set: the chart's appVersion).
   */
  private void assertOperatorDeploysImagesAt(String tag) {
    var container = operatorPod().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("shardeddb/operator:" + tag);
    Map<String, String> env = new TreeMap<>();
    container.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .forEach(e -> env.put(e.getName(), e.getValue()));
    assertThat(env)
        .containsEntry("SHARDEDDB_ROUTER_IMAGE", "shardeddb/router:" + tag)
        .containsEntry("SHARDEDDB_SHARD_SERVER_IMAGE", "shardeddb/shard-server:" + tag);
  }

  /**
   * The chart as the release build packages it ({@link ChartRelease#packageChart}: a copy with
   * {@code version} and {@code appVersion} set, linted strictly, {@code helm package}d), at {@code
   * version}; packaged once per run into e2e/target/chart-release/.
   */
  private Path chartArchive(String version) throws Exception {
    Path archive = chartArchives.get(version);
    if (archive == null) {
      Path target = repo.resolve("e2e/target/chart-release");
      Path work = target.resolve("work-" + version);
      deleteTree(work);
      Files.createDirectories(work);
      archive =
          ChartRelease.packageChart(repo.resolve("helm/shardeddb-operator"), version, work, target);
      chartArchives.put(version, archive);
    }
    return archive;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  @Order(2)
  void aTwoShardThreeReplicaDatabaseBecomesReady() throws Exception {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(dbNs).endMetadata().build())
        .createOr(r -> r.update());
    ShardedDatabase sdb;
    try (InputStream in = getClass().getResourceAsStream("/students-2x3.yaml")) {
      sdb = client.getKubernetesSerialization().unmarshal(in, ShardedDatabase.class);
    }
    sdb.getMetadata().setNamespace(dbNs);
    client.resource(sdb).create();

    // Ready (every shard has its primary and quorum) can come a probe period before the last
    // replica's pod is ready: wait for both.
    await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(3))
        .until(
            () ->
                isReady(status())
                    && status().shardsOrEmpty().stream().allMatch(s -> s.readyReplicas() == 3));
    assertThat(status().shardsOrEmpty()).hasSize(2);
    // Every router and shard-server at the version installed (the chart's appVersion).
    assertThat(componentImages(DB))
        .hasSize(7)
        .allSatisfy((container, image) -> assertThat(image).endsWith(":" + VERSION));
  }

  /**
   * The image of every router and shard-server container of database {@code db}'s pods (terminating
   * ones too), by "pod/container".
   */
  private Map<String, String> componentImages(String db) {
    Map<String, String> images = new TreeMap<>();
    for (Pod p :
        client
            .pods()
            .inNamespace(dbNs)
            .withLabel("app.kubernetes.io/instance", db)
            .list()
            .getItems()) {
      List<io.fabric8.kubernetes.api.model.Container> all =
          new ArrayList<>(p.getSpec().getContainers());
      if (p.getSpec().getInitContainers() != null) {
        all.addAll(p.getSpec().getInitContainers());
      }
      for (var c : all) {
        if (c.getImage().contains("shardeddb/router:")
            || c.getImage().contains("shardeddb/shard-server:")) {
          images.put(p.getMetadata().getName() + "/" + c.getName(), c.getImage());
        }
      }
    }
    return images;
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

    // The management port (docs/security.md, "Management port"): TLS with the pod's certificate
    // from the database's CA (the kubelet's HTTPS probes made every pod Ready above), and
    // /prometheus only with the scrape token of <db>-metrics.
    String token = secretValue(DB + "-metrics", "token");
    for (String component : List.of("router", "shard")) {
      Pod pod =
          client
              .pods()
              .inNamespace(dbNs)
              .withLabel("app.kubernetes.io/component", component)
              .withLabel("app.kubernetes.io/instance", DB)
              .list()
              .getItems()
              .stream()
              .filter(p -> p.getStatus().getPodIP() != null)
              .findFirst()
              .orElseThrow();
      String url = "https://" + pod.getStatus().getPodIP() + ":8084/prometheus";
      SSLContext trust =
          Tls.clientContext(
              TlsMaterialSource.fixed(
                  PemMaterial.parse(secretValue(DB + "-tls", "ca.crt"), null, null)),
              java.util.EnumSet.of(TlsRole.ROUTER, TlsRole.SHARD_SERVER));
      HttpResponse<String> anonymous =
          tlsClient(trust)
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).as("%s without the scrape token", url).isEqualTo(401);
      HttpResponse<String> scraped =
          tlsClient(trust)
              .send(
                  HttpRequest.newBuilder(URI.create(url))
                      .header("Authorization", "Bearer " + token)
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(scraped.statusCode()).as("%s with the scrape token", url).isEqualTo(200);
      assertThat(scraped.body()).as(url).contains("http_server_requests_seconds");
    }
  }

  @Test
  @Order(4)
  void forceDeletingThePrimaryUnderWritesFailsOverAndLosesNoAcknowledgedWrite() throws Exception {
    ShardStatus before = status().shard("sh1").orElseThrow();
    try (Writer writer = new Writer(100, 4000)) {
      writer.awaitAcknowledged(20);

      client.pods().inNamespace(dbNs).withName(before.primary()).withGracePeriod(0).delete();

      // Either another replica is promoted, or the StatefulSet's replacement (same volume, new
      // address) is re-announced: both move the shard to a higher epoch that every replica follows.
      awaitShardReadyAbove(before, before.primary() + " (was primary) was force-deleted");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(shardEvents("sh1", "FailoverCompleted", "PrimaryReannounced"))
                      .as("why sh1 left epoch %d", before.epochOrZero())
                      .isNotEmpty());
      System.out.println(
          "step 4: " + shardEvents("sh1", "FailoverCompleted", "PrimaryReannounced"));
      writer.awaitMoreAcknowledged();
    }
  }

  @Test
  @Order(5)
  void aSecondaryLosingItsPodAndVolumeIsCopiedAgainWithTheSameChecksumAsThePrimary()
      throws Exception {
    ShardStatus sh1 = status().shard("sh1").orElseThrow();
    String secondary =
        sh1.replicasOrEmpty().stream()
            .map(r -> r.pod())
            .filter(p -> !p.equals(sh1.primary()))
            .findFirst()
            .orElseThrow();
    String claim = "data-" + secondary;
    String oldClaim =
        client
            .persistentVolumeClaims()
            .inNamespace(dbNs)
            .withName(claim)
            .get()
            .getMetadata()
            .getUid();

    // The claim is held by the pod (pvc-protection) until the pod is gone; then the StatefulSet
    // recreates the pod with a new, empty claim.
    client.persistentVolumeClaims().inNamespace(dbNs).withName(claim).delete();
    client.pods().inNamespace(dbNs).withName(secondary).withGracePeriod(0).delete();
    await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(3))
        .untilAsserted(
            () -> {
              var pvc = client.persistentVolumeClaims().inNamespace(dbNs).withName(claim).get();
              Pod pod = client.pods().inNamespace(dbNs).withName(secondary).get();
              boolean claimGoing =
                  pvc == null
                      || (oldClaim.equals(pvc.getMetadata().getUid())
                          && pvc.getMetadata().getDeletionTimestamp() != null);
              if (claimGoing && pod != null && "Pending".equals(pod.getStatus().getPhase())) {
                // Recreated while the old claim was still terminating: it waits for a claim
                // that will never come back. Deleting it again makes the StatefulSet create both.
                client.pods().inNamespace(dbNs).withName(secondary).withGracePeriod(0).delete();
              }
              assertThat(pvc).as("claim %s recreated", claim).isNotNull();
              assertThat(pvc.getMetadata().getUid()).isNotEqualTo(oldClaim);
              assertThat(pvc.getStatus().getPhase()).isEqualTo("Bound");
            });

    await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(3))
        .untilAsserted(
            () -> {
              ShardedDatabaseStatus now = status();
              ShardStatus s = now.shard("sh1").orElseThrow();
              assertThat(s.readyReplicas()).as("sh1 ready replicas; status %s", now).isEqualTo(3);
              assertThat(isReady(now)).as("Ready; status %s", now).isTrue();
            });
    awaitSameChecksumAsPrimary("sh1", secondary);
  }

  /**
   * Awaits the re-copied replica {@code pod} of {@code shard} at the primary's log position with
   * its {@code /checksum} (rows, digest) equal to the primary's.
   */
  private void awaitSameChecksumAsPrimary(String shard, String pod) {
    ShardStatus after = status().shard(shard).orElseThrow();
    String primaryUrl = after.replica(after.primary()).orElseThrow().url();
    String copyUrl = after.replica(pod).orElseThrow().url();
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              JsonNode primary = get(primaryUrl + "/checksum");
              JsonNode copy = get(copyUrl + "/checksum");
              assertThat(primary.path("rows").asLong()).isPositive();
              assertThat(copy.path("appliedLsn").asLong())
                  .isEqualTo(primary.path("appliedLsn").asLong());
              assertThat(copy.path("rows").asLong()).isEqualTo(primary.path("rows").asLong());
              assertThat(copy.path("digest").asText())
                  .as("checksum of the re-copied %s vs the primary", pod)
                  .isEqualTo(primary.path("digest").asText());
            });
  }

  /**
   * {@code kubectl sdb destroy} on the real cluster: refused for the primary (nothing deleted),
   * then a secondary of sh2 with its volume: the command returns once the pod is back on a new
   * claim, copied from the primary, and its checksum equals the primary's.
   */
  @Test
  @Order(6)
  void kubectlSdbDestroyOfASecondaryRecopiesItOntoANewVolumeWithThePrimarysChecksum()
      throws Exception {
    await().atMost(READY).pollInterval(Duration.ofSeconds(2)).until(() -> isReady(status()));
    ShardStatus sh2 = status().shard("sh2").orElseThrow();
    String primaryUid =
        client.pods().inNamespace(dbNs).withName(sh2.primary()).get().getMetadata().getUid();
    Sdb refused = sdb("destroy", DB, sh2.primary());
    assertThat(refused.code()).as(refused.toString()).isEqualTo(4);
    assertThat(refused.err()).contains("destroy refused, nothing deleted");
    assertThat(client.pods().inNamespace(dbNs).withName(sh2.primary()).get().getMetadata().getUid())
        .isEqualTo(primaryUid);

    String secondary =
        sh2.replicasOrEmpty().stream()
            .map(r -> r.pod())
            .filter(p -> !p.equals(sh2.primary()))
            .sorted()
            .findFirst()
            .orElseThrow();
    String claim = "data-" + secondary;
    String oldClaim =
        client
            .persistentVolumeClaims()
            .inNamespace(dbNs)
            .withName(claim)
            .get()
            .getMetadata()
            .getUid();
    String oldPod =
        client.pods().inNamespace(dbNs).withName(secondary).get().getMetadata().getUid();
    long started = System.nanoTime();
    Sdb destroyed = sdb("destroy", DB, secondary, "--timeout", "5m");
    assertThat(destroyed.code()).as(destroyed.toString()).isZero();
    assertThat(destroyed.out())
        .contains("deleting pod " + secondary + " and its claims " + claim)
        .contains(secondary + " is back with a fresh volume");
    var pvc = client.persistentVolumeClaims().inNamespace(dbNs).withName(claim).get();
    assertThat(pvc.getMetadata().getUid()).as("claim %s", claim).isNotEqualTo(oldClaim);
    assertThat(pvc.getStatus().getPhase()).isEqualTo("Bound");
    assertThat(client.pods().inNamespace(dbNs).withName(secondary).get().getMetadata().getUid())
        .isNotEqualTo(oldPod);
    assertThat(status().shard("sh2").orElseThrow().replica(secondary).orElseThrow().ready())
        .isTrue();
    awaitSameChecksumAsPrimary("sh2", secondary);
    System.out.printf(
        "step 6: kubectl sdb destroy %s %s took %d s: %s%n",
        DB,
        secondary,
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        destroyed.out().strip().replace('\n', ' '));
  }

  /** What an in-process {@code kubectl sdb} printed and its exit code. */
  private record Sdb(int code, String out, String err) {}

  /**
   * {@code kubectl sdb ARGS} against this cluster and the databases' namespace, run as the plugin's
   * main runs it ({@link KubectlSdb#commandLine()}) in this JVM.
   */
  private Sdb sdb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", kubeconfig.toString(), "-n", dbNs));
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code =
        KubectlSdb.commandLine()
            .setOut(new java.io.PrintWriter(out, true))
            .setErr(new java.io.PrintWriter(err, true))
            .execute(all.toArray(String[]::new));
    System.out.printf("kubectl sdb %s -> %d%n", String.join(" ", args), code);
    return new Sdb(code, out.toString(), err.toString());
  }

  @Test
  @Order(7)
  void killingThePrimarysShardServerInPlaceLosesNoAcknowledgedWrite() throws Exception {
    ShardStatus before = status().shard("sh1").orElseThrow();
    Pod primary = client.pods().inNamespace(dbNs).withName(before.primary()).get();
    ContainerStatus server = shardServer(primary);
    String containerId = server.getContainerID().replaceFirst("^containerd://", "");
    int restarts = server.getRestartCount();
    try (Writer writer = new Writer(5000, 8000)) {
      writer.awaitAcknowledged(20);

      // The pod stays; only its shard-server process dies, as an OOM kill or a crash would.
      run(
          Duration.ofSeconds(30),
          "ctr",
          "--address",
          containerd,
          "-n",
          "k8s.io",
          "tasks",
          "kill",
          "-s",
          "SIGKILL",
          containerId);

      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(
              () ->
                  assertThat(
                          shardServer(
                                  client.pods().inNamespace(dbNs).withName(before.primary()).get())
                              .getRestartCount())
                      .as("restarts of %s's shard-server", before.primary())
                      .isGreaterThan(restarts));
      // Failed over, or the same primary back at the same epoch: either way Ready with writes.
      await()
          .atMost(READY)
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(
              () -> {
                ShardedDatabaseStatus now = status();
                assertThat(now.shard("sh1").orElseThrow().readyReplicas())
                    .as("sh1 ready replicas; status %s", now)
                    .isEqualTo(3);
                assertThat(isReady(now)).as("Ready; status %s", now).isTrue();
              });
      writer.awaitMoreAcknowledged();
    }
    System.out.printf(
        "step 7: sh1 epoch %d -> %d, primary %s -> %s%n",
        before.epochOrZero(),
        status().shard("sh1").orElseThrow().epochOrZero(),
        before.primary(),
        status().shard("sh1").orElseThrow().primary());
  }

  /**
   * The requests `kubectl-sdb promote` and `kubectl-sdb rebuild` make (annotations on the resource,
   * as the CLI sets them) carried out by the operator on a real API server and kubelet: a planned
   * switch-over to a secondary under writes loses no acknowledged write, and a rebuild of the old
   * primary ends with its checksum equal to the new primary's.
   */
  @Test
  @Order(8)
  void aPromoteAndARebuildRequestedOnTheResourceAreCarriedOutUnderWrites() throws Exception {
    await().atMost(READY).pollInterval(Duration.ofSeconds(2)).until(() -> isReady(status()));
    ShardStatus before = status().shard("sh1").orElseThrow();
    String target =
        before.replicasOrEmpty().stream()
            .map(r -> r.pod())
            .filter(p -> !p.equals(before.primary()))
            .sorted()
            .findFirst()
            .orElseThrow();
    try (Writer writer = new Writer(4000, 5000)) {
      writer.awaitAcknowledged(20);
      annotate(RequestStatus.Type.Promote.annotation(), "sh1=" + target);
      RequestStatus promoted = awaitRequest(RequestStatus.Type.Promote, "sh1=" + target);
      assertThat(promoted.outcome()).as("promote: %s", promoted).isEqualTo(Outcome.Succeeded);
      ShardStatus after = status().shard("sh1").orElseThrow();
      assertThat(after.primary()).isEqualTo(target);
      assertThat(after.epochOrZero()).isGreaterThan(before.epochOrZero());
      assertThat(shardEvents("sh1", "PrimarySwitchedOver")).isNotEmpty();
      writer.awaitMoreAcknowledged();
    }
    String old = before.primary();
    annotate(RequestStatus.Type.Rebuild.annotation(), old);
    RequestStatus rebuilt = awaitRequest(RequestStatus.Type.Rebuild, old);
    assertThat(rebuilt.outcome()).as("rebuild: %s", rebuilt).isEqualTo(Outcome.Succeeded);
    ShardStatus now = status().shard("sh1").orElseThrow();
    JsonNode primary = get(now.replica(now.primary()).orElseThrow().url() + "/checksum");
    JsonNode copy = get(now.replica(old).orElseThrow().url() + "/checksum");
    assertThat(copy.path("digest").asText())
        .as("checksum of the rebuilt %s vs the primary", old)
        .isEqualTo(primary.path("digest").asText());
    System.out.printf(
        "step 8: sh1 primary %s -> %s (epoch %d -> %d), %s rebuilt: %s%n",
        before.primary(), target, before.epochOrZero(), now.epochOrZero(), old, rebuilt.message());
  }

  @Test
  @Order(9)
  void splittingAShardUnderWritesAndMergingItBackMovesTheRowsAndLosesNone() throws Exception {
    await().atMost(READY).pollInterval(Duration.ofSeconds(2)).until(() -> isReady(status()));
    try (Writer writer = new Writer(11000, 14000)) {
      writer.awaitAcknowledged(20);
      reshape(
          "[{\"id\":\"sh1\",\"low\":0,\"size\":8192},"
              + "{\"id\":\"sh2\",\"low\":8192,\"size\":4096},"
              + "{\"id\":\"sh3\",\"low\":12288,\"size\":4096}]");
      MoveStatus split = awaitMove("sh2", "sh3");
      assertThat(split.phase()).as("split: %s", split).isEqualTo(MovePhase.Done);
      writer.awaitMoreAcknowledged();
      // sh3 stores exactly the rows of [12288, 16384); sh2 kept none of them.
      JsonNode moved = router("/read", "{\"Stud_id\":{\"low\":12288,\"high\":16383}}");
      assertThat(checksumRows("sh3")).isEqualTo(moved.path("data").size());
      System.out.printf(
          "step 9: split sh2 at 12288: %d rows moved, write pause %d ms%n",
          split.rowsCopied(), split.pauseMillis());
    }
    reshape(
        "[{\"id\":\"sh1\",\"low\":0,\"size\":8192},"
            + "{\"id\":\"sh2\",\"low\":8192,\"size\":8192}]");
    MoveStatus merge = awaitMove("sh3", "sh2");
    assertThat(merge.phase()).as("merge: %s", merge).isEqualTo(MovePhase.Done);
    await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> isReady(status()) && status().shard("sh3").isEmpty());
    JsonNode all = router("/read", "{\"Stud_id\":{\"low\":8192,\"high\":16383}}");
    assertThat(checksumRows("sh2")).isEqualTo(all.path("data").size());
    System.out.printf(
        "step 9: merged sh3 back into sh2: %d rows moved, write pause %d ms%n",
        merge.rowsCopied(), merge.pauseMillis());
  }

  private void reshape(String shards) {
    client
        .resources(ShardedDatabase.class)
        .inNamespace(dbNs)
        .withName(DB)
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/spec/shards\",\"value\":" + shards + "}]");
  }

  /** The finished move from {@code source} to {@code destination}, once no move is in flight. */
  private MoveStatus awaitMove(String source, String destination) {
    return await()
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              var resharding = status().reshardingOrEmpty();
              if (resharding.inFlight().isPresent()) {
                return null;
              }
              List<MoveStatus> moves = resharding.movesOrEmpty();
              MoveStatus last = moves.isEmpty() ? null : moves.get(moves.size() - 1);
              return last != null
                      && source.equals(last.source())
                      && destination.equals(last.destination())
                  ? last
                  : null;
            },
            java.util.Objects::nonNull);
  }

  private long checksumRows(String shard) throws Exception {
    ShardStatus s = status().shard(shard).orElseThrow();
    return get(s.replica(s.primary()).orElseThrow().url() + "/checksum").path("rows").asLong();
  }

  /**
   * As {@code kubectl annotate} does it: a merge patch of the one annotation, with no
   * resourceVersion, so the operator's own concurrent writes (it clears handled requests) cause no
   * conflict.
   */
  private void annotate(String key, String value) throws Exception {
    String patch =
        JSON.writeValueAsString(
            java.util.Map.of(
                "metadata", java.util.Map.of("annotations", java.util.Map.of(key, value))));
    client
        .resources(ShardedDatabase.class)
        .inNamespace(dbNs)
        .withName(DB)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  /** The request's final outcome in status.requests (not InProgress). */
  private RequestStatus awaitRequest(RequestStatus.Type type, String request) {
    return await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                status().requestsOrEmpty().stream()
                    .filter(r -> r.type() == type && request.equals(r.request()))
                    .filter(r -> r.outcome() != Outcome.InProgress)
                    .findFirst()
                    .orElse(null),
            java.util.Objects::nonNull);
  }

  @Test
  @Order(10)
  void aTemplateChangeRollsEveryShardPodWithPlannedSwitchOversAndNoFailover() throws Exception {
    await().atMost(READY).pollInterval(Duration.ofSeconds(2)).until(() -> isReady(status()));
    List<String> failoversBefore = new ArrayList<>(shardEvents("sh1", "FailoverCompleted"));
    failoversBefore.addAll(shardEvents("sh2", "FailoverCompleted"));
    try (Writer writer = new Writer(14500, 16000)) {
      writer.awaitAcknowledged(20);
      kubectl(
          "-n",
          dbNs,
          "patch",
          "shardeddatabase",
          DB,
          "--type",
          "json",
          "-p",
          "[{\"op\":\"add\",\"path\":\"/spec/resources\","
              + "\"value\":{\"mysql\":{\"requests\":{\"cpu\":\"60m\"}}}}]");
      await()
          .atMost(Duration.ofMinutes(12))
          .pollInterval(Duration.ofSeconds(3))
          .until(() -> rolledOnto(DB + "-sh1") && rolledOnto(DB + "-sh2") && isReady(status()));
      writer.awaitMoreAcknowledged();
    }
    List<String> failoversAfter = new ArrayList<>(shardEvents("sh1", "FailoverCompleted"));
    failoversAfter.addAll(shardEvents("sh2", "FailoverCompleted"));
    assertThat(failoversAfter).as("no failover during the roll").hasSameSizeAs(failoversBefore);
    assertThat(shardEvents("sh1", "PrimarySwitchedOver")).isNotEmpty();
    assertThat(shardEvents("sh2", "PrimarySwitchedOver")).isNotEmpty();
    System.out.printf(
        "step 10: template change rolled sh1 and sh2 (%s), no failover%n",
        client.v1().events().inNamespace(dbNs).list().getItems().stream()
                .filter(e -> "PodRolled".equals(e.getReason()))
                .count()
            + " PodRolled Events");
  }

  @Test
  @Order(11)
  void aLargerStorageSizeOnAClassThatCannotExpandRebuildsEveryPodWithAPromoteAndNoFailover()
      throws Exception {
    // The tier's StorageClass `local` (no provisioner) has no allowVolumeExpansion: the operator
    // rebuilds the pods onto new claims one at a time, the primary last after a planned
    // switch-over. Its hostPath volumes are 5Gi, so the 2Gi claims bind.
    await().atMost(READY).pollInterval(Duration.ofSeconds(2)).until(() -> isReady(status()));
    List<String> failoversBefore = new ArrayList<>(shardEvents("sh1", "FailoverCompleted"));
    failoversBefore.addAll(shardEvents("sh2", "FailoverCompleted"));
    int switchOversBefore =
        shardEvents("sh1", "PrimarySwitchedOver").size()
            + shardEvents("sh2", "PrimarySwitchedOver").size();
    Map<String, String> claimsBefore = new java.util.HashMap<>();
    for (String shard : List.of("sh1", "sh2")) {
      for (int i = 0; i < 3; i++) {
        String claim = "data-" + DB + "-" + shard + "-" + i;
        claimsBefore.put(
            claim,
            client
                .persistentVolumeClaims()
                .inNamespace(dbNs)
                .withName(claim)
                .get()
                .getMetadata()
                .getUid());
      }
    }
    // Keys no earlier step wrote: 8000-8191 are sh1's (one write every 6 s lasts 19 minutes),
    // 8200-10999 sh2's (every 400 ms, 18 minutes).
    try (Writer writer = new Writer(8200, 11000, Duration.ofMillis(400));
        Writer sh1Writer = new Writer(8000, 8192, Duration.ofSeconds(6))) {
      writer.awaitAcknowledged(20);
      sh1Writer.awaitAcknowledged(2);
      kubectl(
          "-n",
          dbNs,
          "patch",
          "shardeddatabase",
          DB,
          "--type",
          "merge",
          "-p",
          "{\"spec\":{\"storage\":{\"size\":\"2Gi\"}}}");
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(
              () ->
                  assertThat(status().condition("StorageResizing"))
                      .as("StorageResizing; status %s", status())
                      .hasValueSatisfying(
                          c -> assertThat(c.getReason()).isEqualTo("RollingRebuild")));
      await()
          .atMost(Duration.ofMinutes(20))
          .pollInterval(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                ShardedDatabaseStatus now = status();
                assertThat(now.condition("StorageResizing"))
                    .as("StorageResizing; status %s", now)
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("Reconciled");
                        });
                assertThat(isReady(now)).as("Ready; status %s", now).isTrue();
                // The last rebuilt pod (each shard's old primary) copied in and caught up.
                for (String shard : List.of("sh1", "sh2")) {
                  assertThat(now.shard(shard).orElseThrow().readyReplicas())
                      .as("%s ready replicas; status %s", shard, now)
                      .isEqualTo(3);
                }
              });
      writer.awaitMoreAcknowledged();
      sh1Writer.awaitMoreAcknowledged();
    }
    for (Map.Entry<String, String> e : claimsBefore.entrySet()) {
      var pvc = client.persistentVolumeClaims().inNamespace(dbNs).withName(e.getKey()).get();
      assertThat(pvc).as("claim %s", e.getKey()).isNotNull();
      assertThat(pvc.getMetadata().getUid())
          .as("claim %s replaced", e.getKey())
          .isNotEqualTo(e.getValue());
      assertThat(pvc.getSpec().getResources().getRequests().get("storage"))
          .as("claim %s size", e.getKey())
          .isEqualTo(new Quantity("2Gi"));
      assertThat(pvc.getStatus().getPhase()).isEqualTo("Bound");
    }
    assertThat(status().applied().storageSize()).isEqualTo("2Gi");
    List<String> failoversAfter = new ArrayList<>(shardEvents("sh1", "FailoverCompleted"));
    failoversAfter.addAll(shardEvents("sh2", "FailoverCompleted"));
    assertThat(failoversAfter)
        .as("no failover during the rolling rebuild")
        .hasSameSizeAs(failoversBefore);
    assertThat(
            shardEvents("sh1", "PrimarySwitchedOver").size()
                + shardEvents("sh2", "PrimarySwitchedOver").size())
        .as("a planned switch-over (promote) in each shard")
        .isGreaterThanOrEqualTo(switchOversBefore + 2);
    List<String> rebuilt = new ArrayList<>(shardEvents("sh1", "VolumeRebuildStarted"));
    rebuilt.addAll(shardEvents("sh2", "VolumeRebuildStarted"));
    assertThat(rebuilt).as("VolumeRebuildStarted Events").hasSizeGreaterThanOrEqualTo(6);
    // Each rebuilt replica holds what its primary holds.
    for (String shard : List.of("sh1", "sh2")) {
      ShardStatus s = status().shard(shard).orElseThrow();
      JsonNode primary = get(s.replica(s.primary()).orElseThrow().url() + "/checksum");
      for (var r : s.replicasOrEmpty()) {
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(2))
            .untilAsserted(
                () -> {
                  JsonNode p = get(s.replica(s.primary()).orElseThrow().url() + "/checksum");
                  JsonNode copy = get(r.url() + "/checksum");
                  assertThat(copy.path("appliedLsn").asLong())
                      .isEqualTo(p.path("appliedLsn").asLong());
                  assertThat(copy.path("digest").asText())
                      .as("checksum of rebuilt %s vs its primary", r.pod())
                      .isEqualTo(p.path("digest").asText());
                });
      }
      assertThat(primary.path("rows").asLong()).isPositive();
    }
    System.out.printf(
        "step 11: storage 1Gi -> 2Gi by a rolling rebuild (%d VolumeRebuildStarted Events), no"
            + " failover%n",
        rebuilt.size());
  }

  /** Whether every pod of the StatefulSet carries its update revision and is ready. */
  private boolean rolledOnto(String statefulSet) {
    var sts = client.apps().statefulSets().inNamespace(dbNs).withName(statefulSet).get();
    String revision =
        sts == null || sts.getStatus() == null ? null : sts.getStatus().getUpdateRevision();
    List<Pod> pods =
        client.pods().inNamespace(dbNs).list().getItems().stream()
            .filter(p -> p.getMetadata().getName().startsWith(statefulSet + "-"))
            .toList();
    return revision != null
        && !pods.isEmpty()
        && pods.stream()
            .allMatch(
                p ->
                    revision.equals(p.getMetadata().getLabels().get("controller-revision-hash"))
                        && p.getMetadata().getDeletionTimestamp() == null
                        && p.getStatus() != null
                        && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream()
                            .anyMatch(
                                c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
  }

  @Test
  @Order(12)
  void anEditedMysqlPasswordIsAppliedUnderWritesWithoutRestartsAndARecreatedPodLogsIn()
      throws Exception {
    // docs/security.md, "MySQL password rotation": the new password in 'password', the one before
    // in 'previous-password', one edit of the Secret.
    String secret = DB + "-mysql";
    Map<String, String> data = client.secrets().inNamespace(dbNs).withName(secret).get().getData();
    String user = decode(data.get("username"));
    String old = decode(data.get("password"));
    String next = "rotated-" + UUID.randomUUID();
    Map<String, Integer> mysqlRestarts = mysqlRestarts();
    // Keys no other step writes (the shards own [0, 16384)).
    try (Writer writer = new Writer(14_000, 14_500)) {
      writer.awaitAcknowledged(5);
      client
          .secrets()
          .inNamespace(dbNs)
          .withName(secret)
          .edit(
              s -> {
                s.getData().put("previous-password", encode(old));
                s.getData().put("password", encode(next));
                return s;
              });
      long editedAt = System.nanoTime();
      // The kubelet updates the mounted files within its sync period; each shard-server then
      // changes its MySQL user's password: every shard pod's MySQL takes the new one only.
      List<String> pods = shardPods();
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                for (String pod : pods) {
                  assertThat(mysqlLogsIn(pod, user, next))
                      .as(pod + " with the new password")
                      .isTrue();
                  assertThat(mysqlLogsIn(pod, user, old)).as(pod + " with the old one").isFalse();
                }
              });
      System.out.printf(
          "step 12: %d shard pods took the new MySQL password %d s after the edit%n",
          pods.size(), Duration.ofNanos(System.nanoTime() - editedAt).toSeconds());
      writer.awaitMoreAcknowledged();
    }
    assertThat(mysqlRestarts())
        .as("no mysql container restarted: its probes log in with the mounted password")
        .isEqualTo(mysqlRestarts);

    // A pod created after the edit logs in with the new password (the MySQL image initialises
    // nothing on an existing volume).
    ShardStatus sh2 = status().shard("sh2").orElseThrow();
    String secondary =
        sh2.replicasOrEmpty().stream()
            .map(r -> r.pod())
            .filter(p -> !p.equals(sh2.primary()))
            .findFirst()
            .orElseThrow();
    String uid = client.pods().inNamespace(dbNs).withName(secondary).get().getMetadata().getUid();
    client.pods().inNamespace(dbNs).withName(secondary).delete();
    await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              Pod p = client.pods().inNamespace(dbNs).withName(secondary).get();
              return p != null
                  && !uid.equals(p.getMetadata().getUid())
                  && p.getStatus().getConditions().stream()
                      .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                  && isReady(status())
                  && status().shard("sh2").orElseThrow().readyReplicas() == 3;
            });
    assertThat(mysqlLogsIn(secondary, user, next)).isTrue();
  }

  private Map<String, Integer> mysqlRestarts() {
    Map<String, Integer> out = new TreeMap<>();
    for (String pod : shardPods()) {
      client
          .pods()
          .inNamespace(dbNs)
          .withName(pod)
          .get()
          .getStatus()
          .getContainerStatuses()
          .stream()
          .filter(c -> c.getName().equals("mysql"))
          .forEach(c -> out.put(pod, c.getRestartCount()));
    }
    return out;
  }

  private List<String> shardPods() {
    return client
        .pods()
        .inNamespace(dbNs)
        .withLabel("app.kubernetes.io/instance", DB)
        .list()
        .getItems()
        .stream()
        .filter(
            p -> p.getSpec().getContainers().stream().anyMatch(c -> c.getName().equals("mysql")))
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  /**
   * Whether the pod's MySQL takes {@code user} with {@code password} (a query in its container).
   */
  private boolean mysqlLogsIn(String pod, String user, String password) throws Exception {
    Process p =
        new ProcessBuilder(
                "kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                dbNs,
                "exec",
                pod,
                "-c",
                "mysql",
                "--",
                "env",
                "MYSQL_PWD=" + password,
                "sh",
                "-c",
                "\"$(command -v mysql || command -v mariadb)\" --protocol=TCP -h 127.0.0.1 -u "
                    + user
                    + " -e 'SELECT 1'")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("kubectl exec into " + pod + " did not end");
    }
    if (p.exitValue() != 0 && !out.contains("Access denied")) {
      throw new IllegalStateException("cannot ask " + pod + "'s MySQL: " + out);
    }
    return p.exitValue() == 0;
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @Order(13)
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
                .inNamespace(dbNs)
                .list()
                .getItems())
        // one per shard and the routers' own
        .hasSize(3);
  }

  @Test
  @Order(14)
  void theOperatorNeverRestartedAndNoReconcileFailedWithAConflict() {
    assertOperatorHealthy();
    // For the record (step 7 restarts one shard-server on purpose): which containers restarted,
    // and why, so that a restart nobody caused shows up in the run's output.
    for (Pod p : client.pods().inNamespace(dbNs).list().getItems()) {
      for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
        if (c.getRestartCount() > 0) {
          System.out.printf(
              "restarts: %s/%s %d, last %s%n",
              p.getMetadata().getName(),
              c.getName(),
              c.getRestartCount(),
              c.getLastState() == null ? null : c.getLastState().getTerminated());
        }
      }
    }
  }

  @Test
  @Order(15)
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
  @Order(16)
  void aHelmUpgradeWithAChangedValueRollsTheOperator() throws Exception {
    // On a node whose CPU requests are full (as after a split left a third shard, 2026-11-23) a
    // rollout that surges a second operator pod never finishes: the surge pod stays Pending and
    // helm's --wait ends in "context deadline exceeded". Fill the node so the upgrade must work
    // without that room.
    long free = freeCpuMillis();
    String filler = "e2e-cpu-filler";
    if (free > 0) {
      client
          .pods()
          .inNamespace(dbNs)
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(filler)
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("pause")
                  .withImage("shardeddb.local/pause:3.2")
                  .withImagePullPolicy("Never")
                  .withNewResources()
                  .addToRequests("cpu", new Quantity(free + "m"))
                  .endResources()
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
    }
    // The CRD as an older chart left it (another version label): the upgrade must apply the
    // chart's CRD again, as it applies the Deployment (templates/crds.yaml).
    String crdName = "shardeddatabases.shardeddb.io";
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crdName)
        .edit(
            c -> {
              c.getMetadata().getLabels().put("app.kubernetes.io/version", "0.0.0-e2e-older");
              return c;
            });
    try {
      System.out.println("step 16: node CPU filled with a " + free + "m pod before the upgrade");
      new Helm(chartArchive(VERSION))
          .upgrade()
          .withName(RELEASE)
          .withNamespace(OPERATOR_NS)
          .withKubeConfig(kubeconfig)
          .set("images.mysql.repository", "shardeddb.local/mariadb")
          .set("images.mysql.tag", "10.11")
          .set("watchNamespaces[0]", dbNs)
          .set("podAnnotations.e2e/upgraded", "yes")
          .waitReady()
          .withTimeout(300)
          .call();
    } finally {
      client.pods().inNamespace(dbNs).withName(filler).withGracePeriod(0).delete();
    }

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
    var crd = client.apiextensions().v1().customResourceDefinitions().withName(crdName).get();
    assertThat(crd.getMetadata().getLabels())
        .as("the CRD's labels after helm upgrade")
        .containsEntry("app.kubernetes.io/version", VERSION);
    assertThat(crd.getMetadata().getAnnotations())
        .containsEntry("helm.sh/resource-policy", "keep")
        .containsEntry("meta.helm.sh/release-name", RELEASE);
  }

  private void assertOperatorHealthy() {
    Pod operator = operatorPod();
    assertThat(operator.getStatus().getContainerStatuses())
        .allSatisfy(s -> assertThat(s.getRestartCount()).as("operator restarts").isZero());
    String log =
        client.pods().inNamespace(OPERATOR_NS).withName(operator.getMetadata().getName()).getLog();
    assertThat(log).doesNotContain("the object has been modified").doesNotContain("code=409");
  }

  /** The node's allocatable CPU minus what its live pods request, in millicores. */
  private long freeCpuMillis() {
    var node = client.nodes().list().getItems().get(0);
    long allocatable = millis(node.getStatus().getAllocatable().get("cpu"));
    long requested =
        client.pods().inAnyNamespace().list().getItems().stream()
            .filter(p -> node.getMetadata().getName().equals(p.getSpec().getNodeName()))
            .filter(p -> !Set.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
            .flatMap(p -> p.getSpec().getContainers().stream())
            .filter(c -> c.getResources() != null && c.getResources().getRequests() != null)
            .mapToLong(c -> millis(c.getResources().getRequests().get("cpu")))
            .sum();
    return allocatable - requested;
  }

  private static long millis(Quantity q) {
    return q == null
        ? 0
        : Quantity.getAmountInBytes(q).multiply(java.math.BigDecimal.valueOf(1000)).longValue();
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

  /**
   * {@code helm upgrade} to the next version, as a platform team would take a new release: the
   * chart packaged again at the next version (version and appVersion), the images tagged with it
   * (in containerd, as a registry would hold them), no image value set. Under writes the operator
   * moves to the new image and rolls every router and shard pod onto the new tags; the CRDs carry
   * the new chart's version; no acknowledged write is lost.
   */
  @Test
  @Order(17)
  void aHelmUpgradeToTheNextVersionRollsTheDataPlaneAndTheCrdUnderWrites() throws Exception {
    await().atMost(READY).pollInterval(Duration.ofSeconds(2)).until(() -> isReady(status()));
    String next = nextVersion(VERSION);
    tagImages(VERSION, next);
    Path archive = chartArchive(next);
    long started = System.nanoTime();
    // Keys 2000-3999 are sh1's and no other step reaches them (step 4's writer starts at 100 and
    // lasts a minute); 2.5 writes a second last over 13 minutes.
    try (Writer writer = new Writer(2000, 4000, Duration.ofMillis(400))) {
      writer.awaitAcknowledged(10);
      Release release =
          new Helm(archive)
              .upgrade()
              .withName(RELEASE)
              .withNamespace(OPERATOR_NS)
              .withKubeConfig(kubeconfig)
              .set("images.mysql.repository", "shardeddb.local/mariadb")
              .set("images.mysql.tag", "10.11")
              .set("watchNamespaces[0]", dbNs)
              .waitReady()
              .withTimeout(300)
              .call();
      assertThat(release.getChart()).isEqualTo("shardeddb-operator-" + next);
      assertThat(release.getAppVersion()).isEqualTo(next);
      await()
          .atMost(Duration.ofMinutes(12))
          .pollInterval(Duration.ofSeconds(3))
          .untilAsserted(
              () -> {
                Map<String, String> images = componentImages(DB);
                assertThat(images)
                    .as("router and shard-server images")
                    .hasSize(7)
                    .allSatisfy((c, image) -> assertThat(image).endsWith(":" + next));
                ShardedDatabaseStatus now = status();
                assertThat(isReady(now)).as("Ready; status %s", now).isTrue();
                assertThat(now.shardsOrEmpty())
                    .allSatisfy(s -> assertThat(s.readyReplicas()).isEqualTo(3));
              });
      writer.awaitMoreAcknowledged();
    }
    assertOperatorDeploysImagesAt(next);
    for (String crd :
        List.of("shardeddatabases.shardeddb.io", "shardeddatabasebackups.shardeddb.io")) {
      var labels =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(crd)
              .get()
              .getMetadata()
              .getLabels();
      assertThat(labels)
          .as("%s's labels after the upgrade to %s", crd, next)
          .containsEntry("app.kubernetes.io/version", next)
          .containsEntry("helm.sh/chart", "shardeddb-operator-" + next);
    }
    System.out.printf(
        "step 17: helm upgrade %s -> %s rolled %s in %d s (%d PodRolled Events in all)%n",
        VERSION,
        next,
        componentImages(DB).keySet(),
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        client.v1().events().inNamespace(dbNs).list().getItems().stream()
            .filter(e -> "PodRolled".equals(e.getReason()))
            .count());
  }

  /** The next patch release after {@code version} (0.1.0 -> 0.1.1; 0.2.0-rc.1 -> 0.2.1). */
  static String nextVersion(String version) {
    String[] core = version.split("[-+]", 2)[0].split("\\.");
    return core[0] + "." + core[1] + "." + (Integer.parseInt(core[2]) + 1);
  }

  /**
   * Tags the loaded operator, router and shard-server images {@code from} with {@code to} too, in
   * the node's containerd (the pods use no registry: the kubelet finds them there).
   */
  private void tagImages(String from, String to) throws Exception {
    String refs =
        run(
            Duration.ofSeconds(30),
            "ctr",
            "--address",
            containerd,
            "-n",
            "k8s.io",
            "images",
            "ls",
            "-q");
    for (String name : List.of("operator", "router", "shard-server")) {
      String source =
          refs.lines()
              .filter(r -> r.endsWith("shardeddb/" + name + ":" + from))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no image shardeddb/" + name + ":" + from));
      String target = source.substring(0, source.length() - from.length()) + to;
      run(
          Duration.ofSeconds(30),
          "ctr",
          "--address",
          containerd,
          "-n",
          "k8s.io",
          "images",
          "tag",
          "--force",
          source,
          target);
    }
  }

  /**
   * {@code kubectl sdb report} of the database on the real cluster: the bundle holds the database's
   * events (those the API server lists for it before the report) and the log of every container of
   * its pods (a line each container logged before the report), and the operator's log; nothing is
   * missing (README.txt).
   */
  @Test
  @Order(18)
  void kubectlSdbReportOfTheDatabaseHoldsItsEventsAndPodLogs() throws Exception {
    List<io.fabric8.kubernetes.api.model.Event> events =
        client.v1().events().inNamespace(dbNs).list().getItems().stream()
            .filter(e -> DB.equals(e.getInvolvedObject().getName()))
            .toList();
    assertThat(events).as("the database's events").isNotEmpty();
    List<Pod> pods =
        client
            .pods()
            .inNamespace(dbNs)
            .withLabel("app.kubernetes.io/instance", DB)
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    assertThat(pods).hasSize(7);
    Map<String, String> logged = new TreeMap<>();
    for (Pod p : pods) {
      for (var c : p.getSpec().getContainers()) {
        String log =
            client
                .pods()
                .inNamespace(dbNs)
                .withName(p.getMetadata().getName())
                .inContainer(c.getName())
                .sinceSeconds(1800)
                .tailingLines(5)
                .getLog();
        String line = log.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
        logged.put("pods/" + p.getMetadata().getName() + "/" + c.getName() + ".log", line);
      }
    }
    // Each pod started in step 17's roll and logged since; the report takes the last hour's.
    logged.forEach(
        (file, line) -> {
          if (!file.endsWith("/mysql.log")) {
            assertThat(line).as("last line of %s", file).isNotBlank();
          }
        });
    Path bundle = repo.resolve("e2e/target/report-" + DB);
    deleteTree(bundle);

    Sdb report = sdb("report", DB, "--output", bundle.toString());

    assertThat(report.code()).as(report.toString()).isZero();
    assertThat(report.err()).as("warnings").isEmpty();
    assertThat(Files.readString(bundle.resolve("README.txt")))
        .contains("ShardedDatabase " + dbNs + "/" + DB)
        .contains("(nothing missing)");
    String eventsTable = Files.readString(bundle.resolve("events.txt"));
    for (var e : events) {
      assertThat(eventsTable)
          .as("events.txt")
          .contains(e.getReason())
          .contains(TextTable.cell(String.valueOf(e.getMessage()).replace('\n', ' ')));
    }
    for (var entry : logged.entrySet()) {
      Path file = bundle.resolve(entry.getKey());
      assertThat(file).as("the bundle's %s", entry.getKey()).isRegularFile();
      assertThat(Files.readString(file)).as(entry.getKey()).contains(entry.getValue());
    }
    Path operatorLog =
        bundle
            .resolve("operator")
            .resolve(operatorPod().getMetadata().getName())
            .resolve("operator.log");
    assertThat(operatorLog).isRegularFile();
    assertThat(Files.size(operatorLog)).isPositive();
    assertThat(Files.readString(bundle.resolve("status.json")))
        .contains("\"sh1\"")
        .contains("\"sh2\"");
    System.out.printf(
        "step 18: kubectl sdb report wrote %s: %d events, %d pod logs; %s%n",
        bundle, events.size(), logged.size(), report.out().strip());
  }

  @Test
  @Order(19)
  void aBaseBackupToAnS3ServerPodRestoresIntoANewDatabaseWithEveryRow() throws Exception {
    // The S3 server as a pod (image shardeddb/s3: the S3Proxy local mode embeds), its key in a
    // Secret the database names; spec.backup added to the live database rolls its pods.
    String keyId = "e2e-" + Long.toHexString(new SecureRandom().nextLong());
    String secretKey = Long.toHexString(new SecureRandom().nextLong()) + "x" + keyId;
    client
        .secrets()
        .inNamespace(dbNs)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3-credentials")
                .endMetadata()
                .addToStringData("accessKeyId", keyId)
                .addToStringData("secretAccessKey", secretKey)
                .build())
        .createOr(r -> r.update());
    Map<String, String> s3Labels = Map.of("app", "e2e-s3");
    client
        .apps()
        .deployments()
        .inNamespace(dbNs)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("s3")
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .withMatchLabels(s3Labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(s3Labels)
                .endMetadata()
                .withNewSpec()
                // No Service environment variables (S3_PORT=tcp://... for the Service "s3").
                .withEnableServiceLinks(false)
                .addNewContainer()
                .withName("s3")
                .withImage("shardeddb/s3:0.1.0")
                .withImagePullPolicy("IfNotPresent")
                .addNewEnv()
                .withName("S3_ACCESS_KEY_ID")
                .withValue(keyId)
                .endEnv()
                .addNewEnv()
                .withName("S3_SECRET_ACCESS_KEY")
                .withValue(secretKey)
                .endEnv()
                .addNewEnv()
                .withName("S3_BUCKETS")
                .withValue("backups")
                .endEnv()
                .addNewPort()
                .withContainerPort(9000)
                .endPort()
                .addNewVolumeMount()
                .withName("data")
                .withMountPath("/data")
                .endVolumeMount()
                .withNewReadinessProbe()
                .withNewTcpSocket()
                .withNewPort(9000)
                .endTcpSocket()
                .endReadinessProbe()
                .endContainer()
                .addNewVolume()
                .withName("data")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .createOr(r -> r.update());
    client
        .services()
        .inNamespace(dbNs)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("s3")
                .endMetadata()
                .withNewSpec()
                .withSelector(s3Labels)
                .addNewPort()
                .withPort(9000)
                .withNewTargetPort(9000)
                .endPort()
                .endSpec()
                .build())
        .createOr(r -> r.update());
    try {
      client
          .apps()
          .deployments()
          .inNamespace(dbNs)
          .withName("s3")
          .waitUntilReady(READY.toMinutes(), TimeUnit.MINUTES);
      // The tier's cluster has no DNS (pods are addressed by IP; notes/real-cluster.md): the
      // store is named by the Service's cluster IP, which kube-proxy routes to the S3 pod.
      String clusterIp =
          client.services().inNamespace(dbNs).withName("s3").get().getSpec().getClusterIP();
      backUpAndRestore("http://" + clusterIp + ":9000");
      restoreToAPointAndToATimeUnderWriters();
    } finally {
      for (String copy : RESTORED) {
        client.resources(ShardedDatabase.class).inNamespace(dbNs).withName(copy).delete();
      }
      for (String backup : List.of("e2e-base", "e2e-rp1")) {
        client
            .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabaseBackup")
            .inNamespace(dbNs)
            .withName(backup)
            .delete();
      }
      printS3Pod();
      client.apps().deployments().inNamespace(dbNs).withName("s3").delete();
      client.services().inNamespace(dbNs).withName("s3").delete();
      client.secrets().inNamespace(dbNs).withName("s3-credentials").delete();
      await()
          .atMost(Duration.ofMinutes(3))
          .until(
              () ->
                  client.pods().inNamespace(dbNs).list().getItems().stream()
                      .noneMatch(
                          p ->
                              RESTORED.stream()
                                      .anyMatch(c -> p.getMetadata().getName().startsWith(c + "-"))
                                  || p.getMetadata().getName().startsWith("s3-")));
      client.persistentVolumeClaims().inNamespace(dbNs).list().getItems().stream()
          .filter(
              c ->
                  RESTORED.stream()
                      .anyMatch(r -> c.getMetadata().getName().startsWith("data-" + r + "-")))
          .forEach(c -> client.resource(c).delete());
    }
  }

  /** The databases step 19 restores: from the base backup, to a restore point, to a time. */
  private static final List<String> RESTORED = List.of("restored", "rp-copy", "time-copy");

  /**
   * Steps 19b and 19c: under two paced writers (one per shard), a time T is noted and then a
   * restore point taken with `kubectl sdb restore-point create`; each is restored into a new
   * database and the writers' keys there are checked against exactly what docs/backup.md ("What
   * each kind of restore guarantees across shards") promises.
   */
  private void restoreToAPointAndToATimeUnderWriters() throws Exception {
    dropRestored("restored");
    // Keys no earlier step wrote (and not 16001, which step 20 writes): a write there is new.
    Set<Integer> taken = new TreeSet<>();
    rows(DB).forEach(r -> taken.add(readKey(r)));
    taken.add(16_001);
    int[] sh1 = freeKeys(taken, 0, 8192);
    int[] sh2 = freeKeys(taken, 8192, 16_384);
    long time;
    long pointRequested;
    long pointCompleted;
    Writer w1 = new Writer(sh1[0], sh1[1], Duration.ofMillis(400));
    Writer w2 = new Writer(sh2[0], sh2[1], Duration.ofMillis(400));
    try (w1;
        w2) {
      awaitMore(w1, w2, 15);
      // The time between writes, on this host's clock: the primaries' pods run on this one node
      // and stamp commit times with the same clock, so the skew docs/backup.md allows is none.
      time = System.currentTimeMillis();
      awaitMore(w1, w2, 10);
      pointRequested = System.currentTimeMillis();
      Sdb point = sdb("restore-point", "create", DB, "e2e-rp1", "--timeout", "3m");
      pointCompleted = System.currentTimeMillis();
      assertThat(point.code()).as("restore-point create: %s %s", point.out(), point.err()).isZero();
      awaitMore(w1, w2, 10);
    }
    // Both targets must be archived before they are restored: the archive runs every 2 s
    // (archiveIntervalSeconds' default); a few intervals after the writers stop it holds both.
    Thread.sleep(Duration.ofSeconds(12).toMillis());
    List<Writer> writers = List.of(w1, w2);

    createRestored("rp-copy", new FromBackupSpec(DB, null, null, "e2e-rp1"));
    Set<Integer> atPoint = writtenKeys("rp-copy", writers);
    dropRestored("rp-copy");
    // Restore point: every write acknowledged before the cut is in, every one acknowledged after
    // it is out. The cut is taken between the request and the completion, so every write
    // acknowledged before the request is in and every write sent after the completion is out;
    // and no write is in that was acknowledged after another write it lacks.
    Set<Integer> before = acknowledgedBy(writers, pointRequested);
    Set<Integer> after = sentAfter(writers, pointCompleted);
    assertThat(atPoint)
        .as("writes acknowledged before the point was requested")
        .containsAll(before);
    assertThat(after)
        .as("writes sent after the point completed")
        .doesNotContainAnyElementsOf(atPoint);
    assertNoWriteWithoutOneAcknowledgedBeforeIt(writers, atPoint);
    System.out.printf(
        "step 19b: restore point e2e-rp1: %d acknowledged before it was requested, all present;"
            + " 0 of %d sent after it completed present; %d of the writers' keys restored, none"
            + " acknowledged after a write it lacks%n",
        before.size(), after.size(), atPoint.size());

    String at = Instant.ofEpochMilli(time).toString();
    createRestored("time-copy", new FromBackupSpec(DB, null, at, null));
    Set<Integer> atTime = writtenKeys("time-copy", writers);
    dropRestored("time-copy");
    // A time T: every write acknowledged before T is in, none committed after T (one clock).
    Set<Integer> beforeTime = acknowledgedBy(writers, time);
    Set<Integer> afterTime = sentAfter(writers, time);
    assertThat(atTime).as("writes acknowledged before %s", at).containsAll(beforeTime);
    assertThat(afterTime).as("writes sent after %s", at).doesNotContainAnyElementsOf(atTime);
    System.out.printf(
        "step 19c: restore to the time %s: %d acknowledged before it, all present; 0 of %d sent"
            + " after it present (%d of the writers' keys restored)%n",
        at, beforeTime.size(), afterTime.size(), atTime.size());
  }

  /** The writers' keys acknowledged at or before {@code millis}. */
  private static Set<Integer> acknowledgedBy(List<Writer> writers, long millis) {
    Set<Integer> keys = new TreeSet<>();
    writers.forEach(
        w ->
            w.ackedAt.forEach(
                (key, at) -> {
                  if (at <= millis) {
                    keys.add(key);
                  }
                }));
    return keys;
  }

  /** The writers' keys sent after {@code millis}, acknowledged or not. */
  private static Set<Integer> sentAfter(List<Writer> writers, long millis) {
    Set<Integer> keys = new TreeSet<>();
    writers.forEach(
        w ->
            w.sentAt.forEach(
                (key, at) -> {
                  if (at > millis) {
                    keys.add(key);
                  }
                }));
    return keys;
  }

  /**
   * docs/backup.md's promise for a restore point: no restored write was acknowledged after another
   * write the restore lacks. Seen from the writers: no present write was sent after an absent one
   * had been acknowledged.
   */
  private static void assertNoWriteWithoutOneAcknowledgedBeforeIt(
      List<Writer> writers, Set<Integer> present) {
    long firstLackingAck = Long.MAX_VALUE;
    for (Writer w : writers) {
      for (Map.Entry<Integer, Long> acked : w.ackedAt.entrySet()) {
        if (!present.contains(acked.getKey())) {
          firstLackingAck = Math.min(firstLackingAck, acked.getValue());
        }
      }
    }
    long lacking = firstLackingAck;
    Set<Integer> sentLater = new TreeSet<>();
    writers.forEach(
        w ->
            w.sentAt.forEach(
                (key, at) -> {
                  if (at > lacking && present.contains(key)) {
                    sentLater.add(key);
                  }
                }));
    assertThat(sentLater)
        .as(
            "restored writes sent after a write the restore lacks was acknowledged (at %d)",
            lacking)
        .isEmpty();
  }

  private static void awaitMore(Writer w1, Writer w2, int more) {
    w1.awaitAcknowledged(w1.acknowledged.size() + more);
    w2.awaitAcknowledged(w2.acknowledged.size() + more);
  }

  /** The writers' keys that database {@code db} holds, read through its router. */
  private Set<Integer> writtenKeys(String db, List<Writer> writers) throws Exception {
    Set<Integer> present = new TreeSet<>();
    for (Writer w : writers) {
      JsonNode read =
          router(db, "/read", "{\"Stud_id\":{\"low\":" + w.from + ",\"high\":" + (w.to - 1) + "}}");
      assertThat(read.path("data").isArray()).as("read of %s: %s", db, read).isTrue();
      read.path("data").forEach(r -> present.add(r.path("Stud_id").asInt()));
    }
    return present;
  }

  private static int readKey(String row) {
    try {
      return JSON.readTree(row).path("Stud_id").asInt();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(row, e);
    }
  }

  /** The largest run of keys in [low, high) that {@code taken} does not hold, as [from, to). */
  private static int[] freeKeys(Set<Integer> taken, int low, int high) {
    int[] best = {low, low};
    int start = low;
    for (int key = low; key <= high; key++) {
      if (key == high || taken.contains(key)) {
        if (key - start > best[1] - best[0]) {
          best = new int[] {start, key};
        }
        start = key + 1;
      }
    }
    // A writer at 400 ms a write for about a minute needs some 150 keys.
    assertThat(best[1] - best[0]).as("free keys in [%d, %d)", low, high).isGreaterThan(200);
    return best;
  }

  /** Deletes restored database {@code copy}, awaits its pods gone, and deletes its claims. */
  private void dropRestored(String copy) {
    client.resources(ShardedDatabase.class).inNamespace(dbNs).withName(copy).delete();
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                client.pods().inNamespace(dbNs).list().getItems().stream()
                    .noneMatch(p -> p.getMetadata().getName().startsWith(copy + "-")));
    client.persistentVolumeClaims().inNamespace(dbNs).list().getItems().stream()
        .filter(c -> c.getMetadata().getName().startsWith("data-" + copy + "-"))
        .forEach(c -> client.resource(c).delete());
  }

  /** The S3 pod's state and log, for a failed step's report. */
  private void printS3Pod() {
    client.pods().inNamespace(dbNs).withLabel("app", "e2e-s3").list().getItems().stream()
        .forEach(
            p -> {
              System.out.println(
                  "step 19: pod " + p.getMetadata().getName() + " status " + p.getStatus());
              try {
                String log =
                    client.pods().inNamespace(dbNs).withName(p.getMetadata().getName()).getLog();
                System.out.println("step 19: its log: " + log);
              } catch (RuntimeException e) {
                System.out.println("step 19: no log: " + e.getMessage());
              }
            });
  }

  private void backUpAndRestore(String endpoint) throws Exception {
    String store =
        "{\"store\":{\"endpoint\":\""
            + endpoint
            + "\",\"bucket\":\"backups\",\"credentialsSecret\":\"s3-credentials\","
            + "\"pathStyle\":true}}";
    client
        .resources(ShardedDatabase.class)
        .inNamespace(dbNs)
        .withName(DB)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"backup\":" + store + "}}");
    // spec.backup rolls all six pods one at a time, each primary after a switch-over: as step 10's
    // roll, not one pod's start (two runs at load 30-72 timed out in this step at 6 minutes).
    await()
        .atMost(Duration.ofMinutes(12))
        .pollInterval(Duration.ofSeconds(3))
        .until(() -> isReady(status()) && rolledOnto(DB + "-sh1") && rolledOnto(DB + "-sh2"));

    // What the backup must hold: every row, read with no writer running.
    List<String> before = rows(DB);
    assertThat(before).isNotEmpty();
    GenericKubernetesResource backup = new GenericKubernetesResource();
    backup.setApiVersion("shardeddb.io/v1alpha1");
    backup.setKind("ShardedDatabaseBackup");
    backup.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("e2e-base")
            .withNamespace(dbNs)
            .build());
    backup.setAdditionalProperty("spec", Map.of("database", DB, "method", "Base"));
    client.resource(backup).create();
    await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(3))
        .untilAsserted(
            () -> {
              GenericKubernetesResource b =
                  client
                      .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabaseBackup")
                      .inNamespace(dbNs)
                      .withName("e2e-base")
                      .get();
              Object st = b == null ? null : b.getAdditionalProperties().get("status");
              assertThat(st).as("backup status").isInstanceOf(Map.class);
              assertThat(((Map<?, ?>) st).get("phase")).as("backup %s", st).isEqualTo("Completed");
            });

    // A new database bootstrapped from it (never over a live one), as `kubectl sdb restore`
    // declares it: the source's spec with spec.bootstrap.fromBackup.
    String copy = "restored";
    createRestored(copy, new FromBackupSpec(DB, "e2e-base", null, null));
    assertThat(rows(copy)).as("rows of the restored database").isEqualTo(before);
    System.out.println(
        "step 19: backup e2e-base restored into " + copy + ": " + before.size() + " rows");
  }

  /**
   * Creates database {@code copy} bootstrapped {@code from} the source's backups, as `kubectl sdb
   * restore` declares it (the source's spec with spec.bootstrap.fromBackup), and awaits it Ready.
   */
  private void createRestored(String copy, FromBackupSpec from) throws Exception {
    ShardedDatabase restored = new ShardedDatabase();
    restored.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(copy)
            .withNamespace(dbNs)
            .build());
    restored.setSpec(
        client
            .resources(ShardedDatabase.class)
            .inNamespace(dbNs)
            .withName(DB)
            .get()
            .getSpec()
            .withBootstrap(new BootstrapSpec(from))
            .withServers(null));
    // The tier's one node has 2 CPUs and the source database stays up beside the copy: with the
    // default requests (160m a shard pod) 3 of the copy's 6 pods stayed Pending "Insufficient
    // cpu" (run 8), so the copy asks for less CPU. What is restored does not depend on it.
    System.out.println("step 19: free CPU before restoring " + copy + " " + freeCpuMillis() + "m");
    com.fasterxml.jackson.databind.node.ObjectNode tree =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            JSON.readTree(client.getKubernetesSerialization().asJson(restored));
    com.fasterxml.jackson.databind.node.ObjectNode resources = JSON.createObjectNode();
    for (String container : List.of("mysql", "shardServer", "router")) {
      resources.set(
          container,
          JSON.readTree(
              "{\"requests\":{\"cpu\":\"20m\",\"memory\":\"512Mi\"},"
                  + "\"limits\":{\"memory\":\"512Mi\"}}"));
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("spec")).set("resources", resources);
    restored =
        client
            .getKubernetesSerialization()
            .unmarshal(JSON.writeValueAsString(tree), ShardedDatabase.class);
    client.resource(restored).create();
    try {
      await().atMost(READY).pollInterval(Duration.ofSeconds(3)).until(() -> isReady(status(copy)));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      printDatabase(copy);
      throw e;
    }
  }

  /** A database's status, its pods and their logs' tails, for a failed step's report. */
  private void printDatabase(String db) {
    System.out.println("database " + db + ": status " + status(db));
    client
        .v1()
        .events()
        .inNamespace(dbNs)
        .list()
        .getItems()
        .forEach(
            e -> {
              if (e.getInvolvedObject().getName().startsWith(db)) {
                System.out.println(
                    "event "
                        + e.getInvolvedObject().getName()
                        + " "
                        + e.getReason()
                        + ": "
                        + e.getMessage());
              }
            });
    client.pods().inNamespace(dbNs).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(db + "-"))
        .forEach(
            p -> {
              System.out.println("pod " + p.getMetadata().getName() + " status " + p.getStatus());
              p.getSpec()
                  .getContainers()
                  .forEach(
                      c -> {
                        try {
                          String log =
                              client
                                  .pods()
                                  .inNamespace(dbNs)
                                  .withName(p.getMetadata().getName())
                                  .inContainer(c.getName())
                                  .tailingLines(60)
                                  .getLog();
                          System.out.println(
                              "pod "
                                  + p.getMetadata().getName()
                                  + "/"
                                  + c.getName()
                                  + " log:\n"
                                  + log);
                        } catch (RuntimeException ex) {
                          System.out.println("no log: " + ex.getMessage());
                        }
                      });
            });
  }

  /** Every row of database {@code db} through its router, as sorted JSON lines. */
  private List<String> rows(String db) throws Exception {
    JsonNode read = router(db, "/read", "{\"Stud_id\":{\"low\":0,\"high\":16383}}");
    List<String> out = new ArrayList<>();
    read.path("data").forEach(r -> out.add(r.toString()));
    assertThat(read.path("data").isArray()).as("read of %s: %s", db, read).isTrue();
    return out.stream().sorted().toList();
  }

  @Test
  @Order(20)
  void theSchemaGainsAColumnOnEveryShardAndTheRouterUsesIt() throws Exception {
    // docs/sql.md, "Changing the schema": an edit adding a nullable column at the end.
    client
        .resources(ShardedDatabase.class)
        .inNamespace(dbNs)
        .withName(DB)
        .edit(
            r -> {
              io.shardeddb.api.v1alpha1.ShardedDatabaseSpec spec = r.getSpec();
              List<io.shardeddb.api.v1alpha1.ColumnSpec> cols =
                  new ArrayList<>(spec.schema().columns());
              cols.add(
                  new io.shardeddb.api.v1alpha1.ColumnSpec(
                      "note", io.shardeddb.protocol.schema.ColumnType.String, true, null, null));
              r.setSpec(
                  spec.toBuilder()
                      .schema(
                          new io.shardeddb.api.v1alpha1.SchemaSpec(
                              spec.schema().table(), spec.schema().shardKey(), cols))
                      .build());
              return r;
            });
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                status().applied() != null
                    && status().applied().schemaVersionOrOne() == 2
                    && status().schemaChange() == null);
    String withNote = row(16_001).replaceFirst("}$", ",\"note\":\"real\"}");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        router("/write", "{\"data\":[" + withNote + "]}").path("message").asText())
                    .startsWith("1 Data entries added"));
    JsonNode read = router("/read", "{\"Stud_id\":{\"low\":16001,\"high\":16001}}");
    assertThat(read.path("data").get(0).path("note").asText()).isEqualTo("real");
    JsonNode old = router("/read", "{\"Stud_id\":{\"low\":0,\"high\":0}}");
    assertThat(old.path("data").get(0).path("note").isNull()).isTrue();
    List<String> changed =
        client.v1().events().inNamespace(dbNs).list().getItems().stream()
            .filter(e -> "SchemaChanged".equals(e.getReason()))
            .map(e -> e.getMessage())
            .toList();
    assertThat(changed).as("the SchemaChanged Event").isNotEmpty();
    System.out.println("step 20: " + changed);

    // docs/sql.md, "Indexes": an index on the new column, added by an edit of spec.schema.indexes,
    // is the next schema version on every shard; a filter on it answers through the router.
    client
        .resources(ShardedDatabase.class)
        .inNamespace(dbNs)
        .withName(DB)
        .edit(
            r -> {
              io.shardeddb.api.v1alpha1.ShardedDatabaseSpec spec = r.getSpec();
              r.setSpec(
                  spec.toBuilder()
                      .schema(
                          new io.shardeddb.api.v1alpha1.SchemaSpec(
                              spec.schema().table(),
                              spec.schema().shardKey(),
                              spec.schema().columns(),
                              List.of(
                                  new io.shardeddb.api.v1alpha1.IndexSpec(
                                      "by_note", List.of("note")))))
                      .build());
              return r;
            });
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                status().applied() != null
                    && status().applied().schemaVersionOrOne() == 3
                    && status().schemaChange() == null);
    assertThat(status().applied().schema().indexes())
        .containsExactly(new io.shardeddb.api.v1alpha1.IndexSpec("by_note", List.of("note")));
    JsonNode byNote =
        router(
            "/query",
            "{\"query\":\"SELECT Stud_id FROM "
                + status().applied().schema().table()
                + " WHERE note = 'real'\"}");
    assertThat(byNote.path("data").get(0).path("Stud_id").asLong())
        .as(byNote.toString())
        .isEqualTo(16_001);
    System.out.println("step 20: index by_note at schema version 3; " + byNote);

    // docs/sql.md, "Dropping a column": the index and its column go in one edit (version 4); the
    // pods drop the column on every copy and the router stops showing it.
    client
        .resources(ShardedDatabase.class)
        .inNamespace(dbNs)
        .withName(DB)
        .edit(
            r -> {
              io.shardeddb.api.v1alpha1.ShardedDatabaseSpec spec = r.getSpec();
              List<io.shardeddb.api.v1alpha1.ColumnSpec> kept =
                  spec.schema().columns().stream().filter(c -> !c.name().equals("note")).toList();
              r.setSpec(
                  spec.toBuilder()
                      .schema(
                          new io.shardeddb.api.v1alpha1.SchemaSpec(
                              spec.schema().table(), spec.schema().shardKey(), kept))
                      .build());
              return r;
            });
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                status().applied() != null
                    && status().applied().schemaVersionOrOne() == 4
                    && status().schemaChange() == null);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        router("/read", "{\"Stud_id\":{\"low\":16001,\"high\":16001}}")
                            .path("data")
                            .get(0)
                            .has("note"))
                    .isFalse());
    System.out.println("step 20: column note dropped at schema version 4");
  }

  /**
   * examples/quickstart.yaml as docs/install.md applies it, on the tier's one 2-CPU node: Ready
   * with both shards' three replicas, and used through its router; then deleted with its claims.
   * The students database is hibernated first ({@code kubectl sdb hibernate}: its pods gone, its
   * volumes kept), as the quickstart is a first database on an otherwise empty laptop cluster.
   */
  @Test
  @Order(21)
  void theQuickstartExampleBecomesReadyOnTheOneNode() throws Exception {
    Sdb hibernated = sdb("hibernate", DB);
    assertThat(hibernated.code()).as(hibernated.toString()).isZero();
    long started = System.nanoTime();
    String quickstart = "quickstart";
    kubectl("-n", dbNs, "apply", "-f", "examples/quickstart.yaml");
    kubectl(
        "-n",
        dbNs,
        "wait",
        "--for=condition=Ready",
        "sdb/" + quickstart,
        "--timeout=" + READY.toSeconds() + "s");
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              ShardedDatabaseStatus now = status(quickstart);
              assertThat(now.shardsOrEmpty()).hasSize(2);
              assertThat(now.shardsOrEmpty())
                  .allSatisfy(s -> assertThat(s.readyReplicas()).isEqualTo(3));
            });
    long ready = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    JsonNode written =
        router(quickstart, "/write", "{\"data\":[" + row(5) + "," + row(9000) + "]}");
    assertThat(written.path("message").asText()).startsWith("2 Data entries added");
    JsonNode read = router(quickstart, "/read", "{\"Stud_id\":{\"low\":0,\"high\":16383}}");
    assertThat(read.path("data")).hasSize(2);

    client.resources(ShardedDatabase.class).inNamespace(dbNs).withName(quickstart).delete();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace(dbNs)
                            .withLabel("app.kubernetes.io/instance", quickstart)
                            .list()
                            .getItems())
                    .isEmpty());
    client.persistentVolumeClaims().inNamespace(dbNs).list().getItems().stream()
        .filter(c -> c.getMetadata().getName().startsWith("data-" + quickstart + "-"))
        .forEach(c -> client.resource(c).delete());
    System.out.printf("step 21: examples/quickstart.yaml Ready in %d s on one node%n", ready);
  }

  @Test
  @Order(22)
  void deletingTheDatabaseAndUninstallingTheChartLeavesNothingBehind() {
    client.resources(ShardedDatabase.class).inNamespace(dbNs).withName(DB).delete();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              assertThat(client.apps().statefulSets().inNamespace(dbNs).list().getItems())
                  .isEmpty();
              assertThat(client.apps().deployments().inNamespace(dbNs).list().getItems()).isEmpty();
              assertThat(client.pods().inNamespace(dbNs).list().getItems()).isEmpty();
              String owned = "app.kubernetes.io/managed-by";
              assertThat(client.services().inNamespace(dbNs).withLabel(owned).list().getItems())
                  .isEmpty();
              assertThat(client.secrets().inNamespace(dbNs).withLabel(owned).list().getItems())
                  .isEmpty();
              assertThat(client.configMaps().inNamespace(dbNs).withLabel(owned).list().getItems())
                  .isEmpty();
              assertThat(
                      client
                          .network()
                          .v1()
                          .networkPolicies()
                          .inNamespace(dbNs)
                          .withLabel(owned)
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      client
                          .resources(
                              io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget
                                  .class)
                          .inNamespace(dbNs)
                          .list()
                          .getItems())
                  .isEmpty();
            });
    // The data stays by design (docs/install.md, Uninstall): only the StatefulSets' claims.
    assertThat(client.persistentVolumeClaims().inNamespace(dbNs).list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .allSatisfy(name -> assertThat(name).startsWith("data-" + DB + "-"));
    client.persistentVolumeClaims().inNamespace(dbNs).delete();
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
    client.namespaces().withName(dbNs).delete();
    client.namespaces().withName(OPERATOR_NS).delete();
  }

  @Test
  @Order(23)
  void thePlainManifestsInstallTheOperatorAsDocumented() throws Exception {
    // docs/install.md, "Without Helm", for Kubernetes 1.20 - 1.24: the CRD without CEL rules
    // (kubectl create), the rendered chart, and the MySQL image changed with kubectl set env.
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                client.namespaces().withName(OPERATOR_NS).get() == null
                    && client.namespaces().withName(dbNs).get() == null);
    dbNs = OPERATOR_NS;
    String crd = "crd/shardeddatabases.shardeddb.io";
    kubectl("delete", crd, "--ignore-not-found", "--wait=true");
    kubectl("create", "-f", "crds/without-cel/shardeddatabases.shardeddb.io-v1.yml");
    awaitCrdConditions("shardeddatabases.shardeddb.io");
    kubectl("wait", "--for=condition=Established", crd, "--timeout=60s");
    // The operator also watches ShardedDatabaseBackups (docs/backup.md).
    kubectl(
        "delete", "crd/shardeddatabasebackups.shardeddb.io", "--ignore-not-found", "--wait=true");
    kubectl("create", "-f", "crds/without-cel/shardeddatabasebackups.shardeddb.io-v1.yml");
    awaitCrdConditions("shardeddatabasebackups.shardeddb.io");
    kubectl(
        "wait",
        "--for=condition=Established",
        "crd/shardeddatabasebackups.shardeddb.io",
        "--timeout=60s");
    kubectl("apply", "-f", "helm/manifests/shardeddb-operator.yaml");
    kubectl(
        "-n",
        OPERATOR_NS,
        "set",
        "env",
        "deployment/shardeddb-operator",
        "SHARDEDDB_MYSQL_IMAGE=shardeddb.local/mariadb:10.11");
    kubectl(
        "-n", OPERATOR_NS, "rollout", "status", "deployment/shardeddb-operator", "--timeout=300s");

    aTwoShardThreeReplicaDatabaseBecomesReady();
    theRouterWritesAndReadsWithTheTokenFromItsSecret();
    assertOperatorHealthy();

    client.resources(ShardedDatabase.class).inNamespace(dbNs).withName(DB).delete();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace(dbNs)
                            .withLabel("app.kubernetes.io/instance", DB)
                            .list()
                            .getItems())
                    .isEmpty());
    client.persistentVolumeClaims().inNamespace(dbNs).delete();
    kubectl("delete", "-f", "helm/manifests/shardeddb-operator.yaml", "--wait=true");
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              assertThat(client.namespaces().withName(OPERATOR_NS).get()).isNull();
              assertThat(
                      client
                          .rbac()
                          .clusterRoles()
                          .withLabel("app.kubernetes.io/name", "shardeddb-operator")
                          .list()
                          .getItems())
                  .isEmpty();
            });
  }

  /** The messages of the operator's events about {@code shard} with one of {@code reasons}. */
  private List<String> shardEvents(String shard, String... reasons) {
    Set<String> wanted = Set.of(reasons);
    return client.v1().events().inNamespace(dbNs).list().getItems().stream()
        .filter(e -> DB.equals(e.getInvolvedObject().getName()))
        .filter(e -> wanted.contains(e.getReason()))
        .filter(e -> e.getMessage().startsWith("shard " + shard + ":"))
        .map(e -> e.getReason() + ": " + e.getMessage())
        .toList();
  }

  /**
   * Awaits the API server's first write of a just-created CRD's {@code status.conditions}: kubectl
   * wait (the client here is 1.32) fails at once, ".status.conditions accessor error: <nil> is of
   * the type <nil>", on a CRD whose status has no conditions yet (step 23 of the run of 2026-11-28
   * 04:37, right after kubectl create) instead of waiting for them.
   */
  private void awaitCrdConditions(String name) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              var crd =
                  client.apiextensions().v1().customResourceDefinitions().withName(name).get();
              return crd != null
                  && crd.getStatus() != null
                  && crd.getStatus().getConditions() != null
                  && !crd.getStatus().getConditions().isEmpty();
            });
  }

  /** Awaits sh1 Ready with all replicas at an epoch above {@code before}'s. */
  private void awaitShardReadyAbove(ShardStatus before, String what) {
    await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              ShardedDatabaseStatus now = status();
              ShardStatus sh1 = now.shard("sh1").orElseThrow();
              // The status in the message says what the operator saw when this times out.
              assertThat(sh1.epochOrZero())
                  .as("sh1 epoch after %s; status %s", what, now)
                  .isGreaterThan(before.epochOrZero());
              assertThat(sh1.readyReplicas()).as("sh1 ready replicas; status %s", now).isEqualTo(3);
              assertThat(isReady(now)).as("Ready; status %s", now).isTrue();
            });
  }

  /**
   * Writes one row per request to its key range through the router until closed, and keeps the keys
   * whose write was acknowledged.
   */
  private final class Writer implements AutoCloseable {
    private final int from;
    private final int to;
    private final Set<Integer> acknowledged = new ConcurrentSkipListSet<>();

    /** When each write was sent and acknowledged, on this host's clock (epoch milliseconds). */
    private final Map<Integer, Long> sentAt = new ConcurrentHashMap<>();

    private final Map<Integer, Long> ackedAt = new ConcurrentHashMap<>();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final Duration pace;
    private final Thread thread;

    Writer(int from, int to) {
      this(from, to, Duration.ofMillis(200));
    }

    /** A writer that waits {@code pace} after each acknowledged write (a long fault, few keys). */
    Writer(int from, int to, Duration pace) {
      this.from = from;
      this.to = to;
      this.pace = pace;
      this.thread = Thread.ofPlatform().start(this::write);
    }

    private void write() {
      for (int key = from; writing.get() && key < to; key++) {
        boolean acked = false;
        sentAt.put(key, System.currentTimeMillis());
        try {
          JsonNode reply = router("/write", "{\"data\":[" + row(key) + "]}");
          acked = reply.path("message").asText().startsWith("1 Data entries added");
        } catch (Exception refusedDuringFailover) {
          // Not acknowledged: the row may or may not be there.
        }
        if (acked) {
          ackedAt.put(key, System.currentTimeMillis());
          acknowledged.add(key);
          // At most five writes a second, so that a long fault (a roll of every pod takes minutes)
          // does not use up the key range: a writer out of keys acknowledges nothing more (run 14
          // of 2026-11-24: step 9 timed out waiting for a write after the roll had finished).
          LockSupport.parkNanos(pace.toNanos());
        } else {
          // Pace refusals so that an outage does not use up the key range.
          LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
      }
    }

    void awaitAcknowledged(int n) {
      await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= n);
    }

    /** Writes are acknowledged again after the fault, and every acknowledged one is there. */
    void awaitMoreAcknowledged() throws Exception {
      int seen = acknowledged.size();
      await().atMost(Duration.ofSeconds(90)).until(() -> acknowledged.size() > seen);
      close();
      JsonNode read =
          router("/read", "{\"Stud_id\":{\"low\":" + from + ",\"high\":" + (to - 1) + "}}");
      Set<Integer> present = new TreeSet<>();
      read.path("data").forEach(r -> present.add(r.path("Stud_id").asInt()));
      assertThat(acknowledged).hasSizeGreaterThan(seen);
      assertThat(present).as("acknowledged writes after the fault").containsAll(acknowledged);
    }

    @Override
    public void close() throws InterruptedException {
      writing.set(false);
      thread.join(Duration.ofSeconds(60).toMillis());
    }
  }

  private static ContainerStatus shardServer(Pod pod) {
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> c.getName().equals("shard-server"))
        .findFirst()
        .orElseThrow();
  }

  /** kubectl against the cluster, from the repository root, as docs/install.md runs it. */
  private String kubectl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return run(Duration.ofMinutes(6), command.toArray(String[]::new));
  }

  /** Runs a command from the repository root; fails unless it exits 0 within {@code limit}. */
  private String run(Duration limit, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
              } catch (java.io.IOException e) {
                return e.toString();
              }
            });
    if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + limit);
    }
    String output = out.get(10, TimeUnit.SECONDS);
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
    return output;
  }

  private static HttpClient tlsClient(SSLContext tls) {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build();
  }

  /** An operator-role identity issued from the database's CA ({@code <db>-ca}), as the operator. */
  private SSLContext operatorTls() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.of(
            PemMaterial.certificates(secretValue(DB + "-ca", "ca.crt")).get(0),
            PemMaterial.privateKey(secretValue(DB + "-ca", "ca.key")),
            new SecureRandom());
    CertificateAuthority.Issued issued =
        ca.issue(
            TlsIdentity.component(dbNs, DB, TlsRole.OPERATOR),
            "e2e-operator",
            List.of(),
            List.of(),
            Instant.now(),
            Duration.ofHours(1));
    return Tls.clientContext(
        TlsMaterialSource.fixed(
            PemMaterial.parse(
                PemMaterial.pem(List.of(ca.certificate())),
                issued.certificatePem(),
                issued.keyPem())),
        TlsRole.SHARD_SERVER);
  }

  /**
   * GETs a shard-server endpoint over the node's bridge, with the shard credential the operator
   * generated into {@code <db>-shard-auth} (every endpoint requires it; health and metrics are on
   * the management port 8084).
   */
  private JsonNode get(String url) throws Exception {
    String credential = secretValue(DB + "-shard-auth", "token");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + credential)
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    // TLS (the default): shard-servers answer control endpoints such as /checksum to the operator
    // role only, so the test issues itself an operator certificate from the database's CA.
    HttpClient client = url.startsWith("https://") ? tlsClient(operatorTls()) : http;
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
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
    return status(DB);
  }

  private ShardedDatabaseStatus status(String db) {
    ShardedDatabase sdb =
        client.resources(ShardedDatabase.class).inNamespace(dbNs).withName(db).get();
    return sdb == null || sdb.getStatus() == null
        ? ShardedDatabaseStatus.builder().build()
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
    return router(DB, path, body);
  }

  /** POSTs to a router pod of database {@code db}. */
  private JsonNode router(String db, String path, String body) throws Exception {
    Pod routerPod =
        client
            .pods()
            .inNamespace(dbNs)
            .withLabel("app.kubernetes.io/component", "router")
            .withLabel("app.kubernetes.io/instance", db)
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getStatus().getPodIP() != null)
            .findFirst()
            .orElseThrow();
    String token = secretValue(db + "-router-token", "token");
    // The router serves HTTPS by default; the client verifies it against the database's CA.
    SSLContext trust = Tls.routerClientContext(secretValue(db + "-tls", "ca.crt"));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("https://" + routerPod.getStatus().getPodIP() + ":8080" + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response =
        tlsClient(trust).send(request, HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** One key of a Secret in the databases' namespace, decoded. */
  private String secretValue(String secret, String key) {
    return new String(
        Base64.getDecoder()
            .decode(client.secrets().inNamespace(dbNs).withName(secret).get().getData().get(key)),
        StandardCharsets.UTF_8);
  }
}
