package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.local.LocalPodRunner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb local delete-pod POD [--wipe]}: delete a pod through the API (its StatefulSet
 * recreates it); {@code --wipe} also loses its volume, as when a node's disk dies.
 */
@Command(name = "delete-pod", description = "Delete a local pod; --wipe also loses its volume.")
public final class LocalDeletePodCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the pod name, e.g. students-sh1-2")
  String pod;

  @Option(names = "--wipe", description = "the pod comes back with an empty volume")
  boolean wipe;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    try (KubernetesClient client = cluster.localClient()) {
      Pod p = client.pods().withName(pod).get();
      if (p == null) {
        spec.commandLine().getErr().println("error: pod " + pod + " not found");
        return 1;
      }
      if (wipe) {
        PodAnnotations.set(client, pod, LocalPodRunner.WIPE_ANNOTATION, "true");
        // The runner must see the mark before the pod disappears (it polls every 500 ms).
        Thread.sleep(1500);
      }
      client.pods().withName(pod).delete();
      spec.commandLine().getOut().println("deleted pod " + pod + (wipe ? " and its volume" : ""));
      return 0;
    }
  }
}
