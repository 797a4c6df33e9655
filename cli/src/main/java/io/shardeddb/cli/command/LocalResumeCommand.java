package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.local.Faults;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl-sdb local resume POD}: let a paused local pod run again (SIGCONT). */
@Command(name = "resume", description = "Resume a paused local pod (SIGCONT).")
public final class LocalResumeCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the pod name, e.g. students-sh1-0")
  String pod;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (KubernetesClient client = cluster.localClient()) {
      if (!PodAnnotations.set(client, pod, Faults.PAUSE_ANNOTATION, null)) {
        spec.commandLine().getErr().println("error: pod " + pod + " not found");
        return 1;
      }
    }
    spec.commandLine().getOut().println("resuming pod " + pod);
    return 0;
  }
}
