package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.local.Faults;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl-sdb local unthrottle POD}: lift a local pod's CPU cap. */
@Command(name = "unthrottle", description = "Lift a local pod's CPU cap (local throttle).")
public final class LocalUnthrottleCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the pod name, e.g. students-sh1-1")
  String pod;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (KubernetesClient client = cluster.localClient()) {
      if (!PodAnnotations.set(client, pod, Faults.CPU_ANNOTATION, null)) {
        spec.commandLine().getErr().println("error: pod " + pod + " not found");
        return 1;
      }
    }
    spec.commandLine().getOut().println("unthrottling pod " + pod);
    return 0;
  }
}
