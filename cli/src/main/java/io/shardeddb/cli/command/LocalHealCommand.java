package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.local.Faults;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl-sdb local heal [POD]}: remove the partition of one pod, or of every pod. */
@Command(name = "heal", description = "Remove network partitions (of POD, or all of them).")
public final class LocalHealCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", description = "the pod name (default: every pod)")
  String pod;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<String> healed = new ArrayList<>();
    try (KubernetesClient client = cluster.localClient()) {
      if (pod != null) {
        if (!PodAnnotations.set(client, pod, Faults.PARTITION_ANNOTATION, null)) {
          spec.commandLine().getErr().println("error: pod " + pod + " not found");
          return 1;
        }
        healed.add(pod);
      } else {
        for (Pod p : client.pods().list().getItems()) {
          if (PodAnnotations.get(p, Faults.PARTITION_ANNOTATION) != null) {
            PodAnnotations.set(
                client, p.getMetadata().getName(), Faults.PARTITION_ANNOTATION, null);
            healed.add(p.getMetadata().getName());
          }
        }
      }
    }
    spec.commandLine()
        .getOut()
        .println(
            healed.isEmpty() ? "no partitions to heal" : "healing " + String.join(", ", healed));
    return 0;
  }
}
