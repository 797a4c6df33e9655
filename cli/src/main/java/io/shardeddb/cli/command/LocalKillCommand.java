package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.local.LocalPodRunner;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl-sdb local kill POD}: kill -9 a local pod's process (a container crash). */
@Command(name = "kill", description = "kill -9 a local pod's process; it restarts in place.")
public final class LocalKillCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the pod name, e.g. students-sh1-0")
  String pod;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (KubernetesClient client = cluster.client()) {
      Pod p = client.pods().withName(pod).get();
      String pid =
          p == null || p.getMetadata().getAnnotations() == null
              ? null
              : p.getMetadata().getAnnotations().get(LocalPodRunner.PID_ANNOTATION);
      if (pid == null || pid.isBlank()) {
        spec.commandLine().getErr().println("error: pod " + pod + " has no running local process");
        return 1;
      }
      Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(pid));
      if (h.isEmpty()) {
        spec.commandLine().getErr().println("error: process " + pid + " is not running");
        return 1;
      }
      h.get().destroyForcibly();
      spec.commandLine().getOut().println("killed pod " + pod + " (pid " + pid + ")");
      return 0;
    }
  }
}
