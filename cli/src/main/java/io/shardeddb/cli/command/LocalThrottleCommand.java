package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.local.Faults;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb local throttle POD --cpu CORES [--for SECONDS]}: cap a local pod's CPU as a
 * Kubernetes CPU limit does (a cgroup CPU quota on the pod's own processes): it runs, slowly —
 * answers late, falls behind, but neither hangs nor dies. Waits for local mode's answer and says
 * whether the cap is in force; ended by {@code local unthrottle} or when {@code --for} runs out.
 */
@Command(
    name = "throttle",
    description = {
      "Cap a local pod's CPU (a cgroup CPU quota, as a Kubernetes CPU limit) until unthrottled or"
          + " for SECONDS.",
      "Exit codes: 0 in force, 1 pod not found or the cap not applied (the reason is printed),"
          + " 2 usage."
    })
public final class LocalThrottleCommand implements Callable<Integer> {
  /** How long local mode's pod runner (a pass every 500 ms) is given to answer. */
  static final Duration ANSWER_WAIT = Duration.ofSeconds(30);

  @Parameters(index = "0", description = "the pod name, e.g. students-sh1-1")
  String pod;

  @Option(
      names = "--cpu",
      required = true,
      paramLabel = "CORES",
      description = "the cores it may use, e.g. 0.05 (5 ms of every 100 ms); from 0.01")
  double cpu;

  @Option(
      names = "--for",
      paramLabel = "SECONDS",
      description = "lift the cap by itself after this")
  Long seconds;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (seconds != null && seconds <= 0) {
      spec.commandLine().getErr().println("error: --for must be a positive number of seconds");
      return 2;
    }
    if (!Faults.validCpus(cpu)) {
      spec.commandLine()
          .getErr()
          .println(
              "error: --cpu must be from "
                  + Faults.MIN_CPUS
                  + " (the kernel's smallest quota, 1 ms per 100 ms) to "
                  + Faults.MAX_CPUS
                  + " cores");
      return 2;
    }
    Instant until = seconds == null ? null : Instant.now().plusSeconds(seconds);
    String value = Faults.cpuValue(cpu, until);
    try (KubernetesClient client = cluster.localClient()) {
      if (!PodAnnotations.set(client, pod, Faults.CPU_ANNOTATION, value)) {
        spec.commandLine().getErr().println("error: pod " + pod + " not found");
        return 1;
      }
      Optional<Faults.CpuAnswer> answer = awaitAnswer(client, value);
      if (answer.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(
                "error: local mode did not answer in "
                    + ANSWER_WAIT.toSeconds()
                    + " s (is `kubectl-sdb local up` running for this kubeconfig?); the cap stays"
                    + " asked on the pod until `local unthrottle "
                    + pod
                    + "`");
        return 1;
      }
      if (answer.get() instanceof Faults.CpuAnswer.Failed failed) {
        // Nothing is in force: take the wish back, so the pod does not carry a cap it never had.
        PodAnnotations.update(
            client, pod, Faults.CPU_ANNOTATION, old -> value.equals(old) ? null : old);
        spec.commandLine()
            .getErr()
            .println("error: cannot throttle pod " + pod + ": " + failed.why());
        return 1;
      }
    }
    spec.commandLine()
        .getOut()
        .println(
            "throttling pod "
                + pod
                + " to "
                + Faults.cpuValue(cpu, null)
                + " CPU"
                + (until == null ? " until `local unthrottle " + pod + "`" : " until " + until));
    return 0;
  }

  private Optional<Faults.CpuAnswer> awaitAnswer(KubernetesClient client, String value)
      throws InterruptedException {
    long deadline = System.nanoTime() + ANSWER_WAIT.toNanos();
    while (true) {
      Pod p = client.pods().withName(pod).get();
      if (p == null) {
        return Optional.of(new Faults.CpuAnswer.Failed("the pod was deleted"));
      }
      Optional<Faults.CpuAnswer> answer =
          Faults.cpuAnswer(PodAnnotations.get(p, Faults.CPU_STATUS_ANNOTATION), value);
      if (answer.isPresent() || System.nanoTime() > deadline) {
        return answer;
      }
      Thread.sleep(200);
    }
  }
}
