package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.local.Faults;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb local pause POD [--for SECONDS]}: freeze a local pod's processes (SIGSTOP), as
 * a hung process or a long GC pause; it neither answers nor dies. Resumed by {@code local resume}
 * or when {@code --for} runs out.
 */
@Command(
    name = "pause",
    description = "Freeze a local pod's processes (SIGSTOP) until resumed or for SECONDS.")
public final class LocalPauseCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the pod name, e.g. students-sh1-0")
  String pod;

  @Option(names = "--for", paramLabel = "SECONDS", description = "resume by itself after this")
  Long seconds;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (seconds != null && seconds <= 0) {
      spec.commandLine().getErr().println("error: --for must be a positive number of seconds");
      return 2;
    }
    String value = seconds == null ? "true" : Instant.now().plusSeconds(seconds).toString();
    try (KubernetesClient client = cluster.localClient()) {
      if (!PodAnnotations.set(client, pod, Faults.PAUSE_ANNOTATION, value)) {
        spec.commandLine().getErr().println("error: pod " + pod + " not found");
        return 1;
      }
    }
    spec.commandLine()
        .getOut()
        .println(
            "pausing pod "
                + pod
                + (seconds == null ? " until `local resume " + pod + "`" : " until " + value));
    return 0;
  }
}
