package io.shardeddb.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.cli.KubectlSdb;
import io.shardeddb.local.LocalKubernetes;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restart} and {@code destroy} against an API server with no operator and no StatefulSet
 * controller: the plan, the refusals (nothing is deleted then) and what {@code destroy} deletes.
 * The working restart runs in SqlAndRestartIT.
 */
class PodCommandsTest {
  private static final Path HOME =
      Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();

  private LocalKubernetes kube;
  private Path kubeconfig;
  private Resource<ShardedDatabase> db;

  @BeforeEach
  void startApi(@TempDir Path dir) throws Exception {
    kubeconfig = dir.resolve("kubeconfig");
    kube = LocalKubernetes.start(0, kubeconfig, "default");
    try (InputStream crd =
        Files.newInputStream(HOME.resolve("crds/shardeddatabases.shardeddb.io-v1.yml"))) {
      kube.installCrd(crd);
    }
    try (InputStream in =
        Files.newInputStream(HOME.resolve("cli/src/test/resources/failover.yaml"))) {
      ShardedDatabase sdb = Serialization.unmarshal(in, ShardedDatabase.class);
      kube.client().resource(sdb).inNamespace("default").create();
    }
    db = kube.client().resources(ShardedDatabase.class).inNamespace("default").withName("failover");
    status(shard("sh1", -1), shard("sh2", -1));
    for (String shard : List.of("sh1", "sh2")) {
      for (int i = 0; i < 3; i++) {
        String pod = "failover-" + shard + "-" + i;
        kube.client()
            .persistentVolumeClaims()
            .inNamespace("default")
            .resource(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName("data-" + pod)
                    .endMetadata()
                    .build())
            .create();
        kube.client()
            .pods()
            .inNamespace("default")
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(pod)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("shard-server")
                    .withImage("x")
                    .endContainer()
                    .addNewVolume()
                    .withName("data")
                    .withNewPersistentVolumeClaim()
                    .withClaimName("data-" + pod)
                    .endPersistentVolumeClaim()
                    .endVolume()
                    .endSpec()
                    .build())
            .create();
      }
    }
  }

  private void status(ShardStatus... shards) {
    ShardedDatabase current = db.get();
    current.setStatus(
        ShardedDatabaseStatus.builder()
            .observedGeneration(1L)
            .conditions(List.of())
            .shardCount(2)
            .shards(List.of(shards))
            .build());
    kube.client().resource(current).updateStatus();
  }

  /** Shard {@code id}: primary ordinal 0, every replica ready but ordinal {@code notReady}. */
  private static ShardStatus shard(String id, int notReady) {
    List<ReplicaStatus> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replicas.add(
          new ReplicaStatus(
              "failover-" + id + "-" + i,
              "http://127.0.0." + (i + 10) + ":8081",
              i == 0 ? Role.Primary : Role.Secondary,
              i != notReady,
              i != notReady ? ReplicaState.Ready : ReplicaState.Copying,
              10L + i,
              0L,
              null));
    }
    return ShardStatus.builder()
        .id(id)
        .epoch(1L)
        .primary("failover-" + id + "-0")
        .replicas(replicas)
        .build();
  }

  @AfterEach
  void stopApi() {
    kube.close();
  }

  @Test
  void aDryRunPrintsEveryShardsStepsInOrderAndRestartsNothing() {
    Result r = run("restart", "failover", "--dry-run");

    assertThat(r.code).as(r.err).isZero();
    List<String> lines = r.out.lines().toList();
    assertThat(lines.get(0)).startsWith("STEP").contains("SHARD").contains("ACTION");
    assertThat(lines.subList(1, 9))
        .extracting(l -> l.replaceAll(" +", " "))
        .containsExactly(
            "1 sh1 restart failover-sh1-1 secondary",
            "2 sh1 restart failover-sh1-2 secondary",
            "3 sh1 switch-over failover-sh1-0 to the most caught-up ready secondary (now"
                + " failover-sh1-2)",
            "4 sh1 restart failover-sh1-0 former primary",
            "5 sh2 restart failover-sh2-1 secondary",
            "6 sh2 restart failover-sh2-2 secondary",
            "7 sh2 switch-over failover-sh2-0 to the most caught-up ready secondary (now"
                + " failover-sh2-2)",
            "8 sh2 restart failover-sh2-0 former primary");
    assertThat(lines.get(9)).isEqualTo("dry run: nothing restarted");
    assertThat(kube.client().pods().inNamespace("default").list().getItems()).hasSize(6);
  }

  @Test
  void aShardWithAPodNotReadyRefusesTheWholeRestartBeforeAnythingIsDeleted() {
    status(shard("sh1", -1), shard("sh2", 2));

    Result r = run("restart", "failover");

    assertThat(r.code).isEqualTo(4);
    assertThat(r.err.strip())
        .isEqualTo(
            "error: restart refused, nothing restarted: pod failover-sh2-2 of shard sh2 is not"
                + " ready (Copying); restarting another would take a second pod of the shard"
                + " down");
    assertThat(r.out).isEmpty();
    assertThat(kube.client().pods().inNamespace("default").list().getItems()).hasSize(6);
    // The other shard alone may go.
    assertThat(run("restart", "failover", "--shard", "sh1", "--dry-run").code).isZero();
    Result unknown = run("restart", "failover", "--shard", "sh9");
    assertThat(unknown.code).isEqualTo(3);
    assertThat(unknown.err)
        .contains("no shard 'sh9' in ShardedDatabase failover (shards: sh1, sh2)");
  }

  @Test
  void destroyRefusesThePrimaryAndALossOfTheWriteMajorityDeletingNothing() {
    Result primary = run("destroy", "failover", "failover-sh1-0");
    assertThat(primary.code).isEqualTo(4);
    assertThat(primary.err.strip())
        .isEqualTo(
            "error: destroy refused, nothing deleted: failover-sh1-0 is the primary of shard sh1;"
                + " switch it over first (kubectl sdb promote failover sh1 POD), or --force to"
                + " destroy it and let the operator fail over");

    status(shard("sh1", 1), shard("sh2", -1));
    Result majority = run("destroy", "failover", "failover-sh1-2", "--force");
    assertThat(majority.code).isEqualTo(4);
    assertThat(majority.err)
        .contains("would leave 1 of 3 voting replicas of shard sh1 in sync, fewer than the 2");

    Result unknown = run("destroy", "failover", "failover-sh3-0");
    assertThat(unknown.code).isEqualTo(3);
    assertThat(kube.client().pods().inNamespace("default").list().getItems()).hasSize(6);
    assertThat(kube.client().persistentVolumeClaims().inNamespace("default").list().getItems())
        .hasSize(6);
  }

  @Test
  void destroyDeletesThePodAndItsClaimThenWaitsForThemToComeBack() {
    Result r = run("destroy", "failover", "failover-sh2-1", "--timeout", "2s");

    // No StatefulSet controller here brings the pod back: the wait times out, as it says.
    assertThat(r.code).isEqualTo(5);
    assertThat(r.out).contains("deleting pod failover-sh2-1 and its claims data-failover-sh2-1");
    assertThat(r.err.strip())
        .startsWith("error: timed out after 2s waiting for failover-sh2-1 to come back ready")
        .doesNotContain("\n");
    assertThat(kube.client().pods().inNamespace("default").withName("failover-sh2-1").get())
        .isNull();
    assertThat(
            kube.client()
                .persistentVolumeClaims()
                .inNamespace("default")
                .withName("data-failover-sh2-1")
                .get())
        .isNull();
    assertThat(kube.client().pods().inNamespace("default").list().getItems()).hasSize(5);
  }

  @Test
  void destroyDeletesAgainAPodReCreatedBeforeItsOldClaimWasGone() throws Exception {
    // A StatefulSet that re-creates the pod while the old claim is still terminating creates no
    // new claim: the pod waits for the old one for good (the real-cluster tier saw it). Here the
    // test plays that StatefulSet: it re-creates the pod once, with no claim.
    Thread statefulSet =
        Thread.ofPlatform()
            .start(
                () -> {
                  var pods = kube.client().pods().inNamespace("default");
                  long until = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
                  while (pods.withName("failover-sh2-1").get() != null
                      && System.nanoTime() < until) {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                  }
                  pods.resource(strandedPod("failover-sh2-1")).create();
                });

    Result r = run("destroy", "failover", "failover-sh2-1", "--timeout", "4s");
    statefulSet.join();

    assertThat(r.code).isEqualTo(5);
    assertThat(r.out)
        .contains(
            "deleted pod failover-sh2-1 again: it was re-created before its old claim"
                + " data-failover-sh2-1 was gone and waits for it");
    assertThat(kube.client().pods().inNamespace("default").withName("failover-sh2-1").get())
        .as("the stranded pod, deleted again for its StatefulSet to re-create with a claim")
        .isNull();
  }

  /** A re-created shard pod naming its data claim, not running (no status: Pending). */
  private static io.fabric8.kubernetes.api.model.Pod strandedPod(String pod) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(pod)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("shard-server")
        .withImage("x")
        .endContainer()
        .addNewVolume()
        .withName("data")
        .withNewPersistentVolumeClaim()
        .withClaimName("data-" + pod)
        .endPersistentVolumeClaim()
        .endVolume()
        .endSpec()
        .build();
  }

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = kubeconfig.toString();
    int code =
        KubectlSdb.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(all);
    return new Result(code, out.toString(), err.toString());
  }

  private record Result(int code, String out, String err) {}
}
