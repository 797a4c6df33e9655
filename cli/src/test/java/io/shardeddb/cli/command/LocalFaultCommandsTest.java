package io.shardeddb.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.shardeddb.cli.KubectlSdb;
import io.shardeddb.local.Faults;
import io.shardeddb.local.LocalKubernetes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault commands against local mode's in-process API: what they leave on the pods. */
class LocalFaultCommandsTest {
  private LocalKubernetes kube;
  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  @BeforeEach
  void start(@TempDir Path dir) {
    kube = LocalKubernetes.start(0, dir.resolve("kubeconfig"), "default");
    for (String name : List.of("db-sh1-0", "db-sh1-1", "db-sh1-2")) {
      kube.client()
          .pods()
          .inNamespace("default")
          .resource(new PodBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  @Test
  void pauseForSecondsLeavesTheInstantToResumeAndResumeRemovesIt() {
    Instant before = Instant.now();
    assertThat(sdb("local", "pause", "db-sh1-0", "--for", "20")).isZero();
    String until = annotation("db-sh1-0", Faults.PAUSE_ANNOTATION);
    assertThat(Instant.parse(until)).isBetween(before.plusSeconds(19), before.plusSeconds(21));

    assertThat(sdb("local", "resume", "db-sh1-0")).isZero();
    assertThat(annotation("db-sh1-0", Faults.PAUSE_ANNOTATION)).isNull();

    assertThat(sdb("local", "pause", "db-sh1-0")).isZero();
    assertThat(annotation("db-sh1-0", Faults.PAUSE_ANNOTATION)).isEqualTo("true");
  }

  @Test
  void partitionsAddUpAndHealRemovesThem() {
    assertThat(sdb("local", "partition", "db-sh1-0", "--from-operator")).isZero();
    assertThat(sdb("local", "partition", "db-sh1-0", "--from", "db-sh1-1")).isZero();
    assertThat(annotation("db-sh1-0", Faults.PARTITION_ANNOTATION))
        .isEqualTo(Faults.OPERATOR + ",db-sh1-1");
    assertThat(sdb("local", "partition", "db-sh1-2")).isZero();
    assertThat(annotation("db-sh1-2", Faults.PARTITION_ANNOTATION)).isEqualTo(Faults.ALL);

    assertThat(sdb("local", "heal", "db-sh1-0")).isZero();
    assertThat(annotation("db-sh1-0", Faults.PARTITION_ANNOTATION)).isNull();
    assertThat(annotation("db-sh1-2", Faults.PARTITION_ANNOTATION)).isEqualTo(Faults.ALL);
    assertThat(sdb("local", "heal")).isZero();
    assertThat(annotation("db-sh1-2", Faults.PARTITION_ANNOTATION)).isNull();
  }

  @Test
  void throttleLeavesTheCapWaitsForLocalModesAnswerAndUnthrottleLiftsIt() throws Exception {
    Thread runner = runnerAnswering("db-sh1-1", Faults::cpuApplied);
    Instant before = Instant.now();
    assertThat(sdb("local", "throttle", "db-sh1-1", "--cpu", "0.05", "--for", "60")).isZero();
    runner.join();
    String value = annotation("db-sh1-1", Faults.CPU_ANNOTATION);
    assertThat(value).startsWith("0.05 until ");
    assertThat(Faults.cpuLimit(value, before.plusSeconds(58))).hasValue(0.05);
    assertThat(Faults.cpuLimit(value, before.plusSeconds(62))).isEmpty();
    assertThat(out.toString()).startsWith("throttling pod db-sh1-1 to 0.05 CPU until ");

    assertThat(sdb("local", "unthrottle", "db-sh1-1")).isZero();
    assertThat(annotation("db-sh1-1", Faults.CPU_ANNOTATION)).isNull();
  }

  @Test
  void aCapLocalModeCannotApplyIsTakenBackAndItsReasonPrinted() throws Exception {
    Thread runner =
        runnerAnswering(
            "db-sh1-1", v -> Faults.cpuFailed(v, "this machine has cgroup v2 only (test)"));
    assertThat(sdb("local", "throttle", "db-sh1-1", "--cpu", "0.2")).isEqualTo(1);
    runner.join();
    assertThat(err.toString())
        .contains("error: cannot throttle pod db-sh1-1: this machine has cgroup v2 only (test)");
    assertThat(annotation("db-sh1-1", Faults.CPU_ANNOTATION)).isNull();
  }

  @Test
  void aThrottleBelowTheKernelsSmallestQuotaOrOfAnUnknownPodIsRefused() {
    assertThat(sdb("local", "throttle", "db-sh1-1", "--cpu", "0.001")).isEqualTo(2);
    assertThat(err.toString()).contains("--cpu must be from 0.01");
    assertThat(sdb("local", "throttle", "db-sh1-1", "--cpu", "0.1", "--for", "0")).isEqualTo(2);
    assertThat(sdb("local", "throttle", "no-such-pod", "--cpu", "0.1")).isEqualTo(1);
    assertThat(err.toString()).contains("pod no-such-pod not found");
    assertThat(sdb("local", "unthrottle", "no-such-pod")).isEqualTo(1);
    assertThat(annotation("db-sh1-1", Faults.CPU_ANNOTATION)).isNull();
  }

  @Test
  void unknownPodsAndSelfPartitionsAreRefusedWithAMessage() {
    assertThat(sdb("local", "pause", "no-such-pod")).isNotZero();
    assertThat(err.toString()).contains("pod no-such-pod not found");
    assertThat(sdb("local", "partition", "db-sh1-0", "--from", "no-such-pod")).isNotZero();
    assertThat(sdb("local", "partition", "db-sh1-0", "--from", "db-sh1-0")).isNotZero();
    assertThat(err.toString()).contains("cannot be partitioned from itself");
    assertThat(sdb("local", "pause", "db-sh1-0", "--for", "0")).isNotZero();
    assertThat(annotation("db-sh1-0", Faults.PARTITION_ANNOTATION)).isNull();
    assertThat(annotation("db-sh1-0", Faults.PAUSE_ANNOTATION)).isNull();
  }

  @Test
  void aPodChangedByLocalModeMeanwhileStillGetsTheAnnotation() throws Exception {
    // The local pod runner writes pod status every few hundred ms; a fault command that loses
    // that race (409 Conflict on its edit) must read the pod again and retry, not fail.
    var client = kube.client().pods().inNamespace("default");
    int[] calls = {0};
    boolean found;
    try (var cli =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                io.fabric8.kubernetes.client.Config.fromKubeconfig(
                    java.nio.file.Files.readString(kube.kubeconfig())))
            .build()) {
      found =
          PodAnnotations.update(
              cli,
              "db-sh1-0",
              Faults.PAUSE_ANNOTATION,
              old -> {
                if (calls[0]++ == 0) {
                  client
                      .withName("db-sh1-0")
                      .edit(
                          p -> {
                            p.getMetadata().setLabels(java.util.Map.of("written", "meanwhile"));
                            return p;
                          });
                }
                return "true";
              });
    }
    assertThat(found).isTrue();
    assertThat(calls[0]).isGreaterThan(1);
    assertThat(annotation("db-sh1-0", Faults.PAUSE_ANNOTATION)).isEqualTo("true");
    assertThat(client.withName("db-sh1-0").get().getMetadata().getLabels())
        .containsEntry("written", "meanwhile");
  }

  @Test
  void localVerbsRefuseAKubeconfigThatIsNotLocalModes(@TempDir Path dir) throws Exception {
    // The same API server under another context name: as a real cluster's kubeconfig would be.
    Path other = dir.resolve("other-kubeconfig");
    java.nio.file.Files.writeString(
        other,
        java.nio.file.Files.readString(kube.kubeconfig()).replace("shardeddb-local", "prod"));
    for (List<String> verb :
        List.of(
            List.of("local", "pause", "db-sh1-0"),
            List.of("local", "kill", "db-sh1-0"),
            List.of("local", "partition", "db-sh1-0"))) {
      List<String> all = new ArrayList<>(verb);
      all.add("--kubeconfig");
      all.add(other.toString());
      StringWriter e = new StringWriter();
      int code =
          KubectlSdb.commandLine()
              .setOut(new PrintWriter(new StringWriter()))
              .setErr(new PrintWriter(e, true))
              .execute(all.toArray(String[]::new));
      assertThat(code).as(String.join(" ", verb)).isEqualTo(1);
      assertThat(e.toString().strip())
          .startsWith("error: local verbs act on local mode's pods only")
          .contains("'prod'")
          .doesNotContain("\n");
    }
    assertThat(annotation("db-sh1-0", Faults.PAUSE_ANNOTATION)).isNull();
  }

  private int sdb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--kubeconfig");
    all.add(kube.kubeconfig().toString());
    return KubectlSdb.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(all.toArray(String[]::new));
  }

  /**
   * Plays local mode's pod runner for one CPU cap: once {@code pod} carries a cap, answers it with
   * {@code answer} (of the value), as the runner does after acting on it.
   */
  private Thread runnerAnswering(String pod, java.util.function.UnaryOperator<String> answer) {
    Thread t =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + 20_000_000_000L;
              while (System.nanoTime() < deadline) {
                String value = annotation(pod, Faults.CPU_ANNOTATION);
                if (value != null) {
                  kube.client()
                      .pods()
                      .inNamespace("default")
                      .withName(pod)
                      .edit(
                          p -> {
                            p.getMetadata()
                                .getAnnotations()
                                .put(Faults.CPU_STATUS_ANNOTATION, answer.apply(value));
                            return p;
                          });
                  return;
                }
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "fake-runner");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private String annotation(String pod, String key) {
    Pod p = kube.client().pods().inNamespace("default").withName(pod).get();
    return p.getMetadata().getAnnotations() == null
        ? null
        : p.getMetadata().getAnnotations().get(key);
  }
}
