package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.shardeddb.local.LocalKubernetes;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code kubectl} binary against local mode's API (LocalKubernetes with the CRD from
 * {@code crds/}, as {@code local up} starts it): discovery, client-side apply (create and update),
 * get (with the CRD's printer columns), get -w (a plain HTTP watch), describe, wait and delete of a
 * ShardedDatabase, and get of the built-in kinds the operator owns.
 *
 * <p>Needs {@code kubectl} (env {@code KUBECTL}, else on {@code PATH}); this machine's image has
 * it. Without it the tests are <b>skipped</b> with the reason (a JUnit assumption, counted as
 * skipped in the report, every test name ends in {@code _needsKubectl}): kubectl is not a package
 * this tier can install (Debian ships only 1.20's), and a fresh clone must pass. {@code
 * -Dshardeddb.kubectl.required=true} makes a missing kubectl a failure instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlainKubectlIT {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private static final ResourceDefinitionContext SDB =
      new ResourceDefinitionContext.Builder()
          .withGroup("shardeddb.io")
          .withVersion("v1alpha1")
          .withKind("ShardedDatabase")
          .withPlural("shardeddatabases")
          .withNamespaced(true)
          .build();

  private LocalKubernetes kube;
  private Path dir;
  private String kubectl;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    kubectl = findKubectl().orElse(null);
    kube = LocalKubernetes.start(0, dir.resolve("kubeconfig"), "default");
    try (InputStream crd =
        Files.newInputStream(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"))) {
      kube.installCrd(crd);
    }
    try (InputStream crd =
        Files.newInputStream(HOME.resolve("crds/shardeddatabasebackups.shardeddb.io-v1.yml"))) {
      kube.installCrd(crd);
    }
  }

  @AfterAll
  void stop() {
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  @Order(1)
  void kubectlDiscoversTheResourceWithItsShortNames_needsKubectl() throws Exception {
    Result r = kubectl("api-resources", "--api-group=shardeddb.io");

    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out).containsPattern("shardeddatabases\\s+sdb,shardeddb\\s+shardeddb.io/v1alpha1");
    assertThat(kubectl("version", "-o", "json").out).contains("\"gitVersion\"");
  }

  @Test
  @Order(2)
  void kubectlAppliesAnExampleAndReadsItBack_needsKubectl() throws Exception {
    Result created = kubectl("apply", "-f", HOME.resolve("examples/students.yaml").toString());
    assertThat(created.code).as(created.toString()).isZero();
    assertThat(created.out).contains("shardeddatabase.shardeddb.io/students created");

    Result get = kubectl("get", "sdb");
    assertThat(get.code).as(get.toString()).isZero();
    assertThat(get.out).contains("NAME").containsPattern("(?m)^students\\s");

    Result yaml = kubectl("get", "shardeddatabases", "-o", "yaml");
    assertThat(yaml.out).contains("kind: ShardedDatabase").contains("table: students");

    String edited =
        Files.readString(HOME.resolve("examples/students.yaml"))
            .replaceFirst("(?m)^  replicas: 3", "  replicas: 1");
    Path file = Files.writeString(dir.resolve("students-1.yaml"), edited);
    Result updated = kubectl("apply", "-f", file.toString());
    assertThat(updated.code).as(updated.toString()).isZero();
    assertThat(updated.out).contains("shardeddatabase.shardeddb.io/students configured");
    assertThat(sdb().getAdditionalProperties().get("spec")).asString().contains("replicas=1");
    assertThat(kubectl("apply", "-f", file.toString()).out).contains("students unchanged");
  }

  @Test
  @Order(3)
  void kubectlDescribesTheDatabaseWithItsEvents_needsKubectl() throws Exception {
    GenericKubernetesResource db = sdb();
    event("e1", "ShardedDatabase", "students", db.getMetadata().getUid(), "PrimaryElected");
    event("e2", "ShardedDatabase", "other", "another-uid", "SomeoneElses");

    Result r = kubectl("describe", "sdb", "students");

    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out)
        .containsPattern("Name:\\s+students")
        .containsPattern("Kind:\\s+ShardedDatabase")
        .containsPattern("Shard Key:\\s+Stud_id")
        .contains("Events:")
        .contains("PrimaryElected")
        .doesNotContain("SomeoneElses");
  }

  private void event(String name, String kind, String object, String uid, String reason) {
    kube.client()
        .v1()
        .events()
        .inNamespace("default")
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("shardeddb.io/v1alpha1")
                .withKind(kind)
                .withName(object)
                .withNamespace("default")
                .withUid(uid)
                .endInvolvedObject()
                .withType("Normal")
                .withReason(reason)
                .withMessage("test event")
                .withCount(1)
                .withFirstTimestamp("2026-01-01T00:00:00Z")
                .withLastTimestamp("2026-01-01T00:00:00Z")
                .build())
        .create();
  }

  @Test
  @Order(4)
  void kubectlListsTheObjectsTheOperatorOwns_needsKubectl() throws Exception {
    kube.client()
        .apps()
        .statefulSets()
        .inNamespace("default")
        .resource(
            new StatefulSetBuilder()
                .withNewMetadata()
                .withName("students-sh1")
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .endSpec()
                .build())
        .create();
    kube.client()
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder().withNewMetadata().withName("students-sh1-0").endMetadata().build())
        .create();

    Result r = kubectl("get", "pods,statefulsets");

    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out).contains("pod/students-sh1-0").contains("statefulset.apps/students-sh1");

    Result pod = kubectl("describe", "pod", "students-sh1-0");
    assertThat(pod.code).as(pod.toString()).isZero();
    assertThat(pod.out).containsPattern("Name:\\s+students-sh1-0").contains("Events:");
  }

  @Test
  @Order(5)
  void kubectlWaitsForReady_needsKubectl() throws Exception {
    requireKubectl();
    Process wait = start("wait", "wait", "--for=condition=Ready", "sdb/students", "--timeout=60s");
    Thread.sleep(2000);
    assertThat(wait.isAlive()).as("kubectl wait returned before the database was Ready").isTrue();

    GenericKubernetesResource db = sdb();
    db.getAdditionalProperties()
        .put(
            "status",
            Map.of(
                "conditions",
                List.of(
                    new ConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("AllReplicasReady")
                        .withMessage("ready")
                        .withLastTransitionTime("2026-01-01T00:00:00Z")
                        .build())));
    kube.client()
        .genericKubernetesResources(SDB)
        .inNamespace("default")
        .resource(db)
        .updateStatus();

    assertThat(wait.waitFor(90, TimeUnit.SECONDS)).as("kubectl wait ended").isTrue();
    Result r = result(wait, "wait");
    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out).contains("shardeddatabase.shardeddb.io/students condition met");
  }

  @Test
  @Order(6)
  void kubectlGetPrintsThePrinterColumnsOfTheCrd_needsKubectl() throws Exception {
    requireKubectl();
    Result patched =
        kubectl(
            "patch", "sdb", "students", "--type=merge", "-p", "{\"spec\":{\"sharding\":\"Hash\"}}");
    assertThat(patched.code).as(patched.toString()).isZero();
    writeStatus("12/12");

    Result r = kubectl("get", "sdb");

    assertThat(r.code).as(r.toString()).isZero();
    // In the order ShardedDatabase declares them (CrdGeneration), Age last.
    assertThat(r.out)
        .containsPattern(
            "(?m)^NAME\\s+READY\\s+SHARDS\\s+REPLICAS\\s+PRIMARIES\\s+RESHARDING\\s+SHARDING\\s+AGE\\s*$")
        .containsPattern(
            "(?m)^students\\s+True\\s+4\\s+12/12\\s+4/4\\s+False\\s+Hash\\s+\\S+\\s*$");
  }

  @Test
  @Order(7)
  void kubectlExpandsTheCategoryToBothKindsAndTheShortNameStillNamesOne_needsKubectl()
      throws Exception {
    requireKubectl();

    Result category = kubectl("get", "shardeddb-all");
    Result shortName = kubectl("get", "shardeddb", "students");

    assertThat(category.code).as(category.toString()).isZero();
    assertThat(category.out).contains("shardeddatabase.shardeddb.io/students");
    assertThat(category.err).doesNotContain("doesn't have a resource type");
    assertThat(shortName.code).as(shortName.toString()).isZero();
    assertThat(shortName.out).containsPattern("(?m)^students\\s");
  }

  @Test
  @Order(8)
  void kubectlGetWatchPrintsAChangeAsANewLine_needsKubectl() throws Exception {
    requireKubectl();
    Process watch = start("watch", "get", "sdb", "-w");
    try {
      await("the first row of kubectl get -w")
          .atMost(Duration.ofSeconds(90))
          .until(() -> Files.readString(dir.resolve("watch.out")).contains("students"));

      // Whether kubectl's watch has started yet or not: a change after its list reaches it.
      writeStatus("11/12");

      await("the change as a new line")
          .atMost(Duration.ofSeconds(90))
          .until(() -> Files.readString(dir.resolve("watch.out")).contains("11/12"));
      assertThat(watch.isAlive()).as(Files.readString(dir.resolve("watch.err"))).isTrue();
      List<String> rows =
          Files.readString(dir.resolve("watch.out"))
              .lines()
              .filter(l -> l.startsWith("students"))
              .toList();
      assertThat(rows).as("the listed row, then the change; no replay").hasSize(2);
      assertThat(rows.get(1)).containsPattern("True\\s+4\\s+11/12\\s+4/4\\s+False");
    } finally {
      watch.destroy();
      assertThat(watch.waitFor(60, TimeUnit.SECONDS)).as("kubectl stopped").isTrue();
    }
    await("the watch ends when kubectl goes away")
        .atMost(Duration.ofSeconds(60))
        .until(() -> kube.openHttpWatches() == 0);
  }

  @Test
  @Order(9)
  void kubectlGetWatchAsYamlStreamsTheChangedObject_needsKubectl() throws Exception {
    requireKubectl();
    writeStatus("11/12");
    Process watch = start("watch-yaml", "get", "sdb", "students", "-w", "-o", "yaml");
    try {
      await("the listed object")
          .atMost(Duration.ofSeconds(90))
          .until(() -> Files.readString(dir.resolve("watch-yaml.out")).contains("replicas: 11/12"));

      writeStatus("10/12");

      await("the changed object")
          .atMost(Duration.ofSeconds(90))
          .until(() -> Files.readString(dir.resolve("watch-yaml.out")).contains("replicas: 10/12"));
    } finally {
      watch.destroy();
      assertThat(watch.waitFor(60, TimeUnit.SECONDS)).as("kubectl stopped").isTrue();
    }
    await("the watch ends when kubectl goes away")
        .atMost(Duration.ofSeconds(60))
        .until(() -> kube.openHttpWatches() == 0);
  }

  /** Status as the operator writes it: Ready, not resharding, 4 shards, {@code replicas} ready. */
  private void writeStatus(String replicas) {
    GenericKubernetesResource db = sdb();
    db.getAdditionalProperties()
        .put(
            "status",
            Map.of(
                "shardCount",
                4,
                "replicas",
                replicas,
                "primaries",
                "4/4",
                "conditions",
                List.of(
                    condition("Ready", "True", "AllReplicasReady"),
                    condition("Resharding", "False", "NoMoves"))));
    kube.client()
        .genericKubernetesResources(SDB)
        .inNamespace("default")
        .resource(db)
        .updateStatus();
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      String type, String status, String reason) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(reason)
        .withLastTransitionTime("2026-01-01T00:00:00Z")
        .build();
  }

  @Test
  @Order(10)
  void kubectlDeletesTheDatabase_needsKubectl() throws Exception {
    Result r = kubectl("delete", "sdb", "students", "--timeout=60s");

    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out).contains("shardeddatabase.shardeddb.io \"students\" deleted");
    assertThat(
            kube.client()
                .genericKubernetesResources(SDB)
                .inNamespace("default")
                .withName("students")
                .get())
        .isNull();
    Result get = kubectl("get", "sdb");
    assertThat(get.out + get.err).contains("No resources found in default namespace.");
  }

  private GenericKubernetesResource sdb() {
    return kube.client()
        .genericKubernetesResources(SDB)
        .inNamespace("default")
        .withName("students")
        .get();
  }

  private record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private void requireKubectl() {
    if (kubectl != null) {
      return;
    }
    String why =
        "kubectl not found (set KUBECTL or put kubectl on PATH); these tests need the real binary";
    if (Boolean.getBoolean("shardeddb.kubectl.required")) {
      fail(why + " (-Dshardeddb.kubectl.required=true)");
    }
    Assumptions.abort(why + " — skipped (-Dshardeddb.kubectl.required=true makes this a failure)");
  }

  private Result kubectl(String... args) throws Exception {
    requireKubectl();
    Process p = start("run", args);
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("kubectl " + String.join(" ", args) + " did not finish in 90 s");
    }
    return result(p, "run");
  }

  /** Starts kubectl with stdout and stderr going to {@code <tag>.out} and {@code <tag>.err}. */
  private Process start(String tag, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(kubectl);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("KUBECONFIG", kube.kubeconfig().toString());
    pb.redirectOutput(dir.resolve(tag + ".out").toFile());
    pb.redirectError(dir.resolve(tag + ".err").toFile());
    return pb.start();
  }

  private Result result(Process p, String tag) throws Exception {
    return new Result(
        p.exitValue(),
        Files.readString(dir.resolve(tag + ".out")),
        Files.readString(dir.resolve(tag + ".err")));
  }

  private static Optional<String> findKubectl() {
    String env = System.getenv("KUBECTL");
    if (env != null && new File(env).canExecute()) {
      return Optional.of(env);
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(d, "kubectl");
      if (f.canExecute()) {
        return Optional.of(f.getAbsolutePath());
      }
    }
    return Optional.empty();
  }
}
