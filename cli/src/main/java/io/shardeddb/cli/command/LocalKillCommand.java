package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.local.LocalPodKill;
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
    try (KubernetesClient client = cluster.localClient()) {
      LocalPodKill.Killed killed = LocalPodKill.kill(pod, client.pods().withName(pod).get());
      spec.commandLine().getOut().println("killed pod " + pod + " (pid " + killed.pid() + ")");
      return 0;
    } catch (LocalPodKill.NotKillable e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
  }
}
